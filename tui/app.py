"""The MyOpenIP application: login first, then the menu tree and the screens it opens."""

from __future__ import annotations

import asyncio
import contextlib
import gc
from time import monotonic

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.widget import AwaitMount

from db.scope import Scope
from tui.commands import PlacesProvider, RecordsProvider
from tui.places import place
from tui.settings import Settings
from tui.wire import compacting_driver, no_full_repaint_on_focus

PAINT_HOLD_MAX = 0.5  # seconds a new screen's first frame may wait for its mount
KEY_HOLD_MAX = 2.0  # seconds a key typed ahead may wait for the screen it lands on to mount
GC_IDLE_SECONDS = 1.0  # a pause this long (no key, no mouse) lets a full collection run


class MyOpenIPApp(App):
    TITLE = "MyOpenIP"
    CSS_PATH = [
        "styles/app.tcss",
        "styles/lock.tcss",
        "styles/documents.tcss",
        "styles/quotes.tcss",
        "styles/companies.tcss",
        "styles/catalogue_orders.tcss",
    ]
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
        no_full_repaint_on_focus()  # a Tab repaints two fields, not the screen (tui/wire.py)
        # Low bandwidth: the terminal's own 16 colours (Textual 8 calls that theme "ansi-dark"),
        # chosen before the first screen is styled (a change after mount restyles everything).
        self.theme = "textual-dark" if not self.settings.low_bandwidth else "ansi-dark"
        self._last_activity = monotonic()
        self._locked = False

    def get_driver_class(self):
        # Every write to the terminal loses its redundant style codes (tui/wire.py): the same
        # screen for 20-50 % fewer bytes, most of it on slow links in 16 colours.
        return compacting_driver(super().get_driver_class())

    def on_mount(self) -> None:
        from screens.login import LoginScreen

        self.screen_change_signal.subscribe(self, self._paint_once_mounted, immediate=True)
        self.push_screen(LoginScreen())
        self._collected_at = self._last_activity
        if gc.get_freeze_count():  # tuned for a session (tui/cli.py run_app), not in tests
            self.set_interval(GC_IDLE_SECONDS, self._collect_garbage_when_idle)
        idle = self.settings.idle_lock_minutes * 60
        if idle > 0:
            # Checking a clock is cheap and repaints nothing, so it costs no bytes over SSH.
            self.set_interval(max(0.2, min(5.0, idle / 4)), self._lock_if_idle)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # Low bandwidth: a blinking text cursor repaints twice a second, forever, while the
        # user reads; the cursor stays on instead.
        if self.settings.low_bandwidth and getattr(event.widget, "cursor_blink", False):
            event.widget.cursor_blink = False

    def _collect_garbage_when_idle(self) -> None:
        # The full garbage collection (50-150 ms) runs while the user reads, once per pause,
        # rather than when Python decides, often between a key and its answer (tui/cli.py).
        if self._collected_at == self._last_activity:
            return
        if monotonic() - self._last_activity >= GC_IDLE_SECONDS:
            self._collected_at = self._last_activity
            gc.collect()

    # -- one full paint per new screen ---------------------------------------------------------
    def _paint_once_mounted(self, screen) -> None:
        """Hold repaints while a new screen mounts, so that it goes out in full once.

        Textual paints a pushed screen as soon as it can lay it out, then repaints it in full
        when its mount completes (push_screen's AwaitMount refreshes the screen's layout): on
        a slow link, the whole screen sent twice. Its first frame waits for the mount instead
        (a few ms; never more than PAINT_HOLD_MAX).
        """
        if screen.is_mounted:
            return
        batch = self.batch_update()
        batch.__enter__()

        async def release() -> None:
            try:
                await asyncio.wait_for(AwaitMount(screen, [screen])(), PAINT_HOLD_MAX)
            except Exception:  # noqa: BLE001, S110 - a screen that fails reports itself
                pass
            finally:
                batch.__exit__(None, None, None)

        self.run_worker(release, group="paint-once", exclusive=False, exit_on_error=False)

    # -- idle lock ---------------------------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        # Every key and mouse event from the terminal passes here before any widget sees it
        # (a widget that handles a key stops it bubbling, so a Key handler would miss some).
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self._last_activity = monotonic()
        if isinstance(event, events.Key) and not self.screen.is_mounted:
            # Typed ahead (Enter then Ctrl+S at once, or keys buffered on a slow link): the key
            # is for the screen just opened, whose fields do not exist yet. It waits for them
            # rather than running the screen's action on nothing.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(AwaitMount(self.screen, [self.screen])(), KEY_HOLD_MAX)
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

    # -- crashes -------------------------------------------------------------------------------------
    def _fatal_error(self) -> None:
        # Textual prints an unexpected error as a traceback *with local variables* on the
        # terminal, i.e. in front of the user: form values (an IBAN, a password) would show.
        # There is no public hook for this, so the one private method is replaced: the log
        # gets the traceback (no locals, IBANs masked), the user one sentence. `textual run
        # --dev` keeps Textual's own report for developers.
        if "debug" in self.features:
            super()._fatal_error()
            return
        from tui.logs import crash_summary, log_crash

        log_crash(self._exception)
        self.bell()
        self.panic(crash_summary(self._exception))

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
