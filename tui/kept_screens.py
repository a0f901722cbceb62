"""The big lists' screens (Prospects, Mes devis), built once per session and shown again.

Building Mes devis (some 35 widgets: composed, mounted, styled, laid out) is most of what its
opening cost; a screen kept is shown again as a new one would be (no filter, first page, the
table focused, its first frame held for its rows: `reopen()`), without being built again.
A kept screen belongs to the signed-in scope: another scope (a new login) builds its own, and
a logout drops them all, with the rows they hold.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.app import App
    from textual.screen import Screen

KEPT_PLACES = frozenset({"prospects", "quotes"})  # their screens have `reopen()`


class KeptScreens:
    def __init__(self, app: App):
        self.app = app
        self._kept: dict[str, tuple[object, Screen]] = {}  # place -> (scope, screen)
        self.reopening: Screen | None = None  # shown again: its first frame waits for rows

    def take(self, key: str, scope) -> Screen | None:
        """The kept screen of `key`, reset to be shown again; None if there is none to use
        (not kept yet, another scope's, or on the screen stack already)."""
        kept = self._kept.get(key)
        if kept is None:
            return None
        owner, screen = kept
        if owner is not scope:
            self._drop(key)
            return None
        if screen in self.app.screen_stack or not screen.is_mounted:
            return None  # on the stack (reached twice): a new one, not kept, this time
        screen.reopen()  # type: ignore[attr-defined]
        self.reopening = screen
        return screen

    def keep(self, key: str, scope, screen: Screen) -> None:
        if key not in KEPT_PLACES or scope is None:
            return
        if key in self._kept:
            if self._kept[key][1] in self.app.screen_stack:
                return  # the kept one is open below this one (reached twice): this one goes
            self._drop(key)
        self.app.install_screen(screen, f"kept-{key}")  # Textual then keeps it when popped
        self._kept[key] = (scope, screen)

    def drop_all(self) -> None:
        """At logout: every kept screen removed, with the rows it holds."""
        for key in list(self._kept):
            self._drop(key)

    def _drop(self, key: str) -> None:
        _, screen = self._kept.pop(key)
        if screen in self.app.screen_stack:
            # Still open (the scope changed with no logout, which empties the stack first):
            # it stays installed, owned by no scope, and is dropped once it is closed.
            self._kept[key] = (None, screen)
            return
        self.app.uninstall_screen(screen)
        if screen.is_attached:
            screen.remove()
