"""Issue 13: keys remapped in config.toml's [touches] table by binding id (Textual's keymap),
shown remapped in the footer and F1, listed by `myopenip touches`."""

from __future__ import annotations

from pathlib import Path

from screens.help import HelpScreen
from screens.prospect_wizard import ProspectWizardScreen
from screens.prospects import ProspectsScreen
from tests.ui.conftest import login, settle
from tui import main as cli
from tui.app import MyOpenIPApp
from tui.settings import load_settings
from tui.toolkit.widgets.footer import AppFooter

CONFIG = """
page_size = 50

[touches]
"prospects.new" = "f2"
"app.logout" = "f9, ctrl+l"
"""


def config_file(tmp_path: Path, text: str = CONFIG) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_touches_table_becomes_the_keymap(tmp_path):
    settings = load_settings(config_file(tmp_path), environ={})
    assert settings.keymap == {"prospects.new": "f2", "app.logout": "f9,ctrl+l"}
    assert settings.page_size == 50


def test_a_touches_entry_that_is_not_a_key_is_said_in_french(tmp_path, capsys):
    path = config_file(tmp_path, '[touches]\n"prospects.new" = 2\n')
    assert cli.main(["--config", str(path), "touches"]) == 2
    assert capsys.readouterr().err.strip() == (
        f"Erreur : Dans le fichier de configuration « {path} », [touches] « prospects.new » : "
        'indiquez la touche entre guillemets, par exemple "f2" ou "ctrl+t".'
    )


def test_myopenip_touches_lists_ids_with_the_remapped_keys(tmp_path, capsys):
    assert cli.main(["--config", str(config_file(tmp_path)), "touches"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert any(line.split() == ["prospects.new", "F2", "Nouveau", "prospect"] for line in lines)
    assert any(line.split()[:4] == ["app.logout", "F9", "/", "Ctrl+L"] for line in lines)
    assert any(line.split()[:2] == ["list.filter", "/"] for line in lines)
    ids = [line.split()[0] for line in lines]
    assert ids == sorted(ids) and len(ids) == len(set(ids)) > 60


def test_an_unknown_id_is_named(tmp_path, capsys):
    path = config_file(tmp_path, '[touches]\n"prospect.nouveau" = "f2"\n')
    assert cli.main(["--config", str(path), "touches"]) == 1
    assert capsys.readouterr().out.splitlines()[-1] == (
        "Identifiants inconnus dans [touches] : prospect.nouveau"
    )


async def test_a_remapped_key_works_and_is_shown_in_the_footer_and_f1(demo_db, tmp_path):
    settings = load_settings(config_file(tmp_path), environ={"MYOPENIP_DB": demo_db})
    app = MyOpenIPApp(settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await login(pilot)
        app.open_place("prospects")
        await settle(pilot)
        assert isinstance(app.screen, ProspectsScreen)
        footer = app.screen.query_one(AppFooter)
        line = str(footer.render())
        assert " f2 Nouveau prospect " in line
        assert "^n" not in line
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        own = str(app.screen.query_one("#help-own").render())
        assert "F2               Nouveau prospect" in own
        assert "Ctrl+N" not in own
        everywhere = str(app.screen.query_one("#help-everywhere").render())
        assert "F9 / Ctrl+L      Déconnexion" in everywhere
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+n")  # the old key does nothing now
        await settle(pilot)
        assert isinstance(app.screen, ProspectsScreen)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, ProspectWizardScreen)


async def test_an_unknown_id_is_told_at_start_up(demo_db, tmp_path):
    path = config_file(tmp_path, '[touches]\n"prospect.nouveau" = "f2"\n')
    app = MyOpenIPApp(load_settings(path, environ={"MYOPENIP_DB": demo_db}))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        said = [str(n.message) for n in app._notifications]
        assert said == [
            "Identifiants de touche inconnus dans [touches] de config.toml : prospect.nouveau "
            "(myopenip touches les liste tous)."
        ]
