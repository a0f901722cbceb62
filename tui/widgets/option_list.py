"""OptionList, minus a Textual 8.2.8 crash: Page Up / Page Down on a list not laid out yet.

Textual's OptionList maps options to lines only once it has a size; a list that holds options
but is hidden or zero-high (a combo box's closed drop-down) then raises KeyError on Page Up /
Page Down (found by bench/random_keys.py). Use this class wherever an OptionList can be focused.
"""

from __future__ import annotations

from textual.widgets import OptionList as _TextualOptionList


class OptionList(_TextualOptionList):
    def action_page_up(self) -> None:
        if self.scrollable_content_region:  # nothing laid out: no page to move by
            super().action_page_up()

    def action_page_down(self) -> None:
        if self.scrollable_content_region:
            super().action_page_down()
