"""Issue 13 item 8: at 80×24 every list keeps its identifying columns, its state or amount and its
action; the other columns shrink or drop by their stated priority; the identifier stays when the
table scrolls sideways; the footer shows whole keys only."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from tests.ui.conftest import login, settle
from tui.toolkit.widgets.footer import AppFooter
from tui.toolkit.widgets.record_list import RecordList

SMALL = (80, 24)

# place -> the column headers kept at 80 columns (the operator sees every list), spaces folded
KEPT = {
    "prospects": ["IDENTIFIANT", "RAISON SOCIALE", "ETAT", "ACTION"],
    "clients": ["IDENTIFIANT", "N° client", "RAISON SOCIALE", "CP / VILLE", "SIREN"],
    "catalogue": ["Offre", "M.E.S.", "ABO.", "Statut"],
    "orders": ["N° commande", "Client", "Devis", "Statut", "M.E.S. / ABO."],
    "quotes": [
        "N° devis / Version",
        "Client",
        "Nom des offres",
        "Création",
        "Étape",
        "M.E.S. / ABO.",
    ],
    "services": ["Client", "N° client", "Offre", "Qté", "Mensuel", "Depuis le", "Total client"],
}


def headers(table: DataTable) -> list[str]:
    return [" ".join(str(column.label).split()) for column in table.columns.values()]


@pytest.mark.parametrize("place", list(KEPT))
async def test_each_list_keeps_its_identity_state_and_action_at_80_columns(app, place):
    async with app.run_test(size=SMALL) as pilot:
        await login(pilot, "operateur", operator=True)
        app.open_place(place)
        await settle(pilot)
        await settle(pilot)
        listing = app.screen.query_one(RecordList)
        table = listing.query_one(DataTable)
        assert listing.rows, place
        labels = headers(table)
        assert labels == KEPT[place]
        # Everything fits: no sideways scrolling needed, and the row's cells match the headers.
        assert table.virtual_size.width <= table.size.width
        assert len(table.get_row_at(0)) == len(labels)
        footer = app.screen.query_one(AppFooter)
        line = str(footer.render())
        assert len(line) == 80
        left, right = footer.keys_shown()
        assert right[0] == "f1"
        for key in left:  # each key drawn whole, with its description
            assert f" {key} " in line


async def test_the_identifier_stays_when_the_table_scrolls_sideways(app):
    async with app.run_test(size=(60, 24)) as pilot:
        await login(pilot)
        app.open_place("prospects")
        await settle(pilot)
        table = app.screen.query_one(RecordList).query_one(DataTable)
        assert table.fixed_columns == 1
        table.focus()
        await pilot.press("right", "right", "right")
        await settle(pilot)
        assert table.scroll_x > 0  # 60 columns: the table is wider than the screen
        assert "IDENTIFIANT" in "".join(s.text for s in table.render_line(0))


@pytest.mark.parametrize("demo", [False, True], ids=["db", "demo-banner"])
async def test_a_failed_login_keeps_the_connexion_box_on_the_screen(app, demo):
    from textual.widgets import Button, Static

    from tui.cli import DEMO_BANNER

    if demo:  # `myopenip --demo`: the logins are told under Valider, in the box
        app.demo_banner = DEMO_BANNER
    async with app.run_test(size=SMALL) as pilot:
        await login(pilot, "revendeur", "mauvais")
        screen = app.screen
        error = screen.query_one("#login-error", Static)
        assert str(error.render()) == "Identifiants incorrects ou compte indisponible."
        box = screen.query_one("#login-box").region
        assert box.y >= 0 and box.bottom <= 24 - 1  # above the footer
        assert screen.query_one("#validate", Button).region.bottom <= box.bottom
        if demo:
            assert screen.query_one("#demo-banner", Static).region.bottom <= box.bottom


async def test_typing_past_a_filter_box_keeps_the_cursor_in_view_without_a_layout(app, monkeypatch):
    """A filter box's typing asks for no layout of the screen (FilterInput): the text still
    scrolls inside the box so that what is typed last, and the cursor, stay in view."""
    from textual.widget import Widget
    from textual.widgets import Input

    async with app.run_test(size=SMALL) as pilot:
        await login(pilot)
        app.open_place("prospects")
        await settle(pilot)
        box = app.screen.query_one("#filter-name", Input)
        box.focus()
        await settle(pilot)
        layouts: list[Widget] = []
        refresh = Widget.refresh

        def spy(widget, *regions, layout=False, **kwargs):
            if layout and widget is box:
                layouts.append(widget)
            return refresh(widget, *regions, layout=layout, **kwargs)

        monkeypatch.setattr(Widget, "refresh", spy)
        text = "abcdefghijklmnopqrstuvwxyz0123456789"
        assert len(text) > box.content_size.width
        await pilot.press(*text)
        await settle(pilot)
        assert box.value == text and not layouts
        assert box.scroll_x > 0
        shown = "".join(segment.text for segment in box.render_line(0)).strip()
        assert shown.endswith("3456789"), shown
