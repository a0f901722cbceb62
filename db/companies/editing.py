"""A company's record: its form values, the writes the wizard and the edits share, and the edits.

The lists are in db.companies.lists, the detail screen's data in db.companies.detail.
"""

from __future__ import annotations

from dataclasses import dataclass

from db.core import audit
from db.core import validation as v
from db.core.database import atomic
from db.core.errors import DomainError, NotFound, ValidationErrors
from db.core.forms import clean_admin, clean_billing, clean_company
from db.core.models import BillingPoint, Company, CompanyKind, Contact, Site, search_key
from db.core.rows import update_checked
from db.core.scope import Scope
from db.documents.rum import assign_rum

PROSPECT_EDIT = "Un prospect se modifie dans sa fiche (Prospects › Reprendre)."
NOT_EDITABLE = "Vous ne pouvez pas modifier cette entreprise."

# An address as billing points store it (the main site keeps fewer of these).
ADDRESS_COLUMNS = (
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


def may_edit_company(scope: Scope, company: Company) -> bool:
    if company.kind == CompanyKind.PROSPECT:
        return False  # the wizard edits prospects
    # Resellers edit their own book; the operator's staff decide who the resellers are.
    return scope.is_operator or company.kind in (CompanyKind.CLIENT, CompanyKind.OTHER)


def main_site(company: Company) -> Site | None:
    return company.sites.where(Site.is_main == True).order_by(Site.id).first()  # noqa: E712


# -- form values (shared with the wizard) ---------------------------------------------------------


def company_form_values(company: Company, site: Site | None) -> dict:
    """Société + INFORMATIONS SITE as the forms show them (keys of db.core.forms.COMPANY_FIELDS)."""
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
    *ADDRESS_COLUMNS,
)


def billing_form_values(billing: BillingPoint | None) -> dict:
    """The billing point as its form shows it (keys of db.core.forms.BILLING_FIELDS), IBAN whole."""
    if billing is None:
        return {}
    values = {name: getattr(billing, name) for name in _BILLING_COLUMNS}
    values["rum"] = billing.rum or ""
    days = billing.payment_terms_days
    values["payment_terms_days"] = "" if days is None else str(days)
    return values


_CONTACT_COLUMNS = ("civility", "last_name", "first_name", "phone", "mobile", "fax", "email")


def contact_form_values(contact: Contact | None) -> dict:
    """A contact as its form shows it (keys of db.core.forms.ADMIN_FIELDS)."""
    if contact is None:
        return {}
    values = {name: getattr(contact, name) for name in _CONTACT_COLUMNS}
    for name in ("phone", "mobile", "fax"):  # stored E.164, shown as the details show them
        if values[name]:
            values[name] = v.format_phone(values[name])
    return values


# -- shared writes (the wizard's steps and the company edits) ------------------------------------


def company_columns(values: dict) -> dict:
    """Company columns from cleaned Société values (db.core.forms.clean_company)."""
    return {
        "name": values["name"],
        "search_name": search_key(values["name"]),
        "siren": values["siren"] or None,
        "siret": values["siret"] or None,
        "vat_number": values["vat_number"] or None,
    }


def site_columns(values: dict) -> dict:
    """Main-site columns from cleaned INFORMATIONS SITE values (db.core.forms.clean_company)."""
    return {
        "number": values["site_number"],
        "street": values["site_street"],
        "postcode": values["site_postcode"],
        "city": values["site_city"],
        "search_city": search_key(values["site_city"]),
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

    The Code rum is kept when typed, generated once when Prélèvement needs one (db.documents.rum).
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
    if not may_edit_company(scope, company):
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
    from db.companies.conversion import _refuse_duplicates  # noqa: PLC0415 - conversion imports prospects

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
        values["search_name"] = search_key(f"{values['last_name']} {values['first_name']}")
        version = contact.lock_version if expected_version is None else expected_version
        update_checked(Contact, contact.id, version, values, scope.login)
        audit.record(scope, "contact_saved", "contact", contact.id, company=company.id)
        return contact.id
