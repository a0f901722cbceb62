"""The MyOpenIP application: login first, then the menu tree and the screens it opens."""

from __future__ import annotations

from textual.app import App
from textual.binding import Binding

from db.scope import Scope
from tui.commands import PlacesProvider, RecordsProvider
from tui.places import place
from tui.settings import Settings


class MyOpenIPApp(App):
    TITLE = "MyOpenIP"
    CSS_PATH = "styles/app.tcss"
    COMMANDS = {PlacesProvider, RecordsProvider}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("f1", "toggle_keys", "Touches", id="app.keys"),
        Binding("ctrl+q", "quit", "Quitter", id="app.quit", priority=True),
    ]

    def __init__(self, settings: Settings | None = None, *, demo_banner: str = ""):
        super().__init__()
        self.settings = settings or Settings()
        self.scope: Scope | None = None
        self.demo_banner = demo_banner
        # Animations cost bytes on slow links and distract: off unless the user asks.
        self.animation_level = "none"

    def on_mount(self) -> None:
        from screens.login import LoginScreen

        self.theme = "textual-dark" if not self.settings.low_bandwidth else "textual-ansi"
        self.push_screen(LoginScreen())

    def logged_in(self, scope: Scope) -> None:
        from screens.home import HomeScreen

        self.scope = scope
        self.switch_screen(HomeScreen())

    def open_place(self, key: str, **kwargs) -> None:
        screen_class = place(key).screen_class()
        self.push_screen(screen_class(**kwargs))

    def action_toggle_keys(self) -> None:
        if self.screen.query("KeyPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()
