"""Shared write mechanics: version-checked updates and counters that never go back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.core.errors import ConcurrentEditError, DomainError, NotFound
from db.core.models import Company, CompanyKind, Sequence, Versioned, now

if TYPE_CHECKING:
    from db.core.scope import Scope


def _when(moment) -> str | None:
    return moment.strftime("%d/%m/%Y à %H:%M") if moment else None


def update_checked(
    model: type[Versioned], record_id: int, expected_version: int, values: dict, login: str
) -> int:
    """UPDATE one row only if it is still at `expected_version`; returns the new version.

    The version test is in the WHERE clause, so two concurrent saves cannot both succeed:
    the second matches no row and is refused with who changed the record and when.
    """
    values = dict(values)
    values.update(lock_version=model.lock_version + 1, updated_at=now(), updated_by=login)
    updated = (
        model.update(**values)
        .where((model.id == record_id) & (model.lock_version == expected_version))
        .execute()
    )
    if updated != 1:
        current = model.get_or_none(model.id == record_id)
        raise ConcurrentEditError(
            current.updated_by if current else None, _when(current.updated_at) if current else None
        )
    return expected_version + 1


class AlreadyConverted(ConcurrentEditError):
    """A wizard step was saved on a prospect someone converted to a client meanwhile."""

    def __init__(self, company: Company):
        self.who, self.when = company.converted_by, _when(company.converted_at)
        detail = f" par {self.who}" if self.who else ""
        detail += f" le {self.when}" if self.when else ""
        DomainError.__init__(
            self,
            f"« {company.name} » a été transformé en client (N° client {company.client_number})"
            f"{detail} : la fiche prospect ne peut plus être modifiée.",
        )


def prospect_for_edit(scope: Scope, company_id: int) -> Company:
    """The visible prospect a wizard step saves to (call inside the write transaction).

    A prospect converted since the form was opened is a clear refusal naming who converted it
    and when, not a bare 'introuvable'; anything else that is not a visible prospect stays
    NotFound with the same message as an absent one.
    """
    company = scope.company(company_id)
    if company.kind == CompanyKind.CLIENT and company.client_number:
        raise AlreadyConverted(company)
    if company.kind != CompanyKind.PROSPECT:
        raise NotFound(f"Entreprise {company_id} introuvable.")
    return company


def next_value(name: str, start: int = 0) -> int:
    """Take the next value of counter `name` (call inside the write transaction that uses it)."""
    if not Sequence.update(value=Sequence.value + 1).where(Sequence.name == name).execute():
        Sequence.insert(name=name, value=start).on_conflict_ignore().execute()
        Sequence.update(value=Sequence.value + 1).where(Sequence.name == name).execute()
    return Sequence.get(Sequence.name == name).value
