"""Créer le compte client from a prospect's signed quote: the form's prefill and Enregistrer."""

from __future__ import annotations

from db.companies.conversion import STEP_NAMES, convert_to_client
from db.companies.editing import ADDRESS_COLUMNS
from db.companies.prospects import load_prospect, save_admin_step, save_billing_step
from db.core import audit
from db.core.database import atomic
from db.core.errors import ConversionRefused, FieldError, ValidationErrors
from db.core.forms import FIELDS_BY_NAME, clean_admin, clean_billing, clean_company
from db.core.models import Company, CompanyKind, Contact, Quote, fold
from db.core.rows import update_checked
from db.core.scope import Scope
from db.core.validation import (
    clean_text,
    format_iban,
    format_phone,
    tva_from_siren,
    validate_siren,
    validate_siret,
)
from db.documents.rum import assign_rum
from db.quotes.detail import visible_quote
from db.quotes.lists import SIGNED_STEP, step_label

# The fields the "Création du compte client" form shows in its billing section; the others
# (address, TVA regime, paper invoice) come from what the store already knows.
CLIENT_ACCOUNT_BILLING_FIELDS = (
    "holder",
    "email",
    "payment_mode",
    "payment_terms",
    "payment_terms_days",
    "iban",
    "bic",
    "rum",
)
CLIENT_ACCOUNT_ADMIN_FIELDS = ("civility", "last_name", "first_name", "phone", "email")


def _signed_prospect_quote(scope: Scope, quote_id: int) -> tuple[Quote, Company]:
    quote = visible_quote(scope, quote_id)
    company = scope.company(quote.company_id)
    if company.kind == CompanyKind.CLIENT:
        # Same words as the conversion service's own refusal.
        raise ConversionRefused(
            f"« {company.name} » est déjà client (N° client {company.client_number})."
        )
    if company.kind != CompanyKind.PROSPECT:
        raise ConversionRefused(f"« {company.name} » n'est pas un prospect.")
    if quote.step != SIGNED_STEP:
        raise ConversionRefused(
            f"Le compte client se crée depuis un devis à l'étape {step_label(SIGNED_STEP)}."
        )
    return quote, company


def _promotable_contact(company: Company, typed: dict | None = None) -> Contact | None:
    """A non-admin contact to offer as administrator when the prospect has none yet.

    With `typed`, only the contact of that name (the one the form was prefilled with).
    """
    query = company.contacts.where(Contact.is_admin == False)  # noqa: E712
    if typed is not None:
        name = fold(f"{clean_text(typed.get('last_name'))} {clean_text(typed.get('first_name'))}")
        query = query.where(Contact.search_name == name)
    return query.order_by(Contact.id).first()


def client_account_prefill(scope: Scope, quote_id: int) -> dict:
    """What the store already knows for the "Création du compte client" form.

    Returns {"billing": {...}, "ident": {...}, "admin": {...}, "versions": {...}}, the
    arguments `create_client_account` takes back (its error keys are 'section.field').
    """
    _, company = _signed_prospect_quote(scope, quote_id)
    record = load_prospect(scope, company.id)
    known = record.billing_values()
    billing = {name: known.get(name, "") for name in CLIENT_ACCOUNT_BILLING_FIELDS}
    billing["holder"] = billing["holder"] or company.name
    billing["payment_mode"] = billing["payment_mode"] or "Prélèvement"
    billing["payment_terms"] = billing["payment_terms"] or "À réception"
    billing["iban"] = format_iban(billing["iban"]) if billing["iban"] else ""
    versions = dict(record.versions)
    contact = record.admin
    if contact is None:
        contact = _promotable_contact(company)
        versions["admin"] = contact.lock_version if contact else 0
    admin = {
        name: getattr(contact, name) if contact else "" for name in CLIENT_ACCOUNT_ADMIN_FIELDS
    }
    if admin["phone"]:
        admin["phone"] = format_phone(admin["phone"])
    return {
        "billing": billing,
        "ident": {"siren": company.siren or "", "siret": company.siret or ""},
        "admin": admin,
        "versions": versions,
    }


def _clean_ident(data: dict) -> tuple[dict, dict]:
    errors: dict[str, str] = {}
    siren = clean_text(data.get("siren"))
    siret = clean_text(data.get("siret"))
    if siren:
        try:
            siren = validate_siren(siren)
        except FieldError as exc:
            errors["siren"] = exc.message
    if siret:
        try:
            siret = validate_siret(siret, siren=None if errors else siren or None)
        except FieldError as exc:
            errors["siret"] = exc.message
    if siret and not siren and not errors:
        siren = siret[:9]
    vat = tva_from_siren(siren) if siren and not errors else ""
    return {"siren": siren or None, "siret": siret or None, "vat_number": vat or None}, errors


def _billing_data(record, company: Company, data: dict) -> dict:
    """The form's billing fields, completed with what the guide's short form does not ask for."""
    known = record.billing_values()
    merged = {name: data.get(name, known.get(name, "")) for name in CLIENT_ACCOUNT_BILLING_FIELDS}
    merged["holder"] = clean_text(merged["holder"]) or company.name
    merged["payment_mode"] = clean_text(merged["payment_mode"]) or "Prélèvement"
    merged["payment_terms"] = clean_text(merged["payment_terms"]) or "À réception"
    merged["vat_regime"] = data.get("vat_regime") or known.get("vat_regime") or "Assujetti"
    merged["paper_invoice"] = data.get("paper_invoice", known.get("paper_invoice", False))
    # The address travels as a whole: a street from one source and a postcode from another
    # would make an address nobody wrote. Typed, else the billing point's, else the main site's.
    site = record.site
    from_site = (
        {
            "number": site.number,
            "street": site.street,
            "country": site.country,
            "postcode": site.postcode,
            "city": site.city,
        }
        if site
        else {}
    )
    source = next((s for s in (data, known, from_site) if clean_text(s.get("street"))), from_site)
    for name in ADDRESS_COLUMNS:
        merged[name] = source.get(name, "") or ""
    merged["country"] = merged["country"] or "France"
    return merged


def _prefixed(section: str, errors: dict) -> dict:
    return {f"{section}.{name}": message for name, message in errors.items()}


def _missing(part: str, name: str) -> str:
    return f"{FIELDS_BY_NAME[part][name].label} ({STEP_NAMES[part]})"


def _refusal(missing: list[str]) -> ConversionRefused:
    return ConversionRefused(
        "Transformation impossible, il manque ou est invalide : " + ", ".join(missing) + ".",
        missing,
    )


def create_client_account(
    scope: Scope,
    quote_id: int,
    billing_data: dict,
    identification: dict,
    admin_data: dict,
    versions: dict | None = None,
) -> str:
    """Enregistrer of "Créer le compte client": save the three sections and convert, all or nothing.

    Raises ValidationErrors keyed 'billing.x' / 'ident.x' / 'admin.x' (nothing written),
    ConversionRefused (the conversion's refusals, or step-1 data missing), ConcurrentEditError.
    Returns the new N° client.
    """
    versions = versions or {}
    quote, company = _signed_prospect_quote(scope, quote_id)
    record = load_prospect(scope, company.id)

    billing = _billing_data(record, company, billing_data)
    _, billing_errors = clean_billing(billing)
    ident, ident_errors = _clean_ident(identification)
    typed_admin = {name: admin_data.get(name, "") for name in CLIENT_ACCOUNT_ADMIN_FIELDS}
    promoted = None if record.admin else _promotable_contact(company, typed_admin)
    # Mobile and Fax are not on this form: keep what the administrator (or contact) has.
    kept = record.admin or promoted
    admin = {name: getattr(kept, name) for name in ("mobile", "fax")} if kept else {}
    admin.update(typed_admin)
    _, admin_errors = clean_admin(admin, phone_required=True)
    shown = {k: v for k, v in billing_errors.items() if k in CLIENT_ACCOUNT_BILLING_FIELDS}
    errors = {
        **_prefixed("billing", shown),
        **_prefixed("ident", ident_errors),
        **_prefixed("admin", admin_errors),
    }
    if errors:
        raise ValidationErrors(errors)

    # Step 1 (name and site) and the billing address are not on this form: report them the
    # way the conversion does, so the user knows to complete the prospect's fiche.
    _, company_errors = clean_company({**record.company_values(), "siren": "", "siret": ""})
    missing = [_missing("company", name) for name in company_errors]
    missing += [_missing("billing", name) for name in billing_errors if name not in shown]
    if missing:
        raise _refusal(missing)

    with atomic():
        _, company = _signed_prospect_quote(scope, quote_id)
        update_checked(
            Company,
            company.id,
            versions.get("company", company.lock_version),
            ident,
            scope.login,
        )
        try:
            billing_point = save_billing_step(
                scope, company.id, billing, _only(versions, "billing")
            )
        except ValidationErrors as exc:  # a typed RUM already used elsewhere
            raise ValidationErrors(_prefixed("billing", exc.errors)) from None
        # The guide's form marks Code rum as required: one is generated when left empty.
        assign_rum(billing_point.id, None, needed=True)
        admin_versions = _only(versions, "admin")
        if promoted is not None:
            admin_versions = _promote(scope, promoted, versions)
        try:
            save_admin_step(scope, company.id, admin, admin_versions, phone_required=True)
        except ValidationErrors as exc:
            raise ValidationErrors(_prefixed("admin", exc.errors)) from None
        number = convert_to_client(scope, company.id)
        audit.record(
            scope,
            "client_account_created",
            "quote",
            quote.id,
            company_id=company.id,
            client_number=number,
        )
        return number


def _only(versions: dict, key: str) -> dict:
    """Pass a step only its own record's version: the company's moves on at each step."""
    return {key: versions[key]} if versions.get(key) else {}


def _promote(scope: Scope, contact: Contact, versions: dict) -> dict:
    """Make the prefilled contact the administrator instead of recording the person twice."""
    version = update_checked(
        Contact,
        contact.id,
        versions.get("admin") or contact.lock_version,
        {"is_admin": True},
        scope.login,
    )
    return {"admin": version}
