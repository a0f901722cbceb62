"""Prospects and Mes devis are built once per session and shown again as new ones
(tui/kept_screens.py): same screen, no filter left, first page, table focused, first frame with
the fresh rows; another login gets its own, and a logout drops them with their rows."""

from __future__ import annotations

import gc

from textual.widgets import Input

from db.companies import ProspectFilters, list_prospects
from db.core import Scope, User
from db.quotes import QuoteFilters, list_quotes
from screens.prospects import ProspectsScreen
from screens.quotes import QuotesScreen
from tests.ui.conftest import SIZE, login, settle, type_text
from tests.ui.quote_screens import open_mes_devis
from tui.toolkit.widgets.choice import Choice
from tui.toolkit.widgets.record_list import RecordList, RecordTable


def scope_of(login_name: str) -> Scope:
    return Scope.for_user(User.get(User.login == login_name))


async def test_mes_devis_shown_again_is_as_new(app):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await open_mes_devis(pilot)
        screen = app.screen
        listing = screen.query_one(RecordList)
        first_page = [row.id for row in listing.rows]
        screen.query_one("#q-client", Input).focus()
        await type_text(pilot, "zzz-aucun")
        screen.query_one("#q-created", Input).value = "99/99/9999"  # refused: an error shown
        await pilot.press("enter")
        await settle(pilot)
        assert screen.query(".quote-filter.-invalid")
        screen.query_one("#q-created", Input).value = ""
        step = screen.query_one("#q-step", Choice)
        step.value = step._options[1][1]
        await pilot.press("escape", "escape")  # to the results, then back to the menu
        await settle(pilot)
        assert not isinstance(app.screen, QuotesScreen)

        await open_mes_devis(pilot)
        assert app.screen is screen  # not built again
        assert all(box.value == "" for box in screen.query("#quote-filters Input"))
        assert all(choice.value is None for choice in screen.query(Choice))
        assert not screen.query(".quote-filter.-invalid")
        assert [row.id for row in listing.rows] == first_page
        expected = list_quotes(scope_of("revendeur"), QuoteFilters(), 0, len(first_page))
        assert [row.id for row in expected] == first_page
        assert isinstance(screen.focused, RecordTable) and screen.focused.cursor_row == 0


async def test_prospects_shown_again_goes_out_once_with_its_unfiltered_rows(app):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("enter")  # Prospects
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ProspectsScreen)
        listing = screen.query_one(RecordList)
        unfiltered = [row.id for row in listing.rows]
        await pilot.press("slash", "tab")  # RAISON SOCIALE
        await type_text(pilot, "garage")
        await settle(pilot)
        filtered = [row.id for row in listing.rows]
        assert filtered and filtered != unfiltered
        await pilot.press("escape")
        await settle(pilot)

        frames: list[list[int]] = []
        display = app._display

        def watching(shown, renderable):
            if renderable is not None and not app._batch_count and shown is screen:
                frames.append([row.id for row in listing.rows])
            return display(shown, renderable)

        app._display = watching
        app.open_place("prospects")
        await settle(pilot)
        assert app.screen is screen
        assert listing.filter_values()["name"] == ""
        assert frames and frames[0] == unfiltered  # its first frame: no filtered row shown
        expected = list_prospects(scope_of("revendeur"), ProspectFilters(), 0, len(unfiltered))
        assert [row.id for row in expected] == unfiltered


async def test_a_logout_drops_the_kept_screens_and_the_next_user_gets_their_own(app):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "operateur", operator=True)
        app.open_place("quotes")
        await settle(pilot)
        operators = app.screen
        operator_rows = [row.id for row in operators.query_one(RecordList).rows]
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+l")  # Déconnexion
        await settle(pilot)
        assert not operators.is_attached  # removed, with the operator's rows
        assert operators not in app._installed_screens.values()
        del operators
        gc.collect()
        assert not [o for o in gc.get_objects() if isinstance(o, QuotesScreen)]

        await login(pilot, "revendeur")
        app.open_place("quotes")
        await settle(pilot)
        rows = [row.id for row in app.screen.query_one(RecordList).rows]
        reseller = scope_of("revendeur")
        assert rows == [row.id for row in list_quotes(reseller, QuoteFilters(), 0, len(rows))]
        assert rows != operator_rows


async def test_a_list_reached_again_while_open_below_opens_a_new_one(app):
    """Mes devis › a quote › the palette's Mes devis: a second Mes devis on top (the kept one
    is on the stack), not kept; Escape comes back through both."""
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await open_mes_devis(pilot)
        kept = app.screen
        await pilot.press("enter")  # the first quote
        await settle(pilot)
        assert not isinstance(app.screen, QuotesScreen)
        app.open_place("quotes")
        await settle(pilot)
        second = app.screen
        assert isinstance(second, QuotesScreen) and second is not kept
        assert second.query_one(RecordList).rows
        app.pop_screen()
        await settle(pilot)
        app.pop_screen()
        await settle(pilot)
        assert app.screen is kept
        app.pop_screen()
        await settle(pilot)
        app.open_place("quotes")
        await settle(pilot)
        assert app.screen is kept  # still the one kept
