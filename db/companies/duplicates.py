"""A client's SIREN and SIRET are its own: the rule conversion and a client's edit enforce."""

from __future__ import annotations

from db.core.errors import ConversionRefused
from db.core.kinds import CompanyKind
from db.core.models import Company
from db.core.scope import Scope
from db.core.validation import format_siren, format_siret


def refuse_duplicates(scope: Scope, company: Company) -> None:
    """No two clients share a SIRET or a SIREN: refused, naming the holder only if visible."""
    for column, value, label, fmt in (
        (Company.siret, company.siret, "SIRET", format_siret),
        (Company.siren, company.siren, "SIREN", format_siren),
    ):
        if not value:
            continue
        holder = Company.get_or_none(
            (column == value) & (Company.kind == CompanyKind.CLIENT) & (Company.id != company.id)
        )
        if holder is None:
            continue
        # Name the holder only if this user may see it; otherwise say nothing of who holds it
        # (not even "another reseller's client": that alone tells who the company deals with).
        if scope.companies().where(Company.id == holder.id).exists():
            raise ConversionRefused(
                f"Le {label} {fmt(value)} est déjà celui du client « {holder.name} » "
                f"(N° client {holder.client_number})."
            )
        raise ConversionRefused(duplicate_hidden(label, fmt(value)))


def duplicate_hidden(label: str, shown: str) -> str:
    """The refusal for a SIREN/SIRET already held by a client this user may not see."""
    return (
        f"Le {label} {shown} est déjà enregistré pour un autre client : la transformation est "
        "impossible. Vérifiez le numéro ou contactez votre opérateur."
    )
