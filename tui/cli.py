"""The `myopenip` command: run the app, or administer its database (init-db, create-user, ...)."""

from __future__ import annotations

import argparse
import os
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


def resolve_settings(args) -> Settings:
    settings = load_settings(args.config)
    if args.demo:
        settings = replace(settings, database=str(demo_db_path()))
    if args.db:
        settings = replace(settings, database=args.db)
    if args.database_url:
        settings = replace(settings, database=args.database_url)
    if args.low_bandwidth:
        settings = replace(settings, low_bandwidth=True)
    return settings


def open_store(settings: Settings) -> None:
    from db.database import init_schema, open_database

    open_database(settings.database)
    init_schema()


def ensure_demo(settings: Settings) -> None:
    from db.models import Company
    from db.seed import seed_demo

    if not Company.select().exists():
        print("Création de la base de démonstration…", file=sys.stderr)
        seed_demo()


def main(argv: list[str] | None = None) -> int:
    _load_command_modules()
    args = build_parser().parse_args(argv)
    settings = resolve_settings(args)
    if args.command:
        _, _, run = COMMANDS[args.command]
        try:
            return run(args, settings) or 0
        except Exception as exc:  # noqa: BLE001 - the admin reads a sentence, not a traceback
            from db.errors import DomainError

            if isinstance(exc, DomainError):
                print(f"Erreur : {exc.message}", file=sys.stderr)
                return 2
            raise
    return run_app(settings, demo=args.demo)


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
    return 0


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


if __name__ == "__main__":
    sys.exit(main())
