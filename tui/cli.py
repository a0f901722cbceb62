"""The `myopenip` command: run the app, or administer its database (init-db, create-user, ...).

Whatever stops it from starting (a bad configuration file, a file that is not a database,
PostgreSQL unreachable, a folder it may not write in) is told in one French sentence on the
terminal, with exit code 2; the traceback goes to the log file only.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import replace
from pathlib import Path

from tui import __version__
from tui.settings import Settings, demo_db_path, load_settings

DEMO_BANNER = "Démo : logins revendeur, revendeur2 (Revendeur) et operateur (MB / Opérateur), mot de passe « demo »."

# Sub-commands registered by other modules: name -> (help, configure(parser), run(args, settings) -> int)
COMMANDS: dict = {}


def command(name: str, help_text: str, configure=None):
    def register(fn):
        COMMANDS[name] = (help_text, configure or (lambda p: None), fn)
        return fn

    return register


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="myopenip",
        description="MyOpenIP en terminal : transformer un prospect en client.",
    )
    parser.add_argument("--version", action="version", version=f"myopenip {__version__}")
    parser.add_argument("--db", metavar="PATH", help="fichier SQLite (ou MYOPENIP_DB)")
    parser.add_argument("--database-url", metavar="URL", help="postgresql://… (ou DATABASE_URL)")
    parser.add_argument(
        "--demo", action="store_true", help="base de démonstration (créée au premier lancement)"
    )
    parser.add_argument(
        "--low-bandwidth", action="store_true", help="liaison lente : 16 couleurs, pas d'animation"
    )
    parser.add_argument("--config", metavar="FILE", type=Path, help="fichier de configuration TOML")
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE")
    for name, (help_text, configure, _) in sorted(COMMANDS.items()):
        configure(sub.add_parser(name, help=help_text, description=help_text))
    return parser


class StartupError(Exception):
    """MyOpenIP cannot start: `message` is the one French sentence the terminal shows."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _config_failure(path: Path, exc: Exception) -> str:
    import tomllib

    where = f"« {path} »"
    if isinstance(exc, tomllib.TOMLDecodeError):
        found = re.search(r"line (\d+)", str(exc))
        line = f" (ligne {found.group(1)})" if found else ""
        return f"Le fichier de configuration {where} n'est pas un fichier TOML valide{line}."
    from tui.settings import KeymapError

    if isinstance(exc, KeymapError):
        return f"Dans le fichier de configuration {where}, {exc}"
    if isinstance(exc, (ValueError, TypeError)):
        return (
            "Une valeur de la configuration (fichier ou variable MYOPENIP_…) n'a pas le type "
            "attendu : un nombre, ou oui/non. Le détail est dans le journal."
        )
    if isinstance(exc, UnicodeDecodeError):
        return f"Le fichier de configuration {where} n'est pas encodé en UTF-8."
    return f"Le fichier de configuration {where} ne peut pas être lu."


def resolve_settings(args) -> Settings:
    try:
        settings = load_settings(args.config)
    except Exception as exc:  # noqa: BLE001 - one sentence on the terminal, the detail logged
        from platformdirs import user_config_dir

        from tui.settings import APP_NAME

        default = Path(user_config_dir(APP_NAME)) / "config.toml"
        config = args.config or Path(os.environ.get("MYOPENIP_CONFIG") or default)
        raise StartupError(_config_failure(config, exc)) from exc
    if args.demo:
        settings = replace(settings, database=str(demo_db_path()))
    if args.db:
        settings = replace(settings, database=args.db)
    if args.database_url:
        settings = replace(settings, database=args.database_url)
    if args.low_bandwidth:
        settings = replace(settings, low_bandwidth=True)
    return settings


def _store_failure(target: str, exc: BaseException) -> str:
    """The French sentence for a store that cannot be opened (never a password of the URL)."""
    text = str(exc).lower()
    if "://" in target:
        from playhouse.db_url import parse as parse_url

        try:
            params = parse_url(target.replace("postgres://", "postgresql://", 1))
            server = f"{params.get('host') or 'localhost'}:{params.get('port') or 5432}"
        except Exception:  # noqa: BLE001 - an address that does not even parse
            return (
                "L'adresse de la base (DATABASE_URL, --database-url) n'est pas reconnue : "
                "postgresql://utilisateur@serveur/base, ou un chemin de fichier SQLite."
            )
        if "password authentication" in text or "authentification" in text:
            return f"Le serveur PostgreSQL {server} refuse l'utilisateur ou le mot de passe."
        if "does not exist" in text or "n'existe pas" in text:
            return f"La base demandée n'existe pas sur le serveur PostgreSQL {server}."
        if "scheme" in text or "psycopg" in text:
            return (
                "L'adresse de la base n'est pas reconnue : postgresql://… ou un chemin de "
                "fichier SQLite."
            )
        return (
            f"Le serveur PostgreSQL {server} est injoignable ou refuse la connexion : vérifiez "
            "DATABASE_URL et que le serveur est démarré."
        )
    path = Path(target).expanduser()
    if "not a database" in text or "malformed" in text or "file is encrypted" in text:
        return (
            f"« {path} » n'est pas une base de données MyOpenIP (fichier d'un autre type ou "
            "abîmé) : indiquez la bonne avec --db."
        )
    if "readonly" in text or "read-only" in text:
        return f"La base « {path} » est en lecture seule pour ce compte."
    if isinstance(exc, PermissionError) or "unable to open" in text or "permission" in text:
        return (
            f"Le dossier « {path.parent} » n'est pas accessible en écriture pour ce compte : "
            "la base ne peut pas y être ouverte ni créée."
        )
    if isinstance(exc, (FileExistsError, NotADirectoryError)):
        return f"« {path.parent} » n'est pas un dossier : la base ne peut pas y être créée."
    if isinstance(exc, OSError):
        return (
            f"La base « {path} » ne peut pas être ouverte (erreur système {exc.errno}) : le "
            "détail est dans le journal."
        )
    return (
        f"La base de données ne peut pas être ouverte ({type(exc).__name__}) : le détail est "
        "dans le journal."
    )


def open_store(settings: Settings) -> None:
    """Open the store and bring its schema up to date; StartupError in French otherwise."""
    from db.core.database import init_schema, open_database

    try:
        open_database(settings.database)
        init_schema()
    except Exception as exc:  # noqa: BLE001 - told in one sentence, the traceback logged
        raise StartupError(_store_failure(settings.database, exc)) from exc


def _log_failure(log_file: str | None, exc: BaseException) -> None:
    """The traceback of a failed start in the log (configured now if nothing was yet)."""
    import logging

    from tui import logs
    from tui.settings import default_log_path

    if not logs._INSTALLED:
        logs.configure_logging(log_file or str(default_log_path()))
    logging.getLogger("myopenip").error(
        "Démarrage impossible", exc_info=(type(exc), exc, exc.__traceback__)
    )


def ensure_demo(settings: Settings) -> None:
    from db.core.models import Company
    from db.demo.seed import seed_demo

    if not Company.select().exists():
        print("Création de la base de démonstration…", file=sys.stderr)
        seed_demo()


def main(argv: list[str] | None = None) -> int:
    _load_command_modules()
    args = build_parser().parse_args(argv)
    settings = None
    try:
        settings = resolve_settings(args)
        if args.command:
            _, _, run = COMMANDS[args.command]
            return run(args, settings) or 0
        return run_app(settings, demo=args.demo)
    except Exception as exc:  # noqa: BLE001 - a sentence on the terminal, never a traceback
        from db.core.errors import DomainError

        if isinstance(exc, DomainError):
            print(f"Erreur : {exc.message}", file=sys.stderr)
            return 2
        _log_failure(settings.log_file if settings else None, exc)
        if isinstance(exc, StartupError):
            print(f"Erreur : {exc.message}", file=sys.stderr)
            return 2
        print(
            f"Erreur : MyOpenIP s'est arrêté sur une erreur inattendue ({type(exc).__name__}) ; "
            "le détail est dans le journal.",
            file=sys.stderr,
        )
        return 1


def run_app(settings: Settings, demo: bool = False) -> int:
    # Textual reads these once, when first imported (textual.constants), hence before it is:
    # low bandwidth = the terminal's 16 colours and at most 15 frames a second (60 otherwise);
    # no animation either way. Mouse tracking is off in low bandwidth (run(mouse=...) below).
    if settings.low_bandwidth:
        os.environ.setdefault("TEXTUAL_COLOR_SYSTEM", "standard")
        os.environ.setdefault("TEXTUAL_FPS", "15")
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    from tui.logs import configure_logging

    configure_logging(settings.log_file)  # a file, never the user's terminal
    open_store(settings)
    banner = ""
    if demo:
        ensure_demo(settings)
        banner = DEMO_BANNER
        print(DEMO_BANNER)
    from tui.app import MyOpenIPApp

    app = MyOpenIPApp(settings, demo_banner=banner)
    tune_garbage_collector()
    app.run(mouse=not settings.low_bandwidth)
    return app.return_code or 0  # 3: the session ended because the account was disabled


def tune_garbage_collector() -> None:
    """Keep the garbage collector's full passes short and out of the way of keys and screens.

    A full collection walks every object Python tracks and, by default, comes every few
    keystrokes, right in the middle of answering one (bench/run.py: filter keys at 130-210 ms
    instead of ~60, Mes devis opening in 350-560 ms instead of ~220). What start-up loaded
    (Textual, Rich, peewee...: ~300,000 objects) is frozen, never walked again, and
    MyOpenIPApp runs a full pass when the user has paused (_collect_garbage_when_idle), so
    that few are left to happen while typing. Thresholds stay Python's: memory is unchanged.
    """
    import gc

    gc.freeze()


def _load_command_modules() -> None:
    import tui.admin_commands  # noqa: F401 - registers init-db, create-user, ...
    import tui.csv_commands  # noqa: F401 - registers import-prospects
    import tui.document_commands  # noqa: F401 - registers mandate, creditor
    import tui.key_commands  # noqa: F401 - registers add-key, remove-key, list-keys
    import tui.keymap  # noqa: F401 - registers touches
    import tui.ssh_session  # noqa: F401 - registers ssh-session (deploy/myopenip-ssh)


if __name__ == "__main__":
    sys.exit(main())
