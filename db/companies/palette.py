"""What the command palette finds of companies: any kind, by IDENTIFIANT, N° client or name,
with the reseller that owns each (the operator's staff see several resellers' records)."""

from __future__ import annotations

from dataclasses import dataclass

from db.companies.lists import CompanyHit, search_companies
from db.companies.prospects import etat_label
from db.core.models import Company, CompanyKind
from db.core.scope import Scope


@dataclass(frozen=True)
class CompanyFound:
    hit: CompanyHit
    owner: str  # the owning reseller's raison sociale ("" when none or for a reseller)

    @property
    def label(self) -> str:
        hit = self.hit
        number = f" · {hit.client_number}" if hit.client_number else ""
        return f"{hit.id}{number} · {hit.name}"

    def help(self, show_owner: bool) -> str:
        """'Prospect · 92110 CLICHY · Création - étape 2 · Revendeur : …', no empty parts."""
        hit = self.hit
        parts = [hit.kind_label, hit.place]
        if hit.kind == CompanyKind.PROSPECT:
            parts.append(etat_label(hit.creation_step))
        if show_owner and self.owner:
            parts.append(f"Revendeur : {self.owner}")
        return " · ".join(part for part in parts if part and part.strip())


def find_companies(scope: Scope, text: str, limit: int = 8) -> list[CompanyFound]:
    hits = search_companies(scope, text, limit)
    owner_of = {}
    if hits:
        owned = Company.select(Company.id, Company.reseller).where(
            Company.id.in_([hit.id for hit in hits])
        )
        owner_of = {row.id: row.reseller_id for row in owned}
    owner_ids = {rid for rid in owner_of.values() if rid}
    names = {}
    if owner_ids:
        rows = Company.select(Company.id, Company.name).where(Company.id.in_(list(owner_ids)))
        names = {row.id: row.name for row in rows}
    return [
        CompanyFound(
            hit, names.get(owner_of.get(hit.id), "") if hit.id != owner_of.get(hit.id) else ""
        )
        for hit in hits
    ]
