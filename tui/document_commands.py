"""Document sub-commands: `mandate` (batch SEPA mandates) and `creditor` (creditor settings)."""

from __future__ import annotations

from tui.cli import command, open_store


def _mandate_args(parser) -> None:
    parser.add_argument("identifiant", type=int, metavar="IDENTIFIANT", help="IDENTIFIANT")
    parser.add_argument("--out", required=True, metavar="FICHIER.pdf", help="fichier à écrire")
    parser.add_argument(
        "--as",
        dest="login",
        required=True,
        metavar="LOGIN",
        help="utilisateur pour le compte duquel le mandat est généré (sa visibilité s'applique)",
    )
    parser.add_argument(
        "--force", action="store_true", help="remplacer le fichier de sortie s'il existe"
    )


@command("mandate", "génère le mandat de prélèvement SEPA d'une entreprise (PDF)", _mandate_args)
def mandate(args, settings) -> int:
    from db.core.errors import DomainError
    from db.core.models import User
    from db.core.scope import Scope
    from db.documents.mandate_generation import generate_mandate
    from db.documents.storage import write_document_to_path
    from db.files.writes import check_output_path

    open_store(settings)
    user = User.get_or_none(User.login == args.login)
    if user is None or user.disabled:
        raise DomainError(f"Utilisateur « {args.login} » inconnu ou désactivé.")
    scope = Scope.for_user(user)
    scope.company(args.identifiant)  # unknown or not visible: said before any file check
    # Checked before generating, so a bad --out does not leave a stored mandate behind it.
    check_output_path(args.out, overwrite=args.force)
    document = generate_mandate(scope, args.identifiant)
    target = write_document_to_path(scope, document.id, args.out, overwrite=args.force)
    print(f"Mandat {document.filename} ({document.size} octets) écrit dans {target}")
    return 0


def _creditor_args(parser) -> None:
    parser.add_argument("--name", help="nom du créancier")
    parser.add_argument("--ics", help="identifiant créancier SEPA, ex. FR72ZZZ123456")
    parser.add_argument(
        "--address",
        help='adresse du créancier, lignes séparées par "\\n" ou des retours à la ligne',
    )
    parser.add_argument("--place", help="lieu de signature imprimé sur les mandats")
    parser.add_argument("--rum-prefix", help="préfixe des RUM générées (7 caractères au plus)")
    parser.add_argument(
        "--operator",
        type=int,
        metavar="ID",
        help="IDENTIFIANT de l'opérateur (chacun a son créancier ; facultatif s'il n'y en a qu'un)",
    )


def _show(creditor) -> None:
    address = creditor.address.replace("\n", " / ") or "—"
    print(f"Nom du créancier                 : {creditor.name or '—'}")
    print(f"Identifiant créancier SEPA (ICS) : {creditor.ics or '—'}")
    print(f"Adresse du créancier             : {address}")
    print(f"Lieu de signature                : {creditor.signature_place or '—'}")
    print(f"Préfixe des RUM                  : {creditor.rum_prefix or '—'}")


@command(
    "creditor",
    "affiche ou modifie le créancier SEPA (nom, ICS, adresse) imprimé sur les mandats",
    _creditor_args,
)
def creditor(args, settings) -> int:
    import sys
    from dataclasses import replace

    from db.core.errors import ValidationErrors
    from db.core.scope import SYSTEM
    from db.documents.creditor import get_creditor_settings, set_creditor_settings

    open_store(settings)
    current = get_creditor_settings(args.operator)
    changes = {
        attr: value
        for attr, value in (
            ("name", args.name),
            ("ics", args.ics),
            ("address", args.address.replace("\\n", "\n") if args.address else args.address),
            ("signature_place", args.place),
            ("rum_prefix", args.rum_prefix),
        )
        if value is not None
    }
    if not changes:
        _show(current)
        return 0
    try:
        saved = set_creditor_settings(
            SYSTEM, replace(current, **changes), operator_id=args.operator
        )
    except ValidationErrors as exc:
        options = {"name": "--name", "ics": "--ics", "address": "--address"}
        options.update(signature_place="--place", rum_prefix="--rum-prefix")
        for field, message in exc.errors.items():
            print(f"Erreur ({options.get(field, field)}) : {message}", file=sys.stderr)
        return 2
    print("Créancier SEPA enregistré.")
    _show(saved)
    return 0
