"""CSV sub-commands: `import-prospects` (a CSV of prospects, validated like the wizard)."""

from __future__ import annotations

import sys

from tui.cli import command, open_store


def _import_args(parser) -> None:
    parser.add_argument(
        "file",
        metavar="FICHIER.csv",
        help="fichier CSV (UTF-8, séparateur ;, 10 Mo au plus) ; « - » : l'entrée standard",
    )
    parser.add_argument(
        "--reseller",
        type=int,
        metavar="ID",
        help="IDENTIFIANT de l'ambassadeur propriétaire (personnel de l'opérateur seulement)",
    )
    parser.add_argument(
        "--as",
        dest="login",
        required=True,
        metavar="LOGIN",
        help="utilisateur pour le compte duquel l'import est fait (sa visibilité s'applique)",
    )


@command(
    "import-prospects",
    "importe des prospects d'un fichier CSV (en-tête : Raison sociale;SIREN;SIRET;n°;Voie;"
    "Code Postal;Commune;Pays) ; code de sortie 1 si une ligne est refusée",
    _import_args,
)
def import_prospects_command(args, settings) -> int:
    from db.core.errors import DomainError
    from db.core.models import User
    from db.core.scope import Scope
    from db.exchange.prospect_import import import_prospects, import_prospects_file

    open_store(settings)
    user = User.get_or_none(User.login == args.login)
    if user is None or user.disabled:
        raise DomainError(f"Utilisateur « {args.login} » inconnu ou désactivé.")
    scope = Scope.for_user(user)
    if args.file == "-":
        report = import_prospects(scope, sys.stdin.buffer, "entrée standard", args.reseller)
    else:
        report = import_prospects_file(scope, args.file, args.reseller)
    print(f"Import de {report.name} pour {report.owner}")
    for line, status, name, detail in report.entries():
        print(
            f"  ligne {line} : {status} — {name or '(sans raison sociale)'}"
            + (f" — {detail}" if detail else "")
        )
    print(report.summary)
    if not report.ok:
        print(
            f"{len(report.refused)} ligne(s) refusée(s) : corrigez-les et relancez l'import "
            "(les lignes déjà importées seront reconnues).",
            file=sys.stderr,
        )
        return 1
    return 0
