"""What every `myopenip` command shares: its parser and registry of sub-commands, the settings,
opening the store, and running the app (the entry point, tui/main.py, loads the sub-commands).

Whatever stops it from starting (a bad configuration file, a file that is not a database,
PostgreSQL unreachable, a folder it may not write in) is told in one French sentence on the
terminal, with exit code 2; the traceback goes to the log file only. The app paints Connexion
before it opens the store: a store that cannot be opened is told there, in the same sentence,
and again on the terminal when the user leaves (Ctrl+Q), with exit code 2.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import sys
from dataclasses import replace
from functools import partial
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
    parser.set_defaults(command=None)
    if COMMANDS:  # registered by _load_command_modules, when the command line may name one
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
    from db.core import init_schema, open_database

    try:
        open_database(settings.database)
        init_schema()
    except Exception as exc:  # noqa: BLE001 - told in one sentence, the traceback logged
        raise StartupError(_store_failure(settings.database, exc)) from exc


def log_failure(log_file: str | None, exc: BaseException) -> None:
    """The traceback of a failed start in the log (configured now if nothing was yet)."""
    import logging

    from tui import logs
    from tui.settings import default_log_path

    if not logs._INSTALLED:
        logs.configure_logging(log_file or str(default_log_path()))
    logging.getLogger("myopenip").error(
        "Démarrage impossible", exc_info=(type(exc), exc, exc.__traceback__)
    )


def ensure_demo(settings: Settings, status=None) -> None:
    """Seed the demo store if it is empty; `status(text)` says so (the terminal by default)."""
    from db.demo import seed_demo, store_is_empty

    if store_is_empty():
        if status is None:
            print("Création de la base de démonstration…", file=sys.stderr)
        else:
            status("Création de la base de démonstration…")
        seed_demo()
        if status is not None:
            status("")


def open_app_store(settings: Settings, demo: bool, status) -> None:
    """The app's store, opened in a thread once Connexion is painted (MyOpenIPApp.open_store):
    StartupError (its French sentence) if it cannot be."""
    from db.core import database_proxy

    try:
        open_store(settings)
        if demo:
            try:
                ensure_demo(settings, status)
            except Exception as exc:  # noqa: BLE001 - a sentence on Connexion, detail logged
                raise StartupError(
                    "La base de démonstration ne peut pas être créée "
                    f"({type(exc).__name__}) : le détail est dans le journal."
                ) from exc
    finally:
        # This thread ends here: its connection is closed (returned to the pool on
        # PostgreSQL); the screens' workers open their own (tui/toolkit/db_worker.py).
        with contextlib.suppress(Exception):
            database_proxy.close()


def names_a_command(argv: list[str]) -> bool:
    """Whether the command line may name a sub-command (or ask for --help): only then are the
    modules that register them imported; `myopenip [--db …]` starts the app without them.

    In doubt (a word that is no option nor an option's value, an option it does not know,
    `--`), True: the full parser then reads the line, as it always did."""
    actions = build_parser()._actions
    known = {option for action in actions for option in action.option_strings}
    takes_value = {o for action in actions if action.nargs != 0 for o in action.option_strings}
    value_next = False
    for token in argv:
        if value_next:
            value_next = False
            continue
        name = token.split("=", 1)[0]
        if token in ("-h", "--help", "--") or not token.startswith("-") or name not in known:
            return True
        value_next = token in takes_value
    return False


def run_app(settings: Settings, demo: bool = False, store_open: bool = False) -> int:
    """Run the app; the store is opened once Connexion is painted (`store_open`: already is)."""
    # Textual reads these once, when first imported (textual.constants), hence before it is:
    # low bandwidth = the terminal's 16 colours and at most 15 frames a second (60 otherwise);
    # no animation either way. Mouse tracking is off in low bandwidth (run(mouse=...) below).
    if settings.low_bandwidth:
        os.environ.setdefault("TEXTUAL_COLOR_SYSTEM", "standard")
        os.environ.setdefault("TEXTUAL_FPS", "15")
    os.environ.setdefault("TEXTUAL_ANIMATIONS", "none")
    from tui.logs import configure_logging

    configure_logging(settings.log_file)  # a file, never the user's terminal
    banner = ""
    if demo:
        banner = DEMO_BANNER
        print(DEMO_BANNER)
    from tui.app import MyOpenIPApp

    opener = None if store_open else partial(open_app_store, settings, demo)
    app = MyOpenIPApp(settings, demo_banner=banner, open_store=opener)
    tune_runtime()
    app.run(mouse=not settings.low_bandwidth)
    if app.store_error:  # told on Connexion; the terminal keeps it once the app has left
        print(f"Erreur : {app.store_error}", file=sys.stderr)
        return 2
    return app.return_code or 0  # 3: the session ended because the account was disabled


def tune_runtime() -> None:
    """The interpreter tuned for a session: the garbage collector, and threads' turns."""
    tune_garbage_collector()
    tune_thread_switching()


def tune_thread_switching() -> None:
    """Let a query's thread have the interpreter back within 0.5 ms rather than 5 ms.

    SQLite (and psycopg2) let go of the interpreter around each row they step through, and a
    thread must then wait for the UI thread to give it back: Python's default is to ask after
    5 ms. While the UI thread lays a new screen out, a 100-row page read in a worker took
    100-130 ms instead of 10-15 (bench: Mes devis opening). 0.5 ms turns cost the UI thread
    nothing it would notice and give the reading thread its turns as they come.
    """
    sys.setswitchinterval(0.0005)


def tune_garbage_collector() -> None:
    """Keep the garbage collector's full passes short and out of the way of keys and screens.

    A full collection walks every object Python tracks and, by default, comes every few
    keystrokes, right in the middle of answering one (bench/run.py: filter keys at 130-210 ms
    instead of ~60, Mes devis opening in 350-560 ms instead of ~220). What start-up loaded
    (Textual, Rich, peewee...: ~300,000 objects) is frozen, never walked again, and
    MyOpenIPApp runs a full pass when the user has paused (_collect_garbage_when_idle), so
    that few are left to happen while typing. The young generations keep Python's thresholds
    (their passes take a millisecond); a full pass is due after FULL_PASS_AFTER passes of the
    middle one instead of 10, so that while the user types it is the idle pass that runs, not
    Python's: a user who never pauses still gets one every few hundred keys.
    """
    import gc

    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, FULL_PASS_AFTER)


FULL_PASS_AFTER = 100  # passes of the middle generation (Python's default: 10)
