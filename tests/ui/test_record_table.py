"""Issue 14 items 1-2 through the UI: the list's table draws only what changed (a page shown
again repaints no line), a held ↓ moves the rows by half the view; Mes devis's light selectors
(Choice) open, choose, close with Échap, and draw a label as plain text."""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import DataTable

from db.core.models import User
from tests.ui.conftest import login, settle
from tests.ui.quote_screens import open_mes_devis
from tui.toolkit.widgets.choice import Choice, ChoiceMenu
from tui.toolkit.widgets.record_list import RecordList, RecordTable

SMALL = (80, 24)


async def open_prospects(pilot) -> tuple[RecordList, DataTable]:
    """Logged in as the reseller, Prospects open: its list and the list's table."""
    await login(pilot)
    pilot.app.open_place("prospects")
    await settle(pilot)
    listing = pilot.app.screen.query_one(RecordList)
    return listing, listing.query_one(DataTable)


def shown_rows(table: DataTable) -> range:
    header = table.header_height if table.show_header else 0
    top = int(table.scroll_y)
    return range(top, top + table.scrollable_content_region.height - header)


async def test_a_held_down_key_moves_the_rows_by_half_the_view(app):
    async with app.run_test(size=SMALL) as pilot:
        await login(pilot, "operateur", operator=True)
        app.open_place("prospects")
        await settle(pilot)
        listing = app.screen.query_one(RecordList)
        table = listing.query_one(DataTable)
        table.focus()
        view = shown_rows(table)
        assert len(listing.rows) > len(view) + 1  # more rows than the view holds
        await pilot.press(*["down"] * (len(view) - 1))  # the last row shown
        await settle(pilot)
        assert table.scroll_y == 0 and table.cursor_row == len(view) - 1
        await pilot.press("down")  # one past the edge: half a view, not one row
        await settle(pilot)
        jump = len(view) // 2
        assert int(table.scroll_y) == jump
        assert table.cursor_row == len(view) and table.cursor_row in shown_rows(table)
        # What is drawn on the cursor's line is the cursor's record.
        line = table.cursor_row - int(table.scroll_y) + table.header_height
        drawn = "".join(segment.text for segment in table.render_line(line))
        assert listing.current_key in drawn
        await pilot.press(*["up"] * (jump + 1))  # back over the top edge
        await settle(pilot)
        assert int(table.scroll_y) == 0
        assert table.cursor_row in shown_rows(table)


async def test_a_page_shown_again_repaints_no_line_and_a_new_page_its_lines(app, monkeypatch):
    async with app.run_test(size=SMALL) as pilot:
        listing, table = await open_prospects(pilot)
        refreshed: list[tuple] = []  # what reaches Textual's refresh while a page goes in
        refresh, set_rows = Widget.refresh, table.set_rows
        filling = False

        def spy(widget, *regions, **kwargs):
            if filling and widget is table:
                refreshed.append(regions)
            return refresh(widget, *regions, **kwargs)

        def spied_set_rows(rows):
            nonlocal filling
            filling = True
            try:
                set_rows(rows)
            finally:
                filling = False

        monkeypatch.setattr(Widget, "refresh", spy)
        table.set_rows = spied_set_rows
        listing.reload()  # the same filters: the same rows
        await settle(pilot)
        cursor_line = table.header_height  # the cursor stays on the first row
        lines = {region.y for regions in refreshed for region in regions}
        assert () not in refreshed  # no repaint of the whole table
        assert lines <= {cursor_line}
        refreshed.clear()
        app.screen.query_one("#filter-name").focus()
        await pilot.press("x", "y", "z", "q")  # no prospect: every row line goes blank
        await settle(pilot)
        assert not listing.rows
        lines = {region.y for regions in refreshed for region in regions}
        assert () in refreshed or len(lines) > 1


async def test_a_choice_opens_chooses_and_closes_with_escape(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await login(pilot)
        await open_mes_devis(pilot)
        step = app.screen.query_one("#q-step", Choice)
        assert not step.query(ChoiceMenu)  # nothing mounted until opened
        step.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.focused, ChoiceMenu)
        await pilot.press("down", "escape")  # moved, then closed: nothing chosen
        await settle(pilot)
        assert step.value is None and app.focused is step and not step.query(ChoiceMenu)
        assert str(step.render()).startswith("Toutes")
        await pilot.press("enter", "down", "enter")
        await settle(pilot)
        label, value = step.options[0]
        assert step.value == value and str(step.render()).startswith(label)
        assert app.focused is step


async def test_a_choice_draws_a_label_as_plain_text(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await login(pilot)
        await open_mes_devis(pilot)
        commercial = app.screen.query_one("#q-commercial", Choice)
        some_id = User.get(User.login == "c.bernard").id
        commercial.set_options([("[b]Claire[/b] \x1b[31m", some_id)])
        commercial.value = some_id
        await settle(pilot)
        assert str(commercial.render()).startswith("[b]Claire[/b] ␛[31m")


async def test_a_new_page_draws_its_changed_lines_and_keeps_the_header(app, monkeypatch):
    """A new page draws again only the lines whose content changed: the header (drawn by
    DataTable through Rich, the dearest line) keeps its drawing."""
    async with app.run_test(size=SMALL) as pilot:
        listing, table = await open_prospects(pilot)
        header = table.header_height
        rows = list(listing.rows)
        assert len(rows) > 2
        # The same rows the other way round: another page, in columns of the same widths.
        listing.fetch = lambda filters, offset, limit: (rows[::-1], len(rows))
        drawn_lines: list[int] = []
        render_line = RecordTable.render_line

        def spy(widget, y):
            if widget is table:
                drawn_lines.append(y)
            return render_line(widget, y)

        monkeypatch.setattr(RecordTable, "render_line", spy)
        listing.reload()
        await settle(pilot)
        assert listing.rows[0] is rows[-1]
        assert drawn_lines and not [y for y in drawn_lines if y < header]
        # What the terminal shows is the new page, under the same header.
        shown = app.screen._compositor.render_full_update().strips
        text = ["".join(seg.text for strip in line for seg in strip) for line in shown]
        assert f" {rows[-1].id} " in text[table.region.y + header]
        assert "IDENTIFIANT" in text[table.region.y]
