"""Low bandwidth (the SSH wrapper's default): the app starts, on the terminal's 16 colours."""

from __future__ import annotations

from screens.login import LoginScreen
from tests.ui.conftest import SIZE, login, settle
from tui.app import MyOpenIPApp
from tui.settings import Settings


async def test_low_bandwidth_app_starts_and_logs_in(demo_db):
    app = MyOpenIPApp(Settings(database=demo_db, low_bandwidth=True))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.theme == "ansi-dark"
        await login(pilot)
        assert not isinstance(app.screen, LoginScreen)
        assert app._exception is None
