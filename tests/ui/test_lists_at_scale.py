"""Lists at scale in the UI: capped totals, coalesced keystrokes; low bandwidth's quiet cursor."""

from __future__ import annotations

import threading

from textual.widgets import DataTable, Input, Static

import db.companies.prospects
import screens.prospects
from screens.prospects import ProspectsScreen
from tests.ui.conftest import SIZE, login, settle
from tui.app import MyOpenIPApp
from tui.settings import Settings
from tui.toolkit.host import signed_in
from tui.toolkit.widgets.record_list import RecordList


async def test_a_capped_count_reads_plus_de(demo_db, monkeypatch):
    monkeypatch.setattr(db.companies.prospects, "COUNT_CAP", 10)
    app = MyOpenIPApp(Settings(database=demo_db, page_size=5))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot, "operateur", operator=True)
        await pilot.press("enter")  # Prospects
        await settle(pilot)
        assert isinstance(app.screen, ProspectsScreen)
        status = str(app.screen.query_one("RecordList > .status", Static).render())
        assert status.startswith("1–5 sur plus de 10"), status


async def test_the_rows_are_shown_before_their_total_is_counted(demo_db, monkeypatch):
    """A full page is painted as soon as it is read, its total ("sur …") counted after; a
    count that ends after the user typed again is not shown for the new filters."""
    count = db.companies.prospects.count_prospects
    held = {"g": threading.Event(), "ga": threading.Event()}
    counted: list[str] = []

    def slow_count(scope, filters, cap=None):
        if filters.name in held:
            held[filters.name].wait(10)  # a slow count (PostgreSQL at a million rows)
        counted.append(filters.name)
        return count(scope, filters, cap=cap)

    monkeypatch.setattr(db.companies.prospects, "count_prospects", slow_count)
    app = MyOpenIPApp(Settings(database=demo_db, page_size=5))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot, "operateur", operator=True)
        await pilot.press("enter")  # Prospects
        await settle(pilot)
        record_list = app.screen.query_one(RecordList)
        status = app.screen.query_one("RecordList > .status", Static)
        await pilot.press("slash", "tab")  # RAISON SOCIALE
        await pilot.press("g")
        for _ in range(100):  # the page for "g" is painted while its count is held
            if record_list.filter_values()["name"] == "g" and record_list.counting:
                break
            await pilot.pause(0.05)
        names = [str(row.name).upper() for row in record_list.rows]
        assert len(names) == 5 and all("G" in name for name in names)
        assert str(status.render()).startswith("1–5 sur …"), status.render()
        await pilot.press("a")  # typed while the count of "g" runs
        for _ in range(100):
            if record_list.filter_values()["name"] == "ga" and record_list.counting:
                break
            await pilot.pause(0.05)
        assert all("GA" in str(row.name).upper() for row in record_list.rows)
        held["g"].set()  # the count of "g" ends: not for what is on the screen now
        await pilot.pause(0.3)
        assert str(status.render()).startswith("1–5 sur …"), status.render()
        held["ga"].set()
        await settle(pilot)
        await pilot.pause(0.2)
        expected = count(signed_in(app), db.companies.prospects.ProspectFilters(name="ga"))
        assert not record_list.counting
        assert str(status.render()).startswith(f"1–5 sur {expected}"), status.render()
        assert counted[counted.index("g") :] == ["g", "ga"]  # one count each, in turn


async def test_keys_typed_during_a_query_cost_one_more_query(app, monkeypatch):
    calls: list[dict] = []
    fetch = screens.prospects.fetch_prospects

    held = threading.Event()

    def slow_fetch(scope, filters, offset, limit, pager=None, **options):
        calls.append(dict(filters))
        if filters.get("name") == "g":
            held.wait(10)  # a slow database: the next keys arrive while this runs
        return fetch(scope, filters, offset, limit, pager, **options)

    monkeypatch.setattr(screens.prospects, "fetch_prospects", slow_fetch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot)
        await pilot.press("enter")
        await settle(pilot)
        calls.clear()
        await pilot.press("slash", "tab")  # RAISON SOCIALE
        assert app.focused.id == "filter-name"
        await pilot.press("g")
        for _ in range(100):  # until the query for "g" runs (and is held)
            if calls:
                break
            await pilot.pause(0.05)
        await pilot.press("a", "r")
        held.set()
        await settle(pilot)
        await pilot.pause(0.5)
        await settle(pilot)
        # "g" queried at once; "a" and "r" arrived while it ran: one query for "gar", no more.
        assert [c["name"] for c in calls] == ["g", "gar"]
        record_list = app.screen.query_one(RecordList)
        names = [str(row.name).upper() for row in record_list.rows]
        assert names and all("GAR" in name for name in names)
        assert app.screen.query_one(DataTable).row_count == len(names)


async def test_next_page_follows_the_last_row_seen_when_rows_are_added(demo_db):
    """Ctrl+↓ after a prospect was created elsewhere: the page goes on from the last row the
    user saw (keyset paging) instead of showing it again; Ctrl+↑ shows the page seen before."""
    app = MyOpenIPApp(Settings(database=demo_db, page_size=5))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot, "operateur", operator=True)
        await pilot.press("enter")  # Prospects
        await settle(pilot)
        record_list = app.screen.query_one(RecordList)
        record_list.focus_table()
        await pilot.press("ctrl+down")
        await settle(pilot)
        second = [row.id for row in record_list.rows]
        assert len(second) == 5
        scope = app.scope
        newest = db.companies.prospects.save_company_step(
            scope,
            None,
            {
                "name": "CRÉÉ PENDANT LA LECTURE",
                "siren": "732829320",
                "siret": "73282932000074",
                "site_number": "1",
                "site_street": "rue de Paris",
                "site_postcode": "92110",
                "site_city": "CLICHY",
                "site_country": "France",
            },
        )
        await pilot.press("ctrl+down")
        await settle(pilot)
        third = [row.id for row in record_list.rows]
        everything = [
            row.id
            for row in db.companies.prospects.list_prospects(
                scope, db.companies.prospects.ProspectFilters()
            )
        ]
        start = everything.index(second[-1]) + 1
        assert third == everything[start : start + 5]
        assert not set(third) & set(second)
        table = app.screen.query_one(DataTable)
        assert str(table.get_row_at(0)[0]).strip() == str(third[0])  # what the user sees
        await pilot.press("ctrl+up")
        await settle(pilot)
        assert [row.id for row in record_list.rows] == second
        await pilot.press("ctrl+up")
        await settle(pilot)
        assert record_list.rows[0].id == newest  # the first page: the list as it is now


async def test_low_bandwidth_cursor_does_not_blink(demo_db, monkeypatch):
    monkeypatch.undo()  # the suite's no_cursor_blink fixture: blinking is what is tested here
    for low_bandwidth in (False, True):
        app = MyOpenIPApp(Settings(database=demo_db, low_bandwidth=low_bandwidth))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert app.focused.id == "login"  # focused from the start, no repaint to get there
            assert isinstance(app.focused, Input)
            assert app.focused.cursor_blink is (not low_bandwidth)
            assert app.theme == ("ansi-dark" if low_bandwidth else "textual-dark")


async def test_a_list_screen_goes_out_once_with_its_rows(app):
    """The first frame of a list screen waits for its first page: the screen is not sent empty
    ("Chargement…") and then again with the rows."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot)
        await settle(pilot)
        frames: list[tuple[str, int]] = []
        display = app._display

        def watching(screen, renderable):
            if renderable is not None and not app._batch_count:
                lists = screen.query(RecordList)
                frames.append((type(screen).__name__, len(lists.first().rows) if lists else -1))
            return display(screen, renderable)

        app._display = watching
        await pilot.press("enter")  # Prospects
        await settle(pilot)
        assert isinstance(app.screen, ProspectsScreen)
        shown = [rows for name, rows in frames if name == "ProspectsScreen"]
        assert shown and shown[0] > 0, frames  # its very first frame has the rows
