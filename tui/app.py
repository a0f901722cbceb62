"""The MyOpenIP application: login first, then the menu tree and the screens it opens.

Start-up paints Connexion first: nothing of the database layer is imported before (the
store, when `open_store` is given, opens in a thread once Connexion is on the screen, and a
store that cannot be opened is told there), only app.tcss is read (each screen names its own
sheet in its CSS_PATH, read when it is first pushed), and every other screen is imported when
it is opened. tests/unit/test_import_hygiene.py checks what is loaded at the first frame.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import threading
from collections.abc import Callable
from pathlib import Path
from time import monotonic
from typing import TYPE_CHECKING

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import AwaitMount

from tui.commands import PlacesProvider, RecordsProvider
from tui.kept_screens import KeptScreens
from tui.paint_hold import hold_first_frame
from tui.places import HOME, MENUS, is_place, parent_place, place, route, visible_places
from tui.settings import Settings
from tui.toolkit import textual_fixes
from tui.toolkit.host import Host
from tui.wire import no_full_repaint_on_focus, redraw_terminal, screen_diff_driver

if TYPE_CHECKING:
    from db.core import Scope

textual_fixes.apply()  # before any screen is built

KEY_HOLD_MAX = 2.0  # seconds a key typed ahead may wait for the screen it lands on to mount
KEY_LAND_MAX = 2.0  # seconds the keys behind a key may wait for it to be handled (a loaded
# server answers a focus move in well over 0.5 s: the keys behind it then went to the old field)
GC_IDLE_SECONDS = 1.0  # a pause this long (no key, no mouse) lets a full collection run
SESSION_CHECK_SECONDS = 3.0  # a key checks the account (disabled?) at most this often


class MyOpenIPApp(App):
    TITLE = "MyOpenIP"
    # The app-wide layout and Connexion; every other sheet is in its screen's CSS_PATH.
    CSS_PATH = "styles/app.tcss"
    COMMANDS = {PlacesProvider, RecordsProvider}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    ENABLE_COMMAND_PALETTE = True

    BINDINGS = [
        Binding("f1", "toggle_keys", "Touches", id="app.keys"),
        Binding("ctrl+q", "quit", "Quitter", id="app.quit", priority=True),
        Binding("f3", "select_company", "Sélectionner...", id="app.select_company"),
        Binding("ctrl+l", "logout", "Déconnexion", id="app.logout"),
        Binding("f5", "redraw", "Redessiner l'écran", id="app.redraw", show=False),
    ]

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        demo_banner: str = "",
        open_store: Callable[[Callable[[str], None]], None] | None = None,
    ):
        """`open_store(status)`: opens the store, in a thread once Connexion is painted; it
        may call `status("…")` to say what takes time; an exception's `message` (StartupError,
        tui/cli.py) is shown on Connexion. None: the store is already open (tests, SSH)."""
        super().__init__()
        self.settings = settings or Settings()
        self._open_store = open_store
        self._first_painted = False
        self.store_ready = threading.Event()  # set once open_store has returned or failed
        self.store_error: str | None = None  # the French sentence if it failed
        if open_store is None:
            self.store_ready.set()
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
        self._key_in_flight: events.Key | None = None  # see _key_handled
        self._key_came_back = False
        self._after_key: list[events.Callback] = []  # see post_message
        self._session_checked_at = monotonic()
        self._session_ending = False
        self.kept_screens = KeptScreens(self)
        if self.settings.keymap:  # config.toml's [touches]: F1 and the footer show these keys
            self.set_keymap(self.settings.keymap)

    def _say_unknown_key_ids(self) -> None:
        from tui.keymap import unknown_ids

        unknown = unknown_ids(self.settings.keymap)
        if unknown:
            self.notify(
                "Identifiants de touche inconnus dans [touches] de config.toml : "
                + ", ".join(unknown)
                + " (myopenip touches les liste tous).",
                severity="warning",
                timeout=15,
            )

    def get_driver_class(self):
        # Only the cells that changed go to the terminal, as curses does (tui/wire.py).
        return screen_diff_driver(super().get_driver_class())

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
        """A new screen, or a kept one shown again, goes out in full once (tui/paint_hold.py)."""
        if screen.is_mounted and screen is not self.kept_screens.reopening:
            return
        self.kept_screens.reopening = None  # shown again: held for its rows as a new one
        hold_first_frame(self, screen, self._first_frame_out)

    def _first_frame_out(self, screen) -> None:
        if not self._first_painted:
            # Connexion, the first screen: its frame goes out at the next refresh; what it
            # does not need runs after that paint (call_after_refresh).
            self._first_painted = True
            screen.call_after_refresh(self._after_first_paint)

    # -- after Connexion is painted: the store, and the check of config.toml's [touches] --------
    def _after_first_paint(self) -> None:
        if self._open_store is not None:
            self.run_worker(
                self._open_store_now, thread=True, group="open-store", exit_on_error=False
            )
        if self.settings.keymap:
            self._say_unknown_key_ids()  # imports every screen to know their keys

    def _open_store_now(self) -> None:
        """Worker thread: open the store; a failure becomes its French sentence on Connexion."""
        try:
            self._open_store(self._say_store_status)
        except Exception as exc:  # noqa: BLE001 - one sentence on the screen, the detail logged
            import logging

            logging.getLogger("myopenip").error(
                "Démarrage impossible", exc_info=(type(exc), exc, exc.__traceback__)
            )
            self.store_error = getattr(exc, "message", None) or (
                f"La base de données ne peut pas être ouverte ({type(exc).__name__}) : le "
                "détail est dans le journal."
            )
        finally:
            self.store_ready.set()  # a login waiting for the store goes on (tui/toolkit/db_worker.py)
        if self.store_error:
            self.call_from_thread(self._tell_store_failed)
        elif gc.get_freeze_count():  # what the store loaded is frozen too (tui/cli.py)
            self.call_from_thread(gc.freeze)

    def wait_for_store(self) -> None:
        """Worker threads (tui/toolkit/db_worker.py): return once the store is open; DomainError with
        the French sentence if it could not be opened."""
        self.store_ready.wait()
        if self.store_error:
            from db.core import DomainError

            raise DomainError(self.store_error)

    def _say_store_status(self, message: str) -> None:
        self.call_from_thread(self._show_store_status, message)

    def _show_store_status(self, message: str) -> None:
        show = getattr(self.screen, "store_status", None)
        if show is not None:
            show(message)

    def _tell_store_failed(self) -> None:
        for screen in self.screen_stack:
            tell = getattr(screen, "store_failed", None)
            if tell is not None:
                tell(self.store_error)

    # -- each screen's style sheet, read when the screen is first pushed -----------------------
    def _read_sheets(self, screen) -> None:
        """Add the sheets of `screen`'s CSS_PATH that are not loaded yet, before it is styled.

        Textual would read them itself when the screen is pushed (App._load_screen_css), but
        then parses every source again (each widget's DEFAULT_CSS too) and restyles every node
        of every screen (0.8 s measured, on a loaded machine, when Mes devis first opened).
        Added here the way a widget's DEFAULT_CSS is when it first mounts, only the new sheet
        is parsed (the others' rules are cached) and only the new screen's nodes, styled as
        they mount, see its rules; Textual then finds them loaded. A sheet's rules concern its
        own screens only (tui/styles/*.tcss).
        """
        if not isinstance(screen, Screen):
            return
        stylesheet = self.stylesheet
        for path in screen.css_path:
            if not stylesheet.has_source(str(path), ""):
                css = Path(path).read_text(encoding="utf-8")
                stylesheet.add_source(css, read_from=(str(path), ""), is_default_css=False)

    def push_screen(self, screen, *args, **kwargs):
        self._read_sheets(screen)
        return super().push_screen(screen, *args, **kwargs)

    def switch_screen(self, screen):
        self._read_sheets(screen)
        return super().switch_screen(screen)

    # -- idle lock ---------------------------------------------------------------------------------
    async def on_event(self, event: events.Event) -> None:
        # Every key and mouse event from the terminal passes here before any widget sees it
        # (a widget that handles a key stops it bubbling, so a Key handler would miss some).
        if isinstance(event, events.InputEvent) and not event.is_forwarded:
            self._last_activity = monotonic()
        typed = isinstance(event, events.Key) and not event.is_forwarded
        if typed:
            self._check_session_soon()
        if isinstance(event, events.Key) and not self.screen.is_mounted:
            # Typed ahead (Enter then Ctrl+S at once, or keys buffered on a slow link): the key
            # is for the screen just opened, whose fields do not exist yet. It waits for them
            # rather than running the screen's action on nothing.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(AwaitMount(self.screen, [self.screen])(), KEY_HOLD_MAX)
        if not typed:
            await super().on_event(event)
            return
        self._key_in_flight, self._key_came_back = event, False
        try:
            await super().on_event(event)  # priority bindings, else to the focused widget
            if event.is_forwarded:
                await self._key_handled(event)
        finally:
            self._key_in_flight = None
            await self._run_after_key()

    async def _run_after_key(self) -> None:
        """What the key asked the app to do next (a focus move: `/` puts the cursor in the
        filters) runs now, before the keys that arrived behind it, as if they came later."""
        while self._after_key:
            callbacks, self._after_key = self._after_key, []
            for message in callbacks:
                await self.on_callback(message)

    async def _key_handled(self, event: events.Key) -> None:
        """Hold the keys behind this one until it has been handled where it landed.

        Textual gives a key to the focused widget's queue; a key no widget takes (Tab, Enter
        on a field, a screen's key) bubbles up to the app, whose bindings then act (Tab moves
        the focus). Keys that arrived in the same read (a paste, a laggy link, auto-type) were
        meanwhile given to the widget focused *before*: `revendeur` Tab `demo` left
        `revendeurdemo` in Login. The next key waits here until this one is stopped by a
        widget or has come back to the app (post_message below), and then acts, in order.
        """
        deadline = monotonic() + KEY_LAND_MAX
        spins = 0
        # Message has no public "stopped" flag: _stop_propagation is what bubbling reads.
        while not (self._key_came_back or event._stop_propagation):
            if monotonic() > deadline:
                return  # a widget that went away meanwhile: the key is not held forever
            spins += 1
            await asyncio.sleep(0 if spins < 50 else 0.002)
        if self._key_came_back:
            await super().on_event(event)  # the app's bindings, as the queue would have run
        if not event.is_printable:
            await self._messages_handled(deadline)

    async def _messages_handled(self, deadline: float) -> None:
        """What the key set off (Enter's Input.Submitted, which a screen answers by focusing
        the next field) is handled, bubbling up from the focused widget, before the next key."""
        node = self.focused
        while node is not None and node is not self:
            done = asyncio.Event()
            if node.call_later(done.set):
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(done.wait(), max(0.0, deadline - monotonic()))
            node = node.parent

    def post_message(self, message) -> bool:
        in_flight = getattr(self, "_key_in_flight", None)
        if message is in_flight and message.is_forwarded:
            self._key_came_back = True  # handled in _key_handled, before the keys behind it
            return True
        if (
            in_flight is not None
            and isinstance(message, events.Callback)
            and threading.get_ident() == self._thread_id
        ):
            # Widget.focus() and the like schedule their work with app.call_later: in the
            # app's queue it would run after the keys already queued behind this one (Tab
            # typed ahead after `/` moved from the old field). It runs once the key is handled.
            self._after_key.append(message)
            return True
        return super().post_message(message)

    # -- a disabled account's session ends at its next action --------------------------------------
    def account_disabled(self) -> str | None:
        """The French sentence ending this session if its account was disabled, else None.

        Worker thread, inside a database connection: every db worker asks first (tui/toolkit/db_worker.py),
        so nothing is saved for a disabled account; a key asks too (_check_session_soon).
        """
        if self.scope is None:
            return None
        from db.accounts import session_ended

        return session_ended(self.scope.user_id)

    def _check_session_soon(self) -> None:
        if self.scope is None or self._session_ending:
            return
        if monotonic() - self._session_checked_at < SESSION_CHECK_SECONDS:
            return
        self._session_checked_at = monotonic()

        def check() -> None:
            from db.core import database_proxy

            with database_proxy.connection_context():
                message = self.account_disabled()
            if message:
                self.call_from_thread(self.end_session, message)

        self.run_worker(check, thread=True, group="session-check", exit_on_error=False)

    def end_session(self, message: str) -> None:
        """Leave the app with `message` on the terminal (over SSH this closes the session)."""
        if self._session_ending:
            return
        self._session_ending = True
        import logging

        logging.getLogger("myopenip").warning(
            "Session de %s fermée : compte désactivé", self.scope.login if self.scope else "?"
        )
        self.exit(return_code=3, message=message)

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
        if action == "logout":
            return self.scope is not None and not self._locked and not self.screen.is_modal
        if action == "select_company":
            # After login only, and not over a modal (the selector itself, a dialog, the lock).
            return self.scope is not None and not self._locked and not self.screen.is_modal
        return super().check_action(action, parameters)

    def action_select_company(self) -> None:
        from screens.company_selector import select_company

        select_company(self)

    def logged_in(self, scope: Scope) -> None:
        from screens.home import HomeScreen

        self.kept_screens.drop_all()  # another scope's, if any
        self.scope = scope
        self.switch_screen(HomeScreen(visible_places(scope.is_operator), MENUS))

    def open_place(self, key: str, **kwargs) -> None:
        # Prospects and Mes devis are built once per session, then shown again as new.
        screen = self.kept_screens.take(key, self.scope) if not kwargs else None
        if screen is None:
            screen = place(key).screen_class()(**kwargs)
            if not kwargs:
                self.kept_screens.keep(key, self.scope, screen)
        self.push_screen(screen)

    def open_screen(self, name: str, *args, replace: bool = False, callback=None, **kwargs) -> None:
        """Show the screen a route names (tui/places.py ROUTES), built with these arguments:
        pushed (its result to `callback`), or in place of the current one (`replace`)."""
        screen = route(name)(*args, **kwargs)
        if replace:
            self.switch_screen(screen)
        else:
            self.push_screen(screen, callback)

    # -- Escape: up the menu tree; Ctrl+L: Déconnexion ---------------------------------------
    def action_pop_screen(self) -> None:
        # Every screen's Escape ("app.pop_screen") goes up the menu tree, not back through
        # history: after four palette jumps, one or two Escapes reach the menu, not six.
        self.go_up()

    def go_up(self) -> None:
        """Leave the current screen for its parent place (tui/places.py), the menu above all."""
        stack = self.screen_stack
        parent = parent_place(self.screen)
        if parent is None or self.scope is None or len(stack) <= 2:
            if len(stack) > 2:
                self.pop_screen()
            return
        below = stack[1:-1]  # stack[0] is Textual's default screen, stack[1] the menu
        if parent == HOME:
            found = 0
        else:
            found = max((i for i, s in enumerate(below) if is_place(s, parent)), default=None)
        if found is not None:
            for _ in range(len(below) - found):
                self.pop_screen()
            return
        # The parent is not open (a prospect reached from the palette): open it in its place.
        for _ in range(len(below) - 1):
            self.pop_screen()
        self.switch_screen(place(parent).screen_class()())

    def action_logout(self) -> None:
        """Ctrl+L from any screen; asks first when a form holds unsaved edits."""
        if not any(getattr(screen, "dirty", False) for screen in self.screen_stack):
            self._logout()
            return
        from tui.toolkit.dialogs.confirm import ConfirmDialog

        def answer(yes: bool | None) -> None:
            if yes:
                self._logout()

        self.push_screen(
            ConfirmDialog(
                "Des modifications ne sont pas enregistrées.\nSe déconnecter et les abandonner ?",
                yes="Se déconnecter",
                no="Rester",
            ),
            answer,
        )

    def _logout(self) -> None:
        from screens.login import LoginScreen

        self.scope = None
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.kept_screens.drop_all()  # with the rows they hold
        self.switch_screen(LoginScreen())

    def action_redraw(self) -> None:
        redraw_terminal(self)  # F5: the whole screen sent again

    def action_command_palette(self) -> None:
        from tui.commands import FrenchCommandPalette

        if self.use_command_palette and not FrenchCommandPalette.is_open(self):
            self.push_screen(FrenchCommandPalette())

    def action_toggle_keys(self) -> None:
        """F1: this app's French list of the screen's keys (not Textual's English panel)."""
        from screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpScreen(self.screen))


if TYPE_CHECKING:

    def _is_a_host(app: MyOpenIPApp) -> Host:
        """mypy checks here that the app is what screens expect of it (tui.toolkit.host)."""
        return app
