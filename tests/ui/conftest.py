"""UI test helpers: an app on the demo store, logging in through the real Connexion screen."""

from __future__ import annotations

import pytest

from tui.app import MyOpenIPApp
from tui.settings import Settings

SIZE = (100, 30)


@pytest.fixture
def app(demo_db):
    return MyOpenIPApp(Settings(database=demo_db))


async def settle(pilot) -> None:
    """Let workers finish and the screen repaint."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def login(
    pilot, user: str = "revendeur", password: str = "demo", operator: bool = False
) -> None:
    """Log in by typing, as a user would: Login, Tab, Mot de passe, (F2 for the portal), Enter."""
    await type_text(pilot, user)
    await pilot.press("tab")
    await type_text(pilot, password)
    if operator:
        await pilot.press("f2")
    await pilot.press("enter")
    await settle(pilot)


async def type_text(pilot, text: str) -> None:
    """Type `text` key by key into the focused widget."""
    await pilot.press(*("space" if c == " " else c for c in text))


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch):
    """A blinking cursor would make screenshots depend on timing."""
    from textual.widgets import Input

    monkeypatch.setattr(Input, "cursor_blink", False)
