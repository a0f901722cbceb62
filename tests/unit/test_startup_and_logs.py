"""Start-up errors are one French sentence (detail in the log); log files are private (0600)."""

from __future__ import annotations

import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tui import logs
from tui.main import main

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def own_logging():
    """configure_logging changes the root logger: put it back as it was after the test."""
    root = logging.getLogger()
    saved = root.handlers[:], root.level, logging.lastResort, logging.raiseExceptions
    yield
    for handler in root.handlers[:]:
        if handler not in saved[0]:
            root.removeHandler(handler)
            handler.close()
    logs._INSTALLED.clear()
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    logging.lastResort, logging.raiseExceptions = saved[2], saved[3]


def run_cli(tmp_path, *args, env=None) -> subprocess.CompletedProcess:
    """`myopenip ARGS` in a fresh process (the terminal's view: stdout, stderr, exit code)."""
    environ = {
        **os.environ,
        "MYOPENIP_LOG_FILE": str(tmp_path / "journal" / "myopenip.log"),
        "MYOPENIP_CONFIG": str(tmp_path / "absent.toml"),
        **(env or {}),
    }
    environ.pop("DATABASE_URL", None)
    environ.pop("MYOPENIP_DB", None)
    code = "import sys; from tui.main import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def assert_one_sentence(result, expected: str) -> None:
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == f"Erreur : {expected}\n"  # no traceback, nothing else


def test_a_file_that_is_not_a_database(tmp_path):
    bogus = tmp_path / "notes.db"
    bogus.write_text("ceci n'est pas une base SQLite, juste du texte " * 20)
    sentence = (
        f"« {bogus} » n'est pas une base de données MyOpenIP (fichier d'un autre type ou "
        "abîmé) : indiquez la bonne avec --db."
    )
    result = run_cli(tmp_path, "--db", str(bogus), "init-db")
    assert_one_sentence(result, sentence)
    logged = (tmp_path / "journal" / "myopenip.log").read_text()
    assert "Traceback" in logged and "file is not a database" in logged
    assert bogus.read_text().startswith("ceci n'est pas")  # left as it was


def test_the_app_tells_a_file_that_is_not_a_database_on_connexion(tmp_path):
    """The app paints Connexion first and tells it there; leaving, the terminal keeps it."""
    from tests.unit.app_on_pty import AppOnPty

    bogus = tmp_path / "notes.db"
    bogus.write_text("ceci n'est pas une base SQLite, juste du texte " * 20)
    sentence = (
        f"« {bogus} » n'est pas une base de données MyOpenIP (fichier d'un autre type ou "
        "abîmé) : indiquez la bonne avec --db."
    )
    code = "import sys; from tui.main import main; sys.exit(main(sys.argv[1:]))"
    app = AppOnPty(code, ["--db", str(bogus)], tmp_path)
    try:
        # The sentence is wrapped in the Connexion box: compared without blanks and borders.
        def shown() -> bool:
            screen = app.screen_text()
            return "Connexion" in screen and "".join(sentence.split()) in "".join(
                screen.replace("│", "").split()
            )

        assert app.wait_until(shown), app.screen_text()
        left = len(app.output)
    finally:
        exit_code = app.close()
    assert exit_code == 2
    assert f"Erreur : {sentence}" in app.since_exit(left)
    logged = (tmp_path / "journal" / "myopenip.log").read_text()
    assert "Traceback" in logged and "file is not a database" in logged
    assert bogus.read_text().startswith("ceci n'est pas")


def test_postgresql_unreachable_never_shows_the_password(tmp_path):
    url = "postgresql://gestion:Mot-De-Passe-Secret@127.0.0.1:9/myopenip"
    result = run_cli(tmp_path, "--database-url", url, "init-db")
    assert_one_sentence(
        result,
        "Le serveur PostgreSQL 127.0.0.1:9 est injoignable ou refuse la connexion : vérifiez "
        "DATABASE_URL et que le serveur est démarré.",
    )
    logged = (tmp_path / "journal" / "myopenip.log").read_text()
    assert "Traceback" in logged
    assert "Mot-De-Passe-Secret" not in result.stderr


def test_a_bad_configuration_file(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('page_size = [\nlow_bandwidth = "oui"\n')
    result = run_cli(tmp_path, "--config", str(config), "--db", str(tmp_path / "x.db"))
    assert_one_sentence(
        result,
        f"Le fichier de configuration « {config} » n'est pas un fichier TOML valide (ligne 2).",
    )
    config.write_text('page_size = "cent"\n')
    result = run_cli(tmp_path, "--config", str(config), "init-db")
    assert_one_sentence(
        result,
        "Une valeur de la configuration (fichier ou variable MYOPENIP_…) n'a pas le type "
        "attendu : un nombre, ou oui/non. Le détail est dans le journal.",
    )
    assert not (tmp_path / "x.db").exists()


def test_a_folder_that_cannot_hold_the_database(tmp_path):
    blocker = tmp_path / "fichier"
    blocker.write_text("")
    result = run_cli(tmp_path, "--db", str(blocker / "base.db"), "init-db")
    assert_one_sentence(
        result, f"« {blocker} » n'est pas un dossier : la base ne peut pas y être créée."
    )


def test_an_unwritable_folder(tmp_path):
    """Root writes anywhere: as root (CI) the same check runs as `nobody`."""
    if os.geteuid() == 0:
        import pwd
        import shutil
        import tempfile

        work = Path(tempfile.mkdtemp(prefix="myopenip-nobody-"))  # pytest's is root's (0700)
        os.chmod(work, 0o755)
        try:
            _unwritable_as(pwd.getpwnam("nobody"), work)
        finally:
            shutil.rmtree(work)
        return
    folder = tmp_path / "lecture-seule"
    folder.mkdir(mode=0o500)
    result = run_cli(tmp_path, "--db", str(folder / "base.db"), "init-db")
    assert_one_sentence(
        result,
        f"Le dossier « {folder} » n'est pas accessible en écriture pour ce compte : la base "
        "ne peut pas y être ouverte ni créée.",
    )


def _unwritable_as(nobody, tmp_path: Path) -> None:
    folder = tmp_path / "lecture-seule"
    folder.mkdir(mode=0o755)
    journal = tmp_path / "journal-nobody"
    journal.mkdir()
    os.chown(journal, nobody.pw_uid, nobody.pw_gid)
    code = "import sys; from tui.main import main; sys.exit(main(sys.argv[1:]))"
    environ = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(journal),
        "MYOPENIP_LOG_FILE": str(journal / "m.log"),
        "MYOPENIP_CONFIG": str(journal / "absent.toml"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    result = subprocess.run(
        [sys.executable, "-c", code, "--db", str(folder / "base.db"), "init-db"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        user=nobody.pw_uid,
        group=nobody.pw_gid,
    )
    assert "Traceback" not in result.stderr, result.stderr[-2000:]  # the venv readable by nobody
    assert_one_sentence(
        result,
        f"Le dossier « {folder} » n'est pas accessible en écriture pour ce compte : la base "
        "ne peut pas y être ouverte ni créée.",
    )


# --- log files --------------------------------------------------------------------------------


def test_log_file_is_created_0600_in_a_0700_folder(tmp_path, own_logging):
    log_file = tmp_path / "journaux" / "revendeur.log"
    handler = logs.configure_logging(str(log_file))
    logging.getLogger("myopenip").warning("Bonjour")
    handler.flush()
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(log_file.parent.stat().st_mode) == 0o700
    assert "Bonjour" in log_file.read_text()


def test_a_log_file_left_group_readable_is_made_private(tmp_path, own_logging):
    folder = tmp_path / "partage"
    folder.mkdir(mode=0o770)
    os.chmod(folder, 0o770)
    log_file = folder / "ancien.log"
    log_file.write_text("ancienne ligne\n")
    os.chmod(log_file, 0o660)
    logs.configure_logging(str(log_file))
    assert stat.S_IMODE(log_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    logging.getLogger("myopenip").warning("nouvelle ligne")
    assert log_file.read_text().splitlines() == [
        "ancienne ligne",
        log_file.read_text().splitlines()[1],
    ]


def test_a_symbolic_link_is_never_followed(tmp_path, own_logging):
    target = tmp_path / "autre-fichier"
    target.write_text("à ne pas toucher\n")
    link = tmp_path / "journal.log"
    link.symlink_to(target)
    handler = logs.configure_logging(str(link))
    assert isinstance(handler, logging.NullHandler)  # dropped rather than written elsewhere
    logging.getLogger("myopenip").warning("ligne détournée ?")
    assert target.read_text() == "à ne pas toucher\n"
    with pytest.raises(OSError):
        logs.open_private_log(link)


def test_configure_logging_again_replaces_its_own_handler(tmp_path, own_logging):
    first = logs.configure_logging(str(tmp_path / "a.log"))
    second = logs.configure_logging(str(tmp_path / "b.log"))
    root = logging.getLogger()
    assert second in root.handlers and first not in root.handlers


def test_each_person_has_their_own_log_file(tmp_path, monkeypatch, own_logging):
    """The SSH wrapper sets MYOPENIP_LOG_FILE per login: the app writes there."""
    from tui.settings import load_settings

    monkeypatch.setenv("MYOPENIP_LOG_FILE", str(tmp_path / "revendeur2" / "myopenip.log"))
    settings = load_settings(tmp_path / "absent.toml")
    assert settings.log_file == str(tmp_path / "revendeur2" / "myopenip.log")
    bogus = tmp_path / "pas-une-base.db"
    bogus.write_text("x" * 200)
    assert main(["--db", str(bogus), "init-db"]) == 2
    logged = Path(settings.log_file).read_text()
    assert "Démarrage impossible" in logged
    assert stat.S_IMODE(Path(settings.log_file).stat().st_mode) == 0o600
