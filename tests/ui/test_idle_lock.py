"""Idle lock: a quiet session locks itself, asks for the password again and keeps unsaved input."""

from __future__ import annotations

from dataclasses import replace

import pytest

from db.accounts.auth import LOGIN_FAILED
from db.core.models import AuditLog
from screens.lock import LockScreen
from screens.prospect_wizard import ProspectWizardScreen
from tests.ui.conftest import SIZE, login, settle, type_text
from tui.app import MyOpenIPApp
from tui.settings import Settings

IDLE_MINUTES = 0.02  # 1.2 s


@pytest.fixture
def idle_app(demo_db):
    return MyOpenIPApp(Settings(database=demo_db, idle_lock_minutes=IDLE_MINUTES))


async def wait_for_lock(pilot, seconds: float = 15.0) -> None:
    waited = 0.0
    while not isinstance(pilot.app.screen, LockScreen) and waited < seconds:
        await pilot.pause(0.1)
        waited += 0.1


async def wait_until(pilot, predicate, seconds: float = 15.0) -> bool:
    """Poll `predicate` while the app runs: a loaded machine may take a while to answer."""
    waited = 0.0
    while waited < seconds:
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.1)
        if predicate():
            return True
        waited += 0.1
    return False


async def test_idle_session_locks_and_keeps_unsaved_input(demo_db):
    # Start with a long idle time so a slow machine cannot lock the session while the test is
    # still typing; then shorten it (the app's clock check runs at least every 5 s).
    app = MyOpenIPApp(Settings(database=demo_db, idle_lock_minutes=10))
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await pilot.press("enter")  # Prospects
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        wizard = app.screen
        assert isinstance(wizard, ProspectWizardScreen)
        await type_text(pilot, "ATELIER VERROU")
        name = wizard.query_one("#input-name")
        assert name.value == "ATELIER VERROU"

        app.settings = replace(app.settings, idle_lock_minutes=IDLE_MINUTES)
        await wait_for_lock(pilot)
        lock = app.screen
        assert isinstance(lock, LockScreen)
        assert await wait_until(pilot, lambda: bool(lock.query("#lock-password")))
        assert "Session verrouillée" in str(lock.query_one("#lock-title").render())

        # The palette searches records: it must not open over the lock.
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen is lock

        lock.query_one("#lock-password").focus()
        await type_text(pilot, "faux")
        await pilot.press("enter")
        assert await wait_until(
            pilot, lambda: str(lock.query_one("#lock-error").render()) == LOGIN_FAILED
        )
        assert app.screen is lock
        assert lock.query_one("#lock-password").value == ""

        await type_text(pilot, "demo")
        await pilot.press("enter")
        assert await wait_until(pilot, lambda: app.screen is wizard)
        assert wizard.query_one("#input-name").value == "ATELIER VERROU"
        assert app._exception is None

    actions = [a.action for a in AuditLog.select().order_by(AuditLog.id)]
    assert "session_unlocked" in actions
    assert actions.index("login_failed") < actions.index("session_unlocked")


async def test_no_lock_before_login(idle_app):
    async with idle_app.run_test(size=SIZE) as pilot:
        await pilot.pause(1.6)
        assert not isinstance(idle_app.screen, LockScreen)
