"""A disabled user's open session ends at its next action, with a French sentence, saving nothing."""

from __future__ import annotations

import datetime as dt

import tui.app as app_module
from db.accounts.auth import ACCOUNT_DISABLED, set_disabled
from db.core.models import AuditLog, Company
from screens.prospect_wizard import ProspectWizardScreen
from tests.ui.conftest import SIZE, login, settle, type_text
from tui.app import MyOpenIPApp
from tui.settings import Settings


async def test_a_save_after_disable_user_ends_the_session_and_saves_nothing(demo_db, capfd):
    app = MyOpenIPApp(Settings(database=demo_db, idle_lock_minutes=0))
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("enter")  # Prospects
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, ProspectWizardScreen)
        await type_text(pilot, "APRES DESACTIVATION")
        set_disabled("revendeur")  # the administrator, from another terminal
        await pilot.press("ctrl+s")  # the wizard's save runs in a db worker
        await settle(pilot)
        await pilot.pause(0.2)
    assert app.return_code == 3
    assert " ".join(capfd.readouterr().err.split()) == ACCOUNT_DISABLED  # left on the terminal
    assert ACCOUNT_DISABLED.startswith("Votre compte a été désactivé")
    assert not Company.select().where(Company.name == "APRES DESACTIVATION").exists()
    disabled = AuditLog.get(AuditLog.action == "user_disabled")
    after = AuditLog.select().where(AuditLog.id > disabled.id)
    assert [row.action for row in after] == []  # nothing written for the disabled account


async def test_a_key_checks_the_account_at_most_every_few_seconds(demo_db, monkeypatch, capfd):
    """Moving around without any database call ends the session too, at the next key."""
    monkeypatch.setattr(app_module, "SESSION_CHECK_SECONDS", 0.0)
    app = MyOpenIPApp(Settings(database=demo_db, idle_lock_minutes=0))
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("down")
        await settle(pilot)
        assert app.return_code is None  # still enabled: nothing happens
        set_disabled("revendeur")
        await pilot.press("down")
        await settle(pilot)
        await pilot.pause(0.2)
    assert app.return_code == 3
    assert " ".join(capfd.readouterr().err.split()) == ACCOUNT_DISABLED  # left on the terminal


async def test_an_enabled_account_is_never_stopped(demo_db, monkeypatch):
    monkeypatch.setattr(app_module, "SESSION_CHECK_SECONDS", 0.0)
    app = MyOpenIPApp(Settings(database=demo_db, idle_lock_minutes=0))
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        for key in ("down", "down", "up", "enter"):
            await pilot.press(key)
            await settle(pilot)
        assert app.is_running and app.return_code is None


async def test_the_connexion_screen_says_how_long_to_wait(demo_db, monkeypatch):
    """Five wrong passwords from this terminal: the sixth attempt is told when to try again."""
    import db.accounts.auth as auth

    frozen = auth.now()
    monkeypatch.setattr(auth, "now", lambda: frozen)  # the 1 s delay must not pass meanwhile
    app = MyOpenIPApp(Settings(database=demo_db, idle_lock_minutes=0))
    async with app.run_test(size=SIZE) as pilot:
        await type_text(pilot, "revendeur")
        await pilot.press("tab")
        for attempt in range(6):
            await type_text(pilot, "mauvais" if attempt < 5 else "demo")
            await pilot.press("enter")
            await settle(pilot)
        shown = str(app.screen.query_one("#login-error").render())
        assert shown == ("Trop d'essais infructueux depuis ce poste : réessayez dans 1 seconde.")
        assert app.scope is None
        monkeypatch.setattr(auth, "now", lambda: frozen + dt.timedelta(seconds=2))
        await type_text(pilot, "demo")
        await pilot.press("enter")
        await settle(pilot)
        assert app.scope is not None and app.scope.login == "revendeur"
