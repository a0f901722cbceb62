"""The store opens once Connexion is painted: its failure is told there, a login typed early waits."""

from __future__ import annotations

import threading
from functools import partial

from textual.widgets import Input, Static

from screens.home import HomeScreen
from screens.login import LoginScreen
from tests.ui.conftest import SIZE, settle, type_text
from tui.app import MyOpenIPApp
from tui.cli import open_app_store, open_store
from tui.settings import Settings


def login_line(app) -> str:
    return str(app.screen.query_one("#login-error", Static).content)


async def until(pilot, condition) -> bool:
    """Let the app run until `condition()` holds (a thread's news reaches the screen)."""
    for _ in range(200):
        if condition():
            return True
        await pilot.pause(0.01)
    return condition()


async def test_a_file_that_is_not_a_database_is_told_on_connexion(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("ceci n'est pas une base SQLite, juste du texte " * 20)
    settings = Settings(database=str(bogus), log_file=str(tmp_path / "myopenip.log"))
    app = MyOpenIPApp(settings, open_store=partial(open_app_store, settings, False))
    sentence = (
        f"« {bogus} » n'est pas une base de données MyOpenIP (fichier d'un autre type ou "
        "abîmé) : indiquez la bonne avec --db."
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert login_line(app) == sentence
        # Logging in anyway: the same sentence, still on Connexion, the password emptied.
        await type_text(pilot, "revendeur")
        await pilot.press("tab")
        await type_text(pilot, "demo")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert login_line(app) == sentence
        assert app.screen.query_one("#password", Input).value == ""
    assert app.store_error == sentence
    assert bogus.read_text().startswith("ceci n'est pas")  # left as it was


async def test_a_login_typed_before_the_store_is_open_waits_for_it(demo_db):
    settings = Settings(database=demo_db)
    release = threading.Event()
    opened = []

    def slow_store(status) -> None:
        status("Ouverture de la base…")
        release.wait(10)
        open_store(settings)
        opened.append(True)
        status("")

    app = MyOpenIPApp(settings, open_store=slow_store)
    async with app.run_test(size=SIZE) as pilot:
        assert await until(pilot, lambda: login_line(app) == "Ouverture de la base…")
        await type_text(pilot, "revendeur")
        await pilot.press("tab")
        await type_text(pilot, "demo")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and not opened
        assert login_line(app) == "Vérification…"
        release.set()
        await settle(pilot)
        assert opened and isinstance(app.screen, HomeScreen)
        assert app.scope is not None and app.scope.login == "revendeur"
