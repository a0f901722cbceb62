"""Page Up / Page Down on a list that is closed, empty or not laid out do nothing (no crash).

Textual 8.2.8 raises KeyError there (found by bench/random_keys.py on Nouveau devis's
Commercial drop-down); tui/toolkit/widgets/option_list.py guards both OptionList and Select.
"""

from __future__ import annotations

import pytest
from textual.app import App
from textual.widgets import Select as TextualSelect
from textual.widgets._select import SelectOverlay

from tui.toolkit.widgets.option_list import OptionList, Select


class Lists(App):
    def __init__(self, select_class=Select):
        super().__init__()
        self.select_class = select_class

    def compose(self):
        people = [("Claire Bernard", 1), ("Marc Petit", 2)]
        yield self.select_class(people, prompt="Tous", value=2, compact=True)
        yield OptionList(id="empty")


@pytest.mark.parametrize("action", ["action_page_up", "action_page_down"])
async def test_paging_a_closed_drop_down_or_an_empty_list_does_nothing(action):
    app = Lists()
    async with app.run_test() as pilot:
        await pilot.pause()
        overlay = app.query_one(SelectOverlay)  # Select's drop-down, closed (hidden)
        getattr(overlay, action)()
        getattr(app.query_one("#empty"), action)()
        await pilot.pause()
        assert app.query_one(Select).value == 2  # nothing chosen by the key
        assert app._exception is None


async def test_textual_alone_crashes_there():
    """What the guard is for: Textual's own Select, closed, on Page Down."""
    app = Lists(TextualSelect)
    async with app.run_test() as pilot:
        await pilot.pause()
        with pytest.raises(KeyError):
            app.query_one(SelectOverlay).action_page_down()
