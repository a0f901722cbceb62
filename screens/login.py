"""Connexion: Login, Mot de passe and the portal (Revendeur | MB / Opérateur), then Valider.

The first screen of every session, so it paints as early as it can: `db.accounts.auth` (argon2 and its
C bindings) is imported in a thread once the screen is up, while the user types, not before the
first paint; the focus is on Login
from the start (AUTO_FOCUS), so no focus change repaints the whole screen after it opens.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static, Tab, Tabs

from db.core.errors import DomainError
from db.core.models import User
from tui.toolkit.db_worker import DbWorkerMixin
from tui.toolkit.widgets.footer import AppFooter

PORTALS = (
    ("tab-revendeur", "Revendeur", User.PORTAL_RESELLER),
    ("tab-operateur", "MB / Opérateur", User.PORTAL_OPERATOR),
)


# The user needs a second or more to type a login: argon2 loads meanwhile, off the UI thread.
PRELOAD_AUTH_AFTER = 0.5


def _authenticate(login: str, password: str, portal: str, settings) -> object:
    from db.accounts.auth import LoginPolicy, authenticate

    policy = LoginPolicy.from_settings(settings)
    return authenticate(login, password, portal, policy, source=login_source(settings))


def login_source(settings) -> str:
    """Where this session's logins come from, as db.accounts.auth counts failures: "local", or over SSH
    "key:SHA256:…" (tui/ssh_session.py sets it)."""
    return settings.ssh_key or "local"


def _key_login(settings) -> object:
    from db.accounts.key_login import key_login

    return key_login(settings.ssh_login, login_source(settings))


def _preload_auth() -> None:
    import db.accounts.auth  # noqa: F401 - imported for its side effect (argon2 loaded)


class LoginScreen(DbWorkerMixin, Screen):
    AUTO_FOCUS = "#login"
    BINDINGS = [
        Binding("f2", "switch_portal", "Portail", id="login.portal", priority=True),
    ]

    def compose(self) -> ComposeResult:
        with Center(), Vertical(id="login-box"):
            yield Static("open [b]IP[/b]  ·  MyOpenIP", id="login-brand")
            yield Label("Connexion", id="login-title")
            tabs = Tabs(*(Tab(label, id=tab_id) for tab_id, label, _ in PORTALS), id="portal")
            # The portal tabs switch with F2 or the mouse; keeping them out of the Tab order
            # means Login → Mot de passe is one Tab, as on the web form.
            tabs.can_focus = False
            yield tabs
            yield Label("Login", classes="caption")
            fixed = self.app.settings.ssh_login
            login = Input(fixed, id="login", compact=True, disabled=bool(fixed))
            yield login
            if fixed:
                # Over SSH the key says who connects: only that person's password is asked.
                self.AUTO_FOCUS = "#password"
                yield Static(
                    f"[dim]Connexion par clé SSH ({self._key_label()})[/dim]", id="login-key"
                )
            yield Label("Mot de passe", classes="caption")
            yield Input(id="password", password=True, compact=True)
            yield Static("", id="login-error")
            yield Button("✓ Valider", id="validate", variant="primary", compact=True)
            if self.app.demo_banner:
                yield Static(self.app.demo_banner, id="demo-banner")
        yield AppFooter()

    def _key_label(self) -> str:
        source = self.app.settings.ssh_key
        return source.removeprefix("key:") if source.startswith("key:") else source

    def on_mount(self) -> None:
        settings = self.app.settings
        if settings.ssh_portal == User.PORTAL_OPERATOR:
            self.query_one(Tabs).active = PORTALS[1][0]
        if settings.ssh_login and settings.ssh_key_only:
            # The configuration says the key is enough: straight in, no password.
            self.query_one("#login-error", Static).update("Connexion par clé…")
            self.run_db(
                _key_login, settings, done=self._success, failed=self._failure, group="login"
            )
            return
        self.set_timer(PRELOAD_AUTH_AFTER, self._preload_auth)

    def _preload_auth(self) -> None:
        self.run_worker(_preload_auth, thread=True, group="preload-auth", exit_on_error=False)

    @property
    def portal(self) -> str:
        active = self.query_one(Tabs).active
        return next(portal for tab_id, _, portal in PORTALS if tab_id == active)

    def action_switch_portal(self) -> None:
        tabs = self.query_one(Tabs)
        tabs.active = PORTALS[1][0] if tabs.active == PORTALS[0][0] else PORTALS[0][0]

    @on(Input.Submitted, "#login")
    def _login_submitted(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#validate")
    def submit(self) -> None:
        login = self.app.settings.ssh_login or self.query_one("#login", Input).value
        password = self.query_one("#password", Input).value
        self.query_one("#login-error", Static).update("Vérification…")
        self.run_db(
            _authenticate,
            login,
            password,
            self.portal,
            self.app.settings,
            done=self._success,
            failed=self._failure,
            group="login",
        )

    def _success(self, scope) -> None:
        self.app.logged_in(scope)

    def _failure(self, exc: DomainError) -> None:
        self.query_one("#login-error", Static).update(exc.message)
        password = self.query_one("#password", Input)
        password.value = ""
        password.focus()
