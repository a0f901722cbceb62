"""Companies of every kind: the scoped lists, the quick selector, a company's detail and its edits.

Glossary of the lists (guide label -> code): Clients -> CompanyKind.CLIENT, Opérateurs ->
OPERATOR, Ambassadeurs -> RESELLER, Entreprises autres -> OTHER, Contacts -> Contact.

Visibility is the Scope's, with one addition: a reseller sees the name of its own operator (the
Opérateurs list and that company's identity, read-only), never anything hanging off it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from peewee import JOIN

from db import audit
from db import validation as v
from db.database import atomic
from db.documents import DocumentFilters, DocumentRow, list_documents
from db.errors import DomainError, NotFound, ValidationErrors
from db.forms import clean_admin, clean_billing, clean_company
from db.models import BillingPoint, Company, CompanyKind, Contact, Quote, Site, fold
from db.records import update_checked
from db.rum import assign_rum
from db.scope import Scope

LIST_KINDS = (CompanyKind.OPERATOR, CompanyKind.RESELLER, CompanyKind.CLIENT, CompanyKind.OTHER)
DETAIL_ROWS = 50  # quotes and documents shown on a company's detail (newest first)
CENT = Decimal("0.01")

PROSPECT_EDIT = "Un prospect se modifie dans sa fiche (Prospects › Reprendre)."
NOT_EDITABLE = "Vous ne pouvez pas modifier cette entreprise."


# -- who sees what --------------------------------------------------------------------------------


def _own_operator(scope: Scope):
    """The reseller's own operator (read-only for it); a condition that matches nothing otherwise."""
    return (Company.kind == CompanyKind.OPERATOR) & (Company.id == (scope.operator_id or 0))


def _visible(scope: Scope, query, kind: str | None = None):
    if kind == CompanyKind.OPERATOR and not scope.is_operator:
        return query.where(_own_operator(scope))
    query = scope.companies(query)
    return query.where(Company.kind == kind) if kind else query


def _visible_any(scope: Scope):
    """Every company this user may name: its scope, plus a reseller's own operator."""
    condition = scope.owner_condition(Company)
    return condition if scope.is_operator else (condition | _own_operator(scope))


def _main_site_join(query):
    return query.join(
        Site,
        JOIN.LEFT_OUTER,
        on=((Site.company == Company.id) & (Site.is_main == True)),  # noqa: E712
    )


def _place(postcode: str | None, city: str | None) -> str:
    return " ".join(p for p in (postcode or "", city or "") if p)


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
    ident = filters.identifiant.strip()
    if ident:
        query = query.where(Company.id == int(ident)) if ident.isdigit() else query.where(False)
    number = filters.client_number.strip().upper()
    if number:
        query = query.where(Company.client_number.contains(number))
    name = fold(filters.name.strip())
    if name:
        query = query.where(Company.search_name.contains(name))
    place = fold(filters.place.strip())
    if place:
        query = query.where(Site.postcode.startswith(place) | Site.search_city.contains(place))
    siren = "".join(filters.siren.split())
    if siren:
        query = (
            query.where(Company.siren.startswith(siren)) if siren.isdigit() else query.where(False)
        )
    return query


def _order(kind: str):
    # Clients are many: newest first rides the (kind, owner, id) index. The other kinds are a
    # handful of companies, read alphabetically.
    if kind == CompanyKind.CLIENT:
        return (Company.id.desc(),)
    return (Company.search_name, Company.id)


def list_companies(
    scope: Scope, kind: str, filters: CompanyFilters, offset: int = 0, limit: int = 50
) -> list[CompanyRow]:
    query = (
        _company_query(
            scope,
            kind,
            filters,
            Company.id,
            Company.kind,
            Company.name,
            Company.siren,
            Company.client_number,
            Site.postcode,
            Site.city,
        )
        .order_by(*_order(kind))
        .offset(offset)
        .limit(limit)
    )
    return [
        CompanyRow(
            row["id"],
            row["kind"],
            row["name"],
            _place(row["postcode"], row["city"]),
            v.format_siren(row["siren"]) if row["siren"] else "",
            row["client_number"] or "",
        )
        for row in query.dicts()
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
    for word in fold(filters.name).split():
        query = query.where(Contact.search_name.contains(word))
    text = filters.company.strip()
    if text:
        if text.isdigit():
            query = query.where(Company.id == int(text))
        else:
            query = query.where(Company.search_name.contains(fold(text)))
    email = filters.email.strip()
    if email:
        query = query.where(Contact.email.contains(email))
    admin = fold(filters.admin.strip())
    if admin in ("oui", "non"):
        query = query.where(Contact.is_admin == (admin == "oui"))
    return query


def list_contacts(
    scope: Scope, filters: ContactFilters, offset: int = 0, limit: int = 50
) -> list[ContactRow]:
    query = (
        _contact_query(
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
        .order_by(Contact.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [
        ContactRow(
            row["id"],
            row["company_id"],
            row["company_kind"],
            row["company_name"],
            row["last_name"],
            row["first_name"],
            _phone(row["phone"] or row["mobile"]),
            row["email"],
            bool(row["is_admin"]),
        )
        for row in query.dicts()
    ]


def count_contacts(scope: Scope, filters: ContactFilters) -> int:
    return _contact_query(scope, filters, Contact.id).count()


def _phone(e164: str | None) -> str:
    return v.format_phone(e164) if e164 else ""


# -- "Sélectionner..." ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CompanyHit:
    id: int
    kind: str
    name: str
    client_number: str
    place: str
    creation_step: int

    @property
    def kind_label(self) -> str:
        return CompanyKind.LABELS.get(self.kind, self.kind)


def search_companies(scope: Scope, text: str, limit: int = 20) -> list[CompanyHit]:
    """Companies whose raison sociale, IDENTIFIANT or N° client matches `text`, exact ones first."""
    text = " ".join(text.split())
    if not text:
        return []
    condition = Company.search_name.contains(fold(text))
    exact = Company.client_number == text.upper()
    if any(ch.isdigit() for ch in text):  # "CL" alone would match every client
        condition |= Company.client_number.contains(text.upper())
    if text.isdigit():
        condition |= Company.id == int(text)
        exact |= Company.id == int(text)
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
            _place(row["postcode"], row["city"]),
            row["creation_step"],
        )
        for row in rows
    ]


# -- a company's detail ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteView:
    id: int
    is_main: bool
    address: str
    place: str
    country: str


@dataclass(frozen=True)
class ContactView:
    id: int
    civility: str
    last_name: str
    first_name: str
    phone: str
    mobile: str
    email: str
    is_admin: bool

    @property
    def admin_label(self) -> str:
        return "oui" if self.is_admin else "non"


@dataclass(frozen=True)
class BillingSummary:
    """A billing point as lists show it: the IBAN masked (it is whole only on its own form)."""

    id: int
    holder: str
    email: str
    payment_mode: str
    payment_terms: str
    vat_regime: str
    paper_invoice: bool
    iban: str  # masked
    bic: str
    rum: str
    address: str


@dataclass(frozen=True)
class QuoteSummary:
    id: int
    reference: str
    step: int
    created_on: dt.date
    offer_names: str
    setup_total: Decimal
    monthly_total: Decimal

    @property
    def created(self) -> str:
        return self.created_on.strftime("%d/%m/%Y") if self.created_on else ""


@dataclass
class CompanyDetail:
    """One company with what hangs off it, the versions it was loaded at, and what may be edited."""

    company: Company
    site: Site | None  # the main site (INFORMATIONS SITE)
    sites: tuple[SiteView, ...] = ()
    contacts: tuple[ContactView, ...] = ()
    billing_points: tuple[BillingSummary, ...] = ()
    quotes: tuple[QuoteSummary, ...] = ()
    documents: tuple[DocumentRow, ...] = ()
    read_only: bool = False  # a reseller looking at its own operator
    can_edit_company: bool = False
    can_edit_billing: bool = False
    can_edit_contacts: bool = False
    versions: dict[str, int] = field(default_factory=dict)

    @property
    def kind_label(self) -> str:
        return CompanyKind.LABELS.get(self.company.kind, self.company.kind)

    def company_values(self) -> dict:
        return company_form_values(self.company, self.site)


def _may_edit_company(scope: Scope, company: Company) -> bool:
    if company.kind == CompanyKind.PROSPECT:
        return False  # the wizard edits prospects
    # Resellers edit their own book; the operator's staff decide who the resellers are.
    return scope.is_operator or company.kind in (CompanyKind.CLIENT, CompanyKind.OTHER)


def main_site(company: Company) -> Site | None:
    return company.sites.where(Site.is_main == True).order_by(Site.id).first()  # noqa: E712


def load_company(scope: Scope, company_id: int) -> CompanyDetail:
    try:
        company = scope.company(company_id)
    except NotFound:
        company = Company.select().where(_own_operator(scope) & (Company.id == company_id)).first()
        if company is None or scope.is_operator:
            raise
        site = main_site(company)
        return CompanyDetail(company, site, sites=_sites(company, only_main=True), read_only=True)
    site = main_site(company)
    return CompanyDetail(
        company,
        site,
        sites=_sites(company),
        contacts=tuple(
            ContactView(
                c.id,
                c.civility,
                c.last_name,
                c.first_name,
                _phone(c.phone),
                _phone(c.mobile),
                c.email,
                c.is_admin,
            )
            for c in company.contacts.order_by(Contact.is_admin.desc(), Contact.id)
        ),
        billing_points=tuple(
            _billing_summary(b) for b in company.billing_points.order_by(BillingPoint.id)
        ),
        quotes=_quotes(scope, company.id),
        documents=tuple(
            list_documents(scope, DocumentFilters(company_id=company.id), 0, DETAIL_ROWS)
        ),
        can_edit_company=_may_edit_company(scope, company),
        can_edit_billing=company.kind == CompanyKind.CLIENT,
        can_edit_contacts=True,
        versions={"company": company.lock_version, "site": site.lock_version if site else 0},
    )


def _sites(company: Company, only_main: bool = False) -> tuple[SiteView, ...]:
    query = company.sites.order_by(Site.is_main.desc(), Site.id)
    if only_main:
        query = query.where(Site.is_main == True).limit(1)  # noqa: E712
    return tuple(
        SiteView(
            s.id,
            s.is_main,
            f"{s.number} {s.street}".strip(),
            _place(s.postcode, s.city),
            s.country,
        )
        for s in query
    )


def _billing_summary(b: BillingPoint) -> BillingSummary:
    terms = (
        f"Autre : {b.payment_terms_days} jours" if b.payment_terms == "Autres" else b.payment_terms
    )
    return BillingSummary(
        b.id,
        b.holder,
        b.email,
        b.payment_mode,
        terms,
        b.vat_regime,
        b.paper_invoice,
        v.mask_iban(b.iban) if b.iban else "",
        b.bic,
        b.rum or "",
        ", ".join(p for p in (f"{b.number} {b.street}".strip(), _place(b.postcode, b.city)) if p),
    )


def _quotes(scope: Scope, company_id: int) -> tuple[QuoteSummary, ...]:
    query = (
        Quote.select(
            Quote.id,
            Quote.number,
            Quote.revision,
            Quote.step,
            Quote.created_on,
            Quote.offer_names,
            Quote.setup_total,
            Quote.monthly_total,
        )
        .where((Quote.company == company_id) & scope.owner_condition(Quote))
        .order_by(Quote.created_on.desc(), Quote.number.desc(), Quote.revision.desc())
        .limit(DETAIL_ROWS)
    )
    return tuple(
        QuoteSummary(
            q.id,
            q.reference,
            q.step,
            q.created_on,
            q.offer_names,
            Decimal(q.setup_total or 0).quantize(CENT),
            Decimal(q.monthly_total or 0).quantize(CENT),
        )
        for q in query
    )


# -- form values (shared with the wizard) ---------------------------------------------------------


def company_form_values(company: Company, site: Site | None) -> dict:
    """Société + INFORMATIONS SITE as the forms show them (keys of db.forms.COMPANY_FIELDS)."""
    return {
        "name": company.name,
        "siren": company.siren or "",
        "siret": company.siret or "",
        "site_number": site.number if site else "",
        "site_street": site.street if site else "",
        "site_postcode": site.postcode if site else "",
        "site_city": site.city if site else "",
        "site_country": site.country if site else "France",
    }


_BILLING_COLUMNS = (
    "holder",
    "email",
    "payment_mode",
    "payment_terms",
    "vat_regime",
    "paper_invoice",
    "iban",
    "bic",
    "number",
    "street",
    "building",
    "floor",
    "door",
    "staircase",
    "complement",
    "country",
    "postcode",
    "city",
)


def billing_form_values(billing: BillingPoint | None) -> dict:
    """The billing point as its form shows it (keys of db.forms.BILLING_FIELDS), IBAN whole."""
    if billing is None:
        return {}
    values = {name: getattr(billing, name) for name in _BILLING_COLUMNS}
    values["rum"] = billing.rum or ""
    days = billing.payment_terms_days
    values["payment_terms_days"] = "" if days is None else str(days)
    return values


_CONTACT_COLUMNS = ("civility", "last_name", "first_name", "phone", "mobile", "fax", "email")


def contact_form_values(contact: Contact | None) -> dict:
    """A contact as its form shows it (keys of db.forms.ADMIN_FIELDS)."""
    if contact is None:
        return {}
    return {name: getattr(contact, name) for name in _CONTACT_COLUMNS}


# -- shared writes (the wizard's steps and the company edits) ------------------------------------


def company_columns(values: dict) -> dict:
    """Company columns from cleaned Société values (db.forms.clean_company)."""
    return {
        "name": values["name"],
        "search_name": fold(values["name"]),
        "siren": values["siren"] or None,
        "siret": values["siret"] or None,
        "vat_number": values["vat_number"] or None,
    }


def site_columns(values: dict) -> dict:
    """Main-site columns from cleaned INFORMATIONS SITE values (db.forms.clean_company)."""
    return {
        "number": values["site_number"],
        "street": values["site_street"],
        "postcode": values["site_postcode"],
        "city": values["site_city"],
        "search_city": fold(values["site_city"]),
        "country": values["site_country"],
    }


def write_company_identity(
    scope: Scope, company: Company, values: dict, versions: dict, extra: dict | None = None
) -> None:
    """Save cleaned Société + INFORMATIONS SITE values, each row checked against its version.

    Call inside the caller's transaction. `versions` holds "company" and "site" as loaded;
    a missing key means "no check" (the caller read the row in the same transaction).
    """
    company_cols = {**company_columns(values), **(extra or {})}
    site_cols = site_columns(values)
    update_checked(
        Company,
        company.id,
        versions.get("company", company.lock_version),
        company_cols,
        scope.login,
    )
    site = main_site(company)
    if site is None:
        Site.create(company=company, is_main=True, updated_by=scope.login, **site_cols)
    else:
        update_checked(
            Site, site.id, versions.get("site", site.lock_version), site_cols, scope.login
        )


def write_billing_point(
    scope: Scope,
    company: Company,
    billing: BillingPoint | None,
    values: dict,
    expected_version: int | None,
    *,
    rum_required: bool = False,
) -> int:
    """Create or version-check-update a billing point from cleaned values; returns its id.

    The Code rum is kept when typed, generated once when Prélèvement needs one (db.rum).
    Call inside the caller's transaction.
    """
    cols = dict(values)
    typed_rum = cols.pop("rum") or None
    if billing is None:
        billing = BillingPoint.create(company=company, updated_by=scope.login, **cols)
    else:
        version = billing.lock_version if expected_version is None else expected_version
        update_checked(BillingPoint, billing.id, version, cols, scope.login)
    assign_rum(
        billing.id, typed_rum, needed=values["payment_mode"] == "Prélèvement" or rum_required
    )
    return billing.id


# -- edits ----------------------------------------------------------------------------------------


def _raise_if(errors: dict) -> None:
    if errors:
        raise ValidationErrors(errors)


def _company_for_edit(scope: Scope, company_id: int) -> Company:
    company = scope.company(company_id)
    if company.kind == CompanyKind.PROSPECT:
        raise DomainError(PROSPECT_EDIT)
    if not _may_edit_company(scope, company):
        raise DomainError(NOT_EDITABLE)
    return company


def save_company(scope: Scope, company_id: int, data: dict, versions: dict | None = None) -> int:
    """Éditer (INFORMATIONS SOCIÉTÉ and INFORMATIONS SITE) of a client, ambassadeur, ..."""
    values, errors = clean_company(data)
    _raise_if(errors)
    with atomic():
        company = _company_for_edit(scope, company_id)
        if company.kind == CompanyKind.CLIENT:
            _refuse_client_duplicates(scope, company, values)
        write_company_identity(scope, company, values, versions or {})
        audit.record(scope, "company_saved", "company", company.id, kind=company.kind)
        return company.id


def _refuse_client_duplicates(scope: Scope, company: Company, values: dict) -> None:
    """A client keeps a SIREN/SIRET no other client holds (the rule conversion enforces)."""
    from db.conversion import _refuse_duplicates  # noqa: PLC0415 - conversion imports prospects

    _refuse_duplicates(
        scope, Company(id=company.id, siren=values["siren"] or None, siret=values["siret"] or None)
    )


@dataclass
class BillingRecord:
    company_id: int
    company_name: str
    billing_id: int | None
    values: dict
    version: int


def load_billing_point(scope: Scope, company_id: int, billing_id: int | None) -> BillingRecord:
    """A client's billing point for its form (IBAN whole); billing_id None: the first, or a new one."""
    company = scope.company(company_id, CompanyKind.CLIENT)
    query = company.billing_points.order_by(BillingPoint.id)
    if billing_id is not None:
        query = query.where(BillingPoint.id == billing_id)
    billing = query.first()
    if billing is None and billing_id is not None:
        raise NotFound(f"Point de facturation {billing_id} introuvable.")
    if billing is None:
        site = main_site(company)
        values = {
            "holder": company.name,
            "payment_mode": "Prélèvement",
            "payment_terms": "À réception",
            "vat_regime": "Assujetti",
            "paper_invoice": False,
            "number": site.number if site else "",
            "street": site.street if site else "",
            "postcode": site.postcode if site else "",
            "city": site.city if site else "",
            "country": site.country if site else "France",
        }
        return BillingRecord(company.id, company.name, None, values, 0)
    return BillingRecord(
        company.id, company.name, billing.id, billing_form_values(billing), billing.lock_version
    )


def save_billing_point(
    scope: Scope,
    company_id: int,
    billing_id: int | None,
    data: dict,
    expected_version: int | None = None,
) -> int:
    """A client's point de facturation, with the wizard's rules and messages; audited."""
    values, errors = clean_billing(data)
    _raise_if(errors)
    with atomic():
        company = scope.company(company_id, CompanyKind.CLIENT)
        billing = None
        if billing_id is not None:
            billing = company.billing_points.where(BillingPoint.id == billing_id).first()
            if billing is None:
                raise NotFound(f"Point de facturation {billing_id} introuvable.")
        saved = write_billing_point(scope, company, billing, values, expected_version)
        audit.record(
            scope,
            "billing_point_saved" if billing else "billing_point_created",
            "billing_point",
            saved,
            company=company.id,
            iban=v.mask_iban(values["iban"]),
        )
        return saved


@dataclass
class ContactRecord:
    company_id: int
    company_name: str
    contact_id: int | None
    values: dict
    version: int
    is_admin: bool = False


def load_contact(scope: Scope, company_id: int, contact_id: int | None) -> ContactRecord:
    """A contact of a visible company for its form; contact_id None: a new contact."""
    company = scope.company(company_id)
    if contact_id is None:
        return ContactRecord(company.id, company.name, None, {"civility": "Monsieur"}, 0)
    contact = company.contacts.where(Contact.id == contact_id).first()
    if contact is None:
        raise NotFound(f"Contact {contact_id} introuvable.")
    return ContactRecord(
        company.id,
        company.name,
        contact.id,
        contact_form_values(contact),
        contact.lock_version,
        contact.is_admin,
    )


def save_contact(
    scope: Scope,
    company_id: int,
    contact_id: int | None,
    data: dict,
    expected_version: int | None = None,
) -> int:
    """Add (contact_id None) or edit a contact of any visible company; audited, version-checked."""
    values, errors = clean_admin(data)
    _raise_if(errors)
    with atomic():
        company = scope.company(company_id)
        if contact_id is None:
            contact = Contact.create(
                company=company, is_admin=False, updated_by=scope.login, **values
            )
            audit.record(scope, "contact_created", "contact", contact.id, company=company.id)
            return contact.id
        contact = company.contacts.where(Contact.id == contact_id).first()
        if contact is None:
            raise NotFound(f"Contact {contact_id} introuvable.")
        values["search_name"] = fold(f"{values['last_name']} {values['first_name']}")
        version = contact.lock_version if expected_version is None else expected_version
        update_checked(Contact, contact.id, version, values, scope.login)
        audit.record(scope, "contact_saved", "contact", contact.id, company=company.id)
        return contact.id
