"""OptionList and Select, minus a Textual 8.2.8 crash: Page Up / Page Down on a list not laid out.

Textual's OptionList maps options to lines only once it has a size; a list that is hidden,
zero-high or empty (a combo box's closed drop-down, Select's own overlay) then raises KeyError
on Page Up / Page Down (found by bench/random_keys.py; the same crash is reported against
Textual's SelectOverlay by other projects). Use these classes wherever one can be focused.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import OptionList as _TextualOptionList
from textual.widgets import Select as _TextualSelect
from textual.widgets._select import SelectCurrent, SelectOverlay


class _PagesOnlyWhenLaidOut:
    def _can_page(self) -> bool:
        # Nothing laid out or nothing listed: no page to move by.
        return bool(self.scrollable_content_region) and self.option_count > 0

    def action_page_up(self) -> None:
        if self._can_page():
            super().action_page_up()

    def action_page_down(self) -> None:
        if self._can_page():
            super().action_page_down()


class OptionList(_PagesOnlyWhenLaidOut, _TextualOptionList):
    pass


class _Overlay(_PagesOnlyWhenLaidOut, SelectOverlay):
    """Select's drop-down (still a SelectOverlay for Select's queries and CSS)."""


class Select(_TextualSelect):
    """Textual's Select with the guarded drop-down; same API, messages and CSS."""

    def compose(self) -> ComposeResult:
        yield SelectCurrent(self.prompt)
        yield _Overlay(type_to_search=self._type_to_search).data_bind(
            compact=_TextualSelect.compact
        )
