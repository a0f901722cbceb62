"""The MyOpenIP application: login first, then the menu tree and the screens it opens."""

from __future__ import annotations

from time import monotonic

from textual import events
from textual.app import App
from textual.binding import Binding

from db.scope import Scope
from tui.commands import PlacesProvider, RecordsProvider
from tui.places import place
from tui.settings import Settings


class MyOpenIPApp(App):
    TITLE = "MyOpenIP"
    CSS_PATH = ["styles/app.tcss", "styles/lock.tcss", "styles/documents.tcss", "styles/quotes.tcss", "styles/companies.tcss", "styles/catalogue_orders.tcss"]
    COMMANDS = {PlacesProvider, RecordsProvider}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("f1", "toggle_keys", "Touches", id="app.keys"),
        Binding("ctrl+q", "quit", "Quitter", id="app.quit", priority=True),
        Binding("f3", "select_company", "Sélectionner...", id="app.select_company"),
    ]

    def __init__(self, settings: Settings | None = None, *, demo_banner: str = ""):
        super().__init__()
        self.settings = settings or Settings()
        self.scope: Scope | None = None
        self.demo_banner = demo_banner
        # Animations cost bytes on slow links and distract: off unless the user asks.
        self.animation_level = "none"
        self._last_activity = monotonic()
        self._locked = False

    def on_mount(self) -> None:
        from screens.login import LoginScreen

        self.theme = "textual-dark" if not self.settings.low_bandwidth else "textual-ansi"
        self.push_screen(LoginScreen())
        idle = self.settings.idle_lock_minutes * 60
        if idle > 0:
            # Checking a clock is cheap and repaints nothing, so it costs no bytes over SSH.
            self.set_interval(max(0.2, min(5.0, idle / 4)), self._lock_if_idle)

    # -- idle lock ---------------------------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        # Every key and mouse event from the terminal passes here before any widget sees it
        # (a widget that handles a key stops it bubbling, so a Key handler would miss some).
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self._last_activity = monotonic()
        await super().on_event(event)

    def _lock_if_idle(self) -> None:
        if self.scope is None or self._locked:
            return
        if monotonic() - self._last_activity < self.settings.idle_lock_minutes * 60:
            return
        from screens.lock import LockScreen

        self._locked = True
        self.push_screen(LockScreen(), self._unlocked)

    def _unlocked(self, _result=None) -> None:
        self._locked = False
        self._last_activity = monotonic()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        # While locked, the palette (which searches records) must not open over the lock.
        if self._locked and action == "command_palette":
            return False
        if action == "select_company":
            # After login only, and not over a modal (the selector itself, a dialog, the lock).
            return self.scope is not None and not self._locked and not self.screen.is_modal
        return super().check_action(action, parameters)

    def action_select_company(self) -> None:
        from screens.company_selector import select_company

        select_company(self)

    def logged_in(self, scope: Scope) -> None:
        import screens.companies  # noqa: F401 - registers the palette's search for clients
        import screens.orders  # noqa: F401 - registers the palette's search for orders
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
