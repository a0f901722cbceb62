"""The `myopenip` command: run the app, or administer its database (init-db, create-user, ...).

Whatever stops it from starting is told in one French sentence on the terminal, exit code 2;
the traceback goes to the log file only (tui/cli.py).
"""

from __future__ import annotations

import sys

from tui.cli import (
    COMMANDS,
    StartupError,
    build_parser,
    log_failure,
    names_a_command,
    resolve_settings,
    run_app,
)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if names_a_command(argv):
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
        from db.core import DomainError

        if isinstance(exc, DomainError):
            print(f"Erreur : {exc.message}", file=sys.stderr)
            return 2
        log_failure(settings.log_file if settings else None, exc)
        if isinstance(exc, StartupError):
            print(f"Erreur : {exc.message}", file=sys.stderr)
            return 2
        print(
            f"Erreur : MyOpenIP s'est arrêté sur une erreur inattendue ({type(exc).__name__}) ; "
            "le détail est dans le journal.",
            file=sys.stderr,
        )
        return 1


def _load_command_modules() -> None:
    import tui.admin_commands  # noqa: F401 - registers init-db, create-user, ...
    import tui.csv_commands  # noqa: F401 - registers import-prospects
    import tui.document_commands  # noqa: F401 - registers mandate, creditor
    import tui.key_commands  # noqa: F401 - registers add-key, remove-key, list-keys
    import tui.keymap  # noqa: F401 - registers touches
    import tui.ssh_session  # noqa: F401 - registers ssh-session (deploy/myopenip-ssh)


if __name__ == "__main__":
    sys.exit(main())
