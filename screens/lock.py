"""Session verrouillée: after a quiet spell the logged-in user types their password again.

The lock is a modal pushed on top of whatever was open, so the screen beneath keeps its unsaved
input; it is opaque, so a passer-by reads nothing of it.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from db.accounts.auth import LOGIN_FAILED, LoginPolicy, check_password
from tui.toolkit.db_worker import DbWorkerMixin
from tui.toolkit.widgets.card import plain
from tui.toolkit.widgets.footer import AppFooter


class LockScreen(DbWorkerMixin, ModalScreen[bool]):
    """Dismissed with True once the password of the logged-in user is given again."""

    BINDINGS = [
        Binding("ctrl+q", "app.quit", "Quitter", id="lock.quit", priority=True),
    ]

    def compose(self) -> ComposeResult:
        scope = self.app.scope
        with Vertical(id="lock-box"):
            yield Label("Session verrouillée", id="lock-title")
            yield Static(
                f"Session de [b]{plain(scope.login)}[/b] verrouillée après inactivité.\n"
                "Votre saisie en cours est conservée.",
                id="lock-help",
            )
            yield Label("Mot de passe", classes="caption")
            yield Input(id="lock-password", password=True, compact=True)
            yield Static("", id="lock-error")
            yield Button("✓ Déverrouiller", id="unlock", variant="primary", compact=True)
        yield AppFooter()

    def on_mount(self) -> None:
        self.query_one("#lock-password", Input).focus()

    @on(Input.Submitted, "#lock-password")
    @on(Button.Pressed, "#unlock")
    def submit(self) -> None:
        password = self.query_one("#lock-password", Input).value
        if not password:
            return
        settings = self.app.settings
        policy = LoginPolicy.from_settings(settings)
        self.query_one("#lock-error", Static).update("Vérification…")
        self.run_db(
            check_password, self.app.scope, password, policy, done=self._checked, group="unlock"
        )

    def _checked(self, ok: bool) -> None:
        if ok:
            self.dismiss(True)
            return
        self.query_one("#lock-error", Static).update(LOGIN_FAILED)
        password = self.query_one("#lock-password", Input)
        password.value = ""
        password.focus()
