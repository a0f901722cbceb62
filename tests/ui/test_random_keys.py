"""Random keys: 2,000 seeded keys across the screens; the app never crashes, the store stays sound.

`bench/random_keys.py` runs the same driver with 10,000 keys and prints its figures.
"""

from __future__ import annotations

import asyncio
import os

from bench.random_keys import FORBIDDEN, check_consistency, random_keys, run

KEYS = int(os.environ.get("MYOPENIP_RANDOM_KEYS", "2000"))


def test_keys_are_reproducible_and_never_quit():
    keys = random_keys(500, seed=2026)
    assert keys == random_keys(500, seed=2026)
    assert keys != random_keys(500, seed=2027)
    assert not FORBIDDEN & set(keys)
    # Typing, moving and acting all occur.
    assert {"enter", "escape", "tab", "ctrl+s"} <= set(keys)


async def test_random_keys_never_crash_the_app(demo_db):
    assert check_consistency() == []
    # A hung app (see bench/random_keys.py) must fail the suite, not stall it.
    figures = await asyncio.wait_for(run(demo_db, KEYS, seed=2026), 300)
    report = "\n".join(figures.lines())
    assert figures.crashes == 0, figures.crash_traceback or report
    assert figures.keys_sent == KEYS, report
    assert figures.problems == [], report
    assert figures.worker_errors == [], report
    # The keys really wandered: the menu and at least a couple of screens beyond it.
    assert len(figures.screens) >= 3, report


async def test_lines_dialog_closes_once_when_its_save_ends_under_the_question(app, scopes):
    """Found by the random keys: Ctrl+S then Échap on "Modifier les lignes"; the save ended while
    "Les abandonner ?" was open, then "o" dismissed the dialog a second time (InvalidStateError)."""
    from db.core.database import database_proxy
    from db.core.models import Quote
    from db.quotes.lists import SIGNED_STEP
    from screens.quote_detail import QuoteDetailScreen, QuoteLinesDialog
    from tests.ui.conftest import SIZE, login, settle
    from tui.toolkit.dialogs.confirm import ConfirmDialog
    from tui.toolkit.widgets.quote_lines import QuoteLinesEditor

    with database_proxy.connection_context():
        quote = (
            Quote.select()
            .where((Quote.reseller == scopes["revendeur"].company_id) & (Quote.step < SIGNED_STEP))
            .order_by(Quote.id)
            .first()
        )
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        app.push_screen(QuoteDetailScreen(quote.id))
        await settle(pilot)
        await pilot.press("ctrl+e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, QuoteLinesDialog)
        dialog.query_one(QuoteLinesEditor).initial = []  # as if a line had been changed
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        app.call_later(dialog._save_done, 0)  # the save's `done`, ending just now
        await settle(pilot)
        assert isinstance(app.screen, QuoteDetailScreen)
        await pilot.press("o", "escape")
        await settle(pilot)
        assert app._exception is None


async def test_option_list_page_keys_before_layout_do_not_crash():
    """Found by the random keys: Page Up on a focused OptionList not laid out yet (a closed
    drop-down of height 0) raised KeyError inside Textual."""
    from textual.app import App
    from textual.widgets.option_list import Option

    from tui.toolkit.widgets.option_list import OptionList

    class Lists(App):
        CSS = "OptionList { height: 0; }"

        def compose(self):
            yield OptionList(Option("CABINET DUVAL"), Option("GARAGE DU CENTRE"))

    app = Lists()
    async with app.run_test() as pilot:
        app.query_one(OptionList).focus()
        await pilot.press("pageup", "pagedown", "down", "pageup")
        assert app._exception is None
