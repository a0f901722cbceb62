"""Prospects: the filtered, paged list and the wizard's per-step saves ("Enregistrer et continuer")."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from peewee import JOIN, SQL, fn

from db.companies.editing import (
    billing_form_values,
    company_columns,
    company_form_values,
    contact_form_values,
    site_columns,
    write_billing_point,
    write_company_identity,
)
from db.core import audit
from db.core.database import atomic, contains_folded, starts_with_text
from db.core.errors import ValidationErrors
from db.core.forms import clean_admin, clean_billing, clean_company
from db.core.keyset import CountLater, Keyset, Pager, fetch_page
from db.core.kinds import CompanyKind
from db.core.models import BillingPoint, Company, Contact, Site, fold
from db.core.rows import prospect_for_edit, update_checked
from db.core.scope import Scope
from db.core.text import bounded_int, search_filters
from db.core.values import BillingValues, CompanyValues, ContactValues, SiteValues

Owner = Company.alias("owner")  # the reseller a prospect belongs to (Company.reseller)
LAST_STEP = 3  # steps 1-3 are saved; step 4 is "Détails d'un prospect"


def etat_label(creation_step: int) -> str:
    """ETAT column: the step to complete next, or ready once steps 1-3 are saved."""
    if creation_step >= LAST_STEP:
        return "Prêt à transformer"
    return f"Création - étape {creation_step + 1}"


@dataclass(frozen=True)
class ProspectFilters:
    identifiant: str = ""
    name: str = ""
    place: str = ""  # CODE POSTAL / VILLE
    owner: str = ""  # REVENDEUR (the operator's list): words of the owning reseller's name


@dataclass(frozen=True)
class ProspectRow:
    id: int
    name: str
    place: str
    creation_step: int
    owner: str = ""  # the owning reseller's name (read for the operator only)

    @property
    def etat(self) -> str:
        return etat_label(self.creation_step)


def _prospect_query(scope: Scope, filters: ProspectFilters, *, for_count: bool = False):
    if for_count:
        # A count joins nothing (one row per company; the place filter is `id IN (main sites
        # matching)`, one scan of the sites): it reads the (kind, owner, ...) indexes only.
        query = Company.select(Company.id).where(Company.kind == CompanyKind.PROSPECT)
    else:
        query = (
            Company.select(
                Company.id, Company.name, Company.creation_step, Site.postcode, Site.city
            )
            .join(Site, JOIN.LEFT_OUTER, on=((Site.company == Company.id) & (Site.is_main == True)))  # noqa: E712
            .where(Company.kind == CompanyKind.PROSPECT)
        )
    if scope.is_operator and not for_count:
        query = (
            query.select_extend(Owner.name.alias("owner"))
            .switch(Company)
            .join(Owner, JOIN.LEFT_OUTER, on=(Company.reseller == Owner.id))
        )
    query = scope.companies(query)
    filters = search_filters(filters)  # any text: rows or none, never a store error
    owner = fold(filters.owner.strip())
    if owner:
        resellers = Owner.select(Owner.id).where(contains_folded(Owner.search_name, owner))
        query = query.where(Company.reseller.in_(resellers))
    ident = filters.identifiant
    if ident:
        number = bounded_int(ident)
        query = query.where(Company.id == number) if number is not None else query.where(False)
    if filters.name.strip():
        query = query.where(contains_folded(Company.search_name, fold(filters.name.strip())))
    place = fold(filters.place.strip())
    if place:
        matches = starts_with_text(Site.postcode, place) | contains_folded(Site.search_city, place)
        if for_count:
            sites = Site.select(Site.company).where((Site.is_main == True) & matches)  # noqa: E712
            query = query.where(Company.id.in_(sites))
        else:
            query = query.where(matches)
    return query


PROSPECT_ORDER = Keyset((Company.id,), ("id",), descending=True)  # newest first


def list_prospects(
    scope: Scope,
    filters: ProspectFilters,
    offset: int = 0,
    limit: int = 50,
    *,
    pager: Pager | None = None,
) -> list[ProspectRow]:
    """One page, newest first; with `pager`, next/previous page by keyset (db.core.keyset)."""
    rows = fetch_page(
        _prospect_query(scope, filters), PROSPECT_ORDER, offset, limit, pager=pager, filters=filters
    )
    return [
        ProspectRow(
            row["id"],
            row["name"],
            " ".join(p for p in (row["postcode"] or "", row["city"] or "") if p),
            row["creation_step"],
            row.get("owner") or "",
        )
        for row in rows
    ]


def count_prospects(scope: Scope, filters: ProspectFilters, *, cap: int | None = None) -> int:
    """How many prospects the filters select; with `cap`, AtLeast(cap) once there are more."""
    return capped_count(_prospect_query(scope, filters, for_count=True), cap)


def page_prospects(
    scope: Scope,
    filters: ProspectFilters,
    offset: int = 0,
    limit: int = 50,
    *,
    pager: Pager | None = None,
    count_later: bool = False,
) -> tuple[list[ProspectRow], int | CountLater]:
    """One page of the list and its total as the list shows it (see `page_total`); with
    `count_later`, a count still to run is returned as a CountLater."""
    rows = list_prospects(scope, filters, offset, limit, pager=pager)

    def count(cap: int) -> int:
        return count_prospects(scope, filters, cap=cap)

    return rows, page_total(rows, offset, limit, count, later=count_later, pager=(pager, filters))


# -- counting for paged lists -----------------------------------------------------------------

COUNT_CAP = 10_000  # a list says "plus de 10 000" rather than count 100,000 rows on each key


class AtLeast(int):
    """A count that stopped at its cap: there are at least this many rows ("plus de N")."""

    at_least = True


def capped_count(query, cap: int | None) -> int:
    """COUNT(*) of `query`; with `cap`, the database stops after cap + 1 rows -> AtLeast(cap)."""
    if cap is None:
        return query.count()
    limited = query.select(SQL("1")).order_by().limit(cap + 1).alias("capped")
    found = query.model.select(fn.COUNT(SQL("1"))).from_(limited).scalar() or 0
    return AtLeast(cap) if found > cap else found


def page_total(
    rows: list,
    offset: int,
    limit: int,
    count: Callable[[int], int],
    *,
    later: bool = False,
    pager: tuple[Pager | None, object] = (None, None),
) -> int | CountLater:
    """The total a paged list shows, counting only when the page cannot tell it.

    A page shorter than `limit` is the last one: the total is known without a COUNT (this is
    also the case where the filters match little and the page query scanned everything
    already). Otherwise `count(cap)` counts up to a cap above this page: the next multiple of
    COUNT_CAP, so "plus de 10 000" stays the same from page to page. With `later`, that count
    is not run here but returned to run after the page is shown (CountLater). `pager` is the
    list's (Pager, filters): it keeps the total once it is known.
    """
    keeper, filters = pager

    def told(total: int) -> int:
        if keeper is not None:
            keeper.total(filters, limit, total)
        return total

    if len(rows) < limit and (rows or offset == 0):
        return told(offset + len(rows))
    cap = COUNT_CAP * ((offset + limit) // COUNT_CAP + 1)

    def counted() -> int:
        return told(count(cap))

    return CountLater(offset + len(rows), counted) if later else counted()


@dataclass
class ProspectRecord:
    """Everything the wizard and the details screen show, with the versions it was loaded at:
    plain values (db.core.values), never live Peewee objects."""

    company: CompanyValues
    site: SiteValues | None
    billing: BillingValues | None
    admin: ContactValues | None
    versions: dict[str, int] = field(default_factory=dict)

    def company_values(self) -> dict:
        return company_form_values(self.company, self.site)

    def billing_values(self) -> dict:
        return billing_form_values(self.billing)

    def admin_values(self) -> dict:
        return contact_form_values(self.admin)

    @property
    def next_step(self) -> int:
        """The first unfinished wizard step (4 = details) that Reprendre opens."""
        return min(self.company.creation_step + 1, 4)


def load_prospect(
    scope: Scope, company_id: int, *, kind: str | None = CompanyKind.PROSPECT
) -> ProspectRecord:
    company = scope.company(company_id, kind)
    site = company.sites.where(Site.is_main == True).first()  # noqa: E712
    billing = company.billing_points.order_by(BillingPoint.id).first()
    admin = company.contacts.where(Contact.is_admin == True).order_by(Contact.id).first()  # noqa: E712
    return ProspectRecord(
        CompanyValues.of(company),
        SiteValues.of(site),
        BillingValues.of(billing),
        ContactValues.of(admin),
        versions={
            "company": company.lock_version,
            "site": site.lock_version if site else 0,
            "billing": billing.lock_version if billing else 0,
            "admin": admin.lock_version if admin else 0,
        },
    )


def save_company_step(
    scope: Scope, company_id: int | None, data: dict, versions: dict | None = None
) -> int:
    """Step 1 (Société + INFORMATIONS SITE). Creates the prospect when company_id is None."""
    values, errors = clean_company(data)
    ValidationErrors.raise_if(errors)
    versions = versions or {}
    with atomic():
        if company_id is None:
            reseller_id, operator_id = _new_owner(scope)
            company = Company.create(
                kind=CompanyKind.PROSPECT,
                reseller=reseller_id,
                operator=operator_id,
                creation_step=1,
                updated_by=scope.login,
                **company_columns(values),
            )
            Site.create(
                company=company, is_main=True, updated_by=scope.login, **site_columns(values)
            )
            audit.record(scope, "prospect_created", "company", company.id)
            return company.id
        company = prospect_for_edit(scope, company_id)
        write_company_identity(
            scope, company, values, versions, {"creation_step": max(company.creation_step, 1)}
        )
        audit.record(scope, "prospect_step_saved", "company", company.id, step=1)
        return company.id


def _new_owner(scope: Scope) -> tuple[int | None, int | None]:
    if scope.is_operator:
        # Operator staff create prospects for their operator's own book (no reseller).
        return None, scope.company_id
    return scope.company_id, scope.operator_id


def save_billing_step(
    scope: Scope,
    company_id: int,
    data: dict,
    versions: dict | None = None,
    *,
    rum_required: bool = False,
) -> BillingPoint:
    """Step 2 (CRÉATION DU POINT DE FACTURATION): creates or updates the billing point."""
    values, errors = clean_billing(data, rum_required=rum_required)
    ValidationErrors.raise_if(errors)
    versions = versions or {}
    with atomic():
        company = prospect_for_edit(scope, company_id)
        billing = company.billing_points.order_by(BillingPoint.id).first()
        billing_id = write_billing_point(
            scope,
            company,
            billing,
            values,
            versions.get("billing") if billing else None,
            rum_required=rum_required,
        )
        _advance(scope, company, 2, versions)
        audit.record(scope, "prospect_step_saved", "company", company.id, step=2)
        return BillingPoint.get_by_id(billing_id)


def save_admin_step(
    scope: Scope,
    company_id: int,
    data: dict,
    versions: dict | None = None,
    *,
    phone_required: bool = False,
) -> Contact:
    """Step 3 (CRÉATION DE L'ADMINISTRATEUR)."""
    values, errors = clean_admin(data, phone_required=phone_required)
    ValidationErrors.raise_if(errors)
    versions = versions or {}
    with atomic():
        company = prospect_for_edit(scope, company_id)
        admin = company.contacts.where(Contact.is_admin == True).order_by(Contact.id).first()  # noqa: E712
        if admin is None:
            admin = Contact.create(company=company, is_admin=True, updated_by=scope.login, **values)
        else:
            update_checked(
                Contact, admin.id, versions.get("admin", admin.lock_version), values, scope.login
            )
        _advance(scope, company, 3, versions)
        audit.record(scope, "prospect_step_saved", "company", company.id, step=3)
        return Contact.get_by_id(admin.id)


def _advance(scope: Scope, company: Company, step: int, versions: dict) -> None:
    """Move ETAT on (never back) and bump the company's version so concurrent editors notice."""
    update_checked(
        Company,
        company.id,
        versions.get("company", company.lock_version),
        {"creation_step": max(company.creation_step, step)},
        scope.login,
    )
