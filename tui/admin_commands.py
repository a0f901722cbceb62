"""Administration sub-commands: init-db, create-user, set-password, disable-user, seed-demo."""

from __future__ import annotations

import getpass
import sys

from tui.cli import command, open_store


def _ask_password() -> str:
    first = getpass.getpass("Mot de passe : ")
    second = getpass.getpass("Mot de passe (confirmation) : ")
    if first != second:
        from db.errors import DomainError

        raise DomainError("Les deux mots de passe ne correspondent pas.")
    return first


@command("init-db", "crée ou met à jour le schéma de la base")
def init_db(args, settings) -> int:
    from db.database import init_schema, open_database

    open_database(settings.database)
    print(f"Base prête (schéma v{init_schema()}) : {settings.database}")
    return 0


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
            type=int,
            required=True,
            help="IDENTIFIANT de l'ambassadeur ou de l'opérateur",
        ),
        p.add_argument("--name", default="", help="nom affiché"),
    ),
)
def create_user(args, settings) -> int:
    from db.auth import create_user as create

    open_store(settings)
    password = _ask_password()
    user = create(args.login, password, args.portal, args.company, args.name)
    print(f"Utilisateur « {user.login} » créé.")
    return 0


@command("set-password", "change le mot de passe d'un utilisateur", _user_args)
def set_password(args, settings) -> int:
    from db.auth import set_password as set_pw

    open_store(settings)
    set_pw(args.login, _ask_password())
    print(f"Mot de passe de « {args.login} » changé.")
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
    from db.auth import set_disabled

    open_store(settings)
    set_disabled(args.login, not args.enable)
    print(f"Utilisateur « {args.login} » {'réactivé' if args.enable else 'désactivé'}.")
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

    from db.database import init_schema, open_database
    from db.models import Company
    from db.seed import seed_demo

    open_database(args.path)
    init_schema()
    if Company.select().exists():
        print(f"Erreur : {args.path} contient déjà des données.", file=sys.stderr)
        return 2
    started = time.perf_counter()
    seed_demo(prospects=args.prospects, quotes=args.quotes)
    print(f"Base de démonstration créée en {time.perf_counter() - started:.1f} s : {args.path}")
    return 0
