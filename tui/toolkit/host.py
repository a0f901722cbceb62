"""What screens and the toolkit need from the app that hosts them, typed (issue 15).

Textual types `self.app` as a bare `App`; the app shell's own attributes (the signed-in scope, the
settings, opening a screen by route name) live on tui.app.MyOpenIPApp, which nothing below the
shell may import (tests/unit/test_import_graph.py). `Host` describes those attributes, and
`host(self.app)` reads them typed; tui/app.py checks that MyOpenIPApp is a Host.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, cast

from textual.app import App
from textual.message_pump import MessagePump

if TYPE_CHECKING:
    from textual.screen import Screen
    from textual.widget import Widget

    from db.core import Scope

    # Bases of the mix-ins, for mypy: what a mix-in uses of the class it is mixed into (a
    # screen, a widget). At run time they stay what they were (object, or MessagePump for
    # mix-ins whose @on handlers Textual must collect).
    ScreenMixin = Screen[Any]
    HandlersScreenMixin = Screen[Any]
    WidgetMixin = Widget
else:
    ScreenMixin = object
    HandlersScreenMixin = MessagePump
    WidgetMixin = object


class HostSettings(Protocol):
    """The settings (tui/settings.py) screens read."""

    @property
    def page_size(self) -> int: ...
    @property
    def files_dir(self) -> str: ...
    @property
    def ssh_login(self) -> str: ...
    @property
    def ssh_key(self) -> str: ...
    @property
    def keymap(self) -> dict[str, str]: ...
    @property
    def ssh_portal(self) -> str: ...
    @property
    def ssh_key_only(self) -> bool: ...


class Host(Protocol):
    """The app shell as screens see it (tui/app.py MyOpenIPApp)."""

    scope: Scope | None
    demo_banner: str
    store_error: str | None  # the store could not be opened: the French sentence

    @property
    def settings(self) -> HostSettings: ...

    def logged_in(self, scope: Scope) -> None: ...

    def open_place(self, key: str, **kwargs: Any) -> None: ...

    def open_screen(
        self,
        name: str,
        *args: Any,
        replace: bool = False,
        callback: Callable[[Any], object] | None = None,
        **kwargs: Any,
    ) -> None: ...

    def go_up(self) -> None: ...

    def end_session(self, message: str) -> None: ...


def host(app: App[Any]) -> Host:
    """`app` as the Host it is (the only app that runs screens is MyOpenIPApp)."""
    return cast(Host, app)


def signed_in(app: App[Any]) -> Scope:
    """The signed-in person's scope, for screens shown only once logged in (where it is never
    None: a None here would fail on its first attribute, as it did before it was typed)."""
    return cast("Scope", host(app).scope)
