"""Administration sub-commands: init-db, create-user, set-password, disable-user, seed-demo."""

from __future__ import annotations

import getpass
import sys

from tui.cli import command, open_store


def _read_secret(prompt: str) -> str:
    """A password: typed without echo on a terminal; from a pipe (a script), exactly one line,
    read byte by byte so that the next command of the script still finds its own lines."""
    if sys.stdin.isatty():
        return getpass.getpass(prompt)
    import os

    print(prompt, end="", file=sys.stderr, flush=True)
    line = bytearray()
    while (byte := os.read(0, 1)) not in (b"", b"\n"):
        line += byte
        if len(line) > 4096:
            break
    print(file=sys.stderr)
    if not line and byte == b"":
        from db.core.errors import DomainError

        raise DomainError("Aucun mot de passe reçu sur l'entrée standard.")
    return line.decode("utf-8", "replace").removesuffix("\r")


def _ask_password() -> str:
    from db.accounts.auth import check_password_policy

    first = _read_secret("Mot de passe : ")
    check_password_policy(first)  # before the confirmation: 10 characters, not all blanks
    second = _read_secret("Mot de passe (confirmation) : ")
    if first != second:
        from db.core.errors import DomainError

        raise DomainError("Les deux mots de passe ne correspondent pas.")
    return first


@command("init-db", "crée ou met à jour le schéma de la base")
def init_db(args, settings) -> int:
    from db.core.database import SCHEMA_VERSION

    open_store(settings)
    print(f"Base prête (schéma v{SCHEMA_VERSION}) : {settings.database}")
    return 0


def _text_arg(value: str, label: str) -> str:
    """A typed argument under the text rule of every input (db/core/text.py), as a login is stored."""
    from db.core.errors import DomainError, FieldError
    from db.core.models import User
    from db.core.text import clean_for

    try:
        return clean_for(User.login, value)
    except FieldError as exc:
        raise DomainError(f"{label} : {exc.message}") from None


def _identifiant(value: str) -> int:
    from db.core.errors import DomainError
    from db.core.text import bounded_int

    number = bounded_int(value)
    if number is None:
        raise DomainError(f"--company : « {value} » n'est pas un IDENTIFIANT (chiffres 0 à 9).")
    return number


def _user_args(parser) -> None:
    parser.add_argument("login")


@command(
    "create-user",
    "crée un utilisateur (mot de passe demandé deux fois)",
    lambda p: (
        p.add_argument("login"),
        p.add_argument("--portal", choices=("revendeur", "operateur"), required=True),
        p.add_argument(
            "--company",
            required=True,
            help="IDENTIFIANT de l'ambassadeur ou de l'opérateur",
        ),
        p.add_argument("--name", default="", help="nom affiché"),
    ),
)
def create_user(args, settings) -> int:
    from db.accounts.auth import create_user as create

    login, name = _text_arg(args.login, "Login"), _text_arg(args.name, "--name")
    company = _identifiant(args.company)
    open_store(settings)
    password = _ask_password()
    user = create(login, password, args.portal, company, name)
    print(f"Utilisateur « {user.login} » créé.")
    return 0


@command("set-password", "change le mot de passe d'un utilisateur", _user_args)
def set_password(args, settings) -> int:
    from db.accounts.auth import set_password as set_pw

    login = _text_arg(args.login, "Login")
    open_store(settings)
    set_pw(login, _ask_password())
    print(f"Mot de passe de « {login} » changé.")
    return 0


@command(
    "disable-user",
    "désactive un utilisateur (--enable pour le réactiver)",
    lambda p: (
        p.add_argument("login"),
        p.add_argument("--enable", action="store_true"),
    ),
)
def disable_user(args, settings) -> int:
    from db.accounts.auth import set_disabled

    login = _text_arg(args.login, "Login")
    open_store(settings)
    set_disabled(login, not args.enable)
    print(f"Utilisateur « {login} » {'réactivé' if args.enable else 'désactivé'}.")
    return 0


@command(
    "seed-demo",
    "crée une base de démonstration",
    lambda p: (
        p.add_argument("--path", required=True, help="fichier SQLite ou URL postgresql://"),
        p.add_argument("--prospects", type=int, default=300),
        p.add_argument("--quotes", type=int, default=200),
    ),
)
def seed_demo_command(args, settings) -> int:
    import time
    from dataclasses import replace

    from db.core.models import Company
    from db.demo.seed import seed_demo

    open_store(replace(settings, database=args.path))
    if Company.select().exists():
        print(f"Erreur : {args.path} contient déjà des données.", file=sys.stderr)
        return 2
    started = time.perf_counter()
    seed_demo(prospects=args.prospects, quotes=args.quotes)
    print(f"Base de démonstration créée en {time.perf_counter() - started:.1f} s : {args.path}")
    return 0
