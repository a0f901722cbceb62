"""A company's detail: sites, contacts, billing points, quotes, documents, and what may be edited."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from db.companies.editing import company_form_values, main_site, may_edit_company
from db.companies.lists import format_place, own_operator, phone_text
from db.core import validation as v
from db.core.errors import NotFound
from db.core.models import BillingPoint, Company, CompanyKind, Contact, Quote, Site
from db.core.money import money
from db.core.scope import Scope
from db.documents.storage import DocumentFilters, DocumentRow, list_documents

DETAIL_ROWS = 50  # quotes and documents shown on a company's detail (newest first)


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


def load_company(scope: Scope, company_id: int) -> CompanyDetail:
    try:
        company = scope.company(company_id)
    except NotFound:
        company = Company.select().where(own_operator(scope) & (Company.id == company_id)).first()
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
                phone_text(c.phone),
                phone_text(c.mobile),
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
        can_edit_company=may_edit_company(scope, company),
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
            format_place(s.postcode, s.city),
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
        ", ".join(
            p for p in (f"{b.number} {b.street}".strip(), format_place(b.postcode, b.city)) if p
        ),
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
            money(q.setup_total),
            money(q.monthly_total),
        )
        for q in query
    )
