"""The company lists (Clients, Opérateurs, Ambassadeurs, ...), Contacts and "Sélectionner...".

Glossary of the lists (guide label -> code): Clients -> CompanyKind.CLIENT, Opérateurs ->
OPERATOR, Ambassadeurs -> RESELLER, Entreprises autres -> OTHER, Contacts -> Contact.

Visibility is the Scope's, with one addition: a reseller sees the name of its own operator (the
Opérateurs list and that company's identity, read-only), never anything hanging off it.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import JOIN

from db.core import validation as v
from db.core.database import contains_folded, contains_text, starts_with_text
from db.core.keyset import Keyset, Pager, fetch_page
from db.core.kinds import CompanyKind
from db.core.models import Company, Contact, Site, fold
from db.core.scope import Scope
from db.core.text import bounded_int, is_ascii_digits, search_filters, search_text, search_words

LIST_KINDS = (CompanyKind.OPERATOR, CompanyKind.RESELLER, CompanyKind.CLIENT, CompanyKind.OTHER)


# -- who sees what --------------------------------------------------------------------------------


def own_operator(scope: Scope):
    """The reseller's own operator (read-only for it); a condition that matches nothing otherwise."""
    return (Company.kind == CompanyKind.OPERATOR) & (Company.id == (scope.operator_id or 0))


def _visible(scope: Scope, query, kind: str | None = None):
    if kind == CompanyKind.OPERATOR and not scope.is_operator:
        return query.where(own_operator(scope))
    query = scope.companies(query)
    return query.where(Company.kind == kind) if kind else query


def _visible_any(scope: Scope):
    """Every company this user may name: its scope, plus a reseller's own operator."""
    condition = scope.owner_condition(Company)
    return condition if scope.is_operator else (condition | own_operator(scope))


def _main_site_join(query):
    return query.join(
        Site,
        JOIN.LEFT_OUTER,
        on=((Site.company == Company.id) & (Site.is_main == True)),  # noqa: E712
    )


def main_city(company):
    """The main site's city, as a scalar subquery so a row never doubles.

    `company` is the column holding the company's id in the outer query (Company.id,
    Quote.company).
    """
    site = Site.alias()
    return (
        site.select(site.city)
        .where((site.company == company) & (site.is_main == True))  # noqa: E712
        .order_by(site.id)
        .limit(1)
    )


def format_place(postcode: str | None, city: str | None) -> str:
    """CODE POSTAL / VILLE column: '92110 CLICHY', or what there is of it."""
    return " ".join(p for p in (postcode or "", city or "") if p)


def phone_text(e164: str | None) -> str:
    """A stored phone number as the lists show it ('01 84 78 78 80'), blank when there is none."""
    return v.format_phone(e164) if e164 else ""


def client_condition(text: str):
    """Every word in the raison sociale, or the N° client as typed."""
    text = search_text(text)
    by_name = None
    for word in search_words(fold(text)):
        part = contains_folded(Company.search_name, word)
        by_name = part if by_name is None else (by_name & part)
    by_number = contains_text(Company.client_number, text.replace(" ", "").upper())
    return by_name | by_number if by_name is not None else by_number


# -- lists: Clients, Opérateurs, Ambassadeurs, Entreprises autres --------------------------------


@dataclass(frozen=True)
class CompanyFilters:
    identifiant: str = ""
    client_number: str = ""  # N° client (clients only)
    name: str = ""  # RAISON SOCIALE
    place: str = ""  # CODE POSTAL / VILLE
    siren: str = ""


@dataclass(frozen=True)
class CompanyRow:
    id: int
    kind: str
    name: str
    place: str
    siren: str  # formatted "732 829 320"
    client_number: str


def _company_query(scope: Scope, kind: str, filters: CompanyFilters, *columns):
    if kind not in LIST_KINDS:
        raise ValueError(f"Unknown list kind {kind!r}")
    query = _visible(scope, _main_site_join(Company.select(*columns)), kind)
    filters = search_filters(filters)  # any text: rows or none, never a store error
    ident = filters.identifiant
    if ident:
        number: int | str | None = bounded_int(ident)
        query = query.where(Company.id == number) if number is not None else query.where(False)
    number = filters.client_number.strip().upper()
    if number:
        query = query.where(contains_text(Company.client_number, number))
    name = fold(filters.name.strip())
    if name:
        query = query.where(contains_folded(Company.search_name, name))
    place = fold(filters.place.strip())
    if place:
        query = query.where(
            starts_with_text(Site.postcode, place) | contains_folded(Site.search_city, place)
        )
    siren = "".join(filters.siren.split())
    if siren:
        query = (
            query.where(Company.siren.startswith(siren))
            if is_ascii_digits(siren)
            else query.where(False)
        )
    return query


_NEWEST = Keyset((Company.id,), ("id",), descending=True)
_ALPHABETICAL = Keyset((Company.search_name, Company.id), ("search_name", "id"))


def _order(kind: str) -> Keyset:
    # Clients are many: newest first rides the (kind, owner, id) index. The other kinds are a
    # handful of companies, read alphabetically.
    if kind == CompanyKind.CLIENT:
        return _NEWEST
    return _ALPHABETICAL


def list_companies(
    scope: Scope,
    kind: str,
    filters: CompanyFilters,
    offset: int = 0,
    limit: int = 50,
    *,
    pager: Pager | None = None,
) -> list[CompanyRow]:
    """One page of a company list; with `pager`, next/previous page by keyset (db.core.keyset)."""
    query = _company_query(
        scope,
        kind,
        filters,
        Company.id,
        Company.kind,
        Company.name,
        Company.siren,
        Company.client_number,
        Company.search_name,
        Site.postcode,
        Site.city,
    )
    rows = fetch_page(query, _order(kind), offset, limit, pager=pager, filters=(kind, filters))
    return [
        CompanyRow(
            row["id"],
            row["kind"],
            row["name"],
            format_place(row["postcode"], row["city"]),
            v.format_siren(row["siren"]) if row["siren"] else "",
            row["client_number"] or "",
        )
        for row in rows
    ]


def count_companies(scope: Scope, kind: str, filters: CompanyFilters) -> int:
    return _company_query(scope, kind, filters, Company.id).count()


# -- list: Contacts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactFilters:
    name: str = ""  # Nom / Prénom
    company: str = ""  # Entreprise: IDENTIFIANT or part of the raison sociale
    email: str = ""
    admin: str = ""  # "oui" / "non" / "" (all)


@dataclass(frozen=True)
class ContactRow:
    id: int
    company_id: int
    company_kind: str
    company_name: str
    last_name: str
    first_name: str
    phone: str  # formatted "01 84 78 78 80"
    email: str
    is_admin: bool

    @property
    def admin_label(self) -> str:
        return "oui" if self.is_admin else "non"


def _contact_query(scope: Scope, filters: ContactFilters, *columns):
    query = (
        Contact.select(*columns)
        .join(Company, on=(Contact.company == Company.id))
        .where(scope.owner_condition(Company))
    )
    filters = search_filters(filters)  # any text: rows or none, never a store error
    for word in search_words(fold(filters.name)):
        query = query.where(contains_folded(Contact.search_name, word))
    text = filters.company
    if text:
        if is_ascii_digits(text):
            number = bounded_int(text)
            query = query.where(Company.id == number) if number is not None else query.where(False)
        else:
            query = query.where(contains_folded(Company.search_name, fold(text)))
    email = filters.email.strip()
    if email:
        query = query.where(Contact.email.contains(email))
    admin = fold(filters.admin.strip())
    if admin in ("oui", "non"):
        query = query.where(Contact.is_admin == (admin == "oui"))
    return query


_CONTACT_ORDER = Keyset((Contact.id,), ("id",), descending=True)


def list_contacts(
    scope: Scope,
    filters: ContactFilters,
    offset: int = 0,
    limit: int = 50,
    *,
    pager: Pager | None = None,
) -> list[ContactRow]:
    """One page of Contacts, newest first; with `pager`, by keyset (db.core.keyset)."""
    query = _contact_query(
        scope,
        filters,
        Contact.id,
        Contact.last_name,
        Contact.first_name,
        Contact.phone,
        Contact.mobile,
        Contact.email,
        Contact.is_admin,
        Company.id.alias("company_id"),
        Company.kind.alias("company_kind"),
        Company.name.alias("company_name"),
    )
    rows = fetch_page(query, _CONTACT_ORDER, offset, limit, pager=pager, filters=filters)
    return [
        ContactRow(
            row["id"],
            row["company_id"],
            row["company_kind"],
            row["company_name"],
            row["last_name"],
            row["first_name"],
            phone_text(row["phone"] or row["mobile"]),
            row["email"],
            bool(row["is_admin"]),
        )
        for row in rows
    ]


def count_contacts(scope: Scope, filters: ContactFilters) -> int:
    return _contact_query(scope, filters, Contact.id).count()


# -- "Sélectionner..." ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CompanyHit:
    id: int
    kind: str
    name: str
    client_number: str
    place: str  # "92110 CLICHY"
    creation_step: int
    city: str = ""

    @property
    def kind_label(self) -> str:
        return CompanyKind.LABELS.get(self.kind, self.kind)

    @property
    def label(self) -> str:
        """'GARAGE DU CENTRE (1745) · Prospect · CLICHY' or '… · Client CL0000012 · …'."""
        kind = self.kind_label
        if self.client_number:
            kind = f"{kind} {self.client_number}"
        return " · ".join(p for p in (f"{self.name} ({self.id})", kind, self.city) if p)


def search_companies(
    scope: Scope, text: str, limit: int = 20, kinds: tuple[str, ...] | None = None
) -> list[CompanyHit]:
    """Visible companies (of `kinds`, or any) whose raison sociale holds every typed word, or
    whose IDENTIFIANT or N° client matches `text`; exact IDENTIFIANT / N° client first."""
    text = " ".join(search_text(text).split())
    if not text:
        return []
    condition = None
    for word in search_words(fold(text)):
        part = contains_folded(Company.search_name, word)
        condition = part if condition is None else (condition & part)
    exact = Company.client_number == text.upper()
    if any(ch.isdigit() for ch in text):  # "CL" alone would match every client
        by_number = contains_text(Company.client_number, text.replace(" ", "").upper())
        condition = by_number if condition is None else (condition | by_number)
    number = bounded_int(text)
    if number is not None:
        condition = (
            (Company.id == number) if condition is None else (condition | (Company.id == number))
        )
        exact |= Company.id == number
    if condition is None:
        return []
    base = _main_site_join(
        Company.select(
            Company.id,
            Company.kind,
            Company.name,
            Company.client_number,
            Company.creation_step,
            Site.postcode,
            Site.city,
        )
    ).where(_visible_any(scope))
    if kinds:
        base = base.where(Company.kind.in_(kinds))
    rows = list(base.where(exact).limit(limit).dicts())
    seen = {row["id"] for row in rows}
    if len(rows) < limit:
        # No "AND NOT exact": it is NULL (so false) for a company without a N° client.
        more = base.where(condition).order_by(Company.search_name, Company.id).limit(limit)
        rows.extend(row for row in more.dicts() if row["id"] not in seen)
        rows = rows[:limit]
    return [
        CompanyHit(
            row["id"],
            row["kind"],
            row["name"],
            row["client_number"] or "",
            format_place(row["postcode"], row["city"]),
            row["creation_step"],
            row["city"] or "",
        )
        for row in rows
    ]
