"""The forms of both workflows: fields, French labels, required marks and their cleaning rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from db.core import text
from db.core import validation as v
from db.core.errors import FieldError
from db.core.models import BillingPoint, Company, Contact, Site

REQUIRED = "Ce champ est obligatoire."
DIRECT_DEBIT_REQUIRED = ("iban", "bic")  # required when Mode de Paiement is Prélèvement
NOT_IN_LIST = "Choisissez une valeur de la liste."


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    required: bool = False
    check: Callable[[str], object] | None = None
    choices: tuple[str, ...] = ()
    kind: str = "text"  # text | select | bool
    column: object = None  # the Peewee field it is stored in: its max_length is the limit
    multiline: bool = False

    @property
    def max_length(self) -> int | None:
        if self.column is None:
            return text.DEFAULT_MAX_LENGTH
        return text.column_limit(self.column)

    @property
    def caption(self) -> str:
        return f"{self.label} *" if self.required else self.label


COMPANY_FIELDS = (
    Field("name", "Raison sociale", required=True, column=Company.name),
    Field("siren", "SIREN", check=v.validate_siren, column=Company.siren),
    Field("siret", "SIRET", column=Company.siret),  # checked against the SIREN in clean_company
    Field("site_number", "n°", column=Site.number),
    Field("site_street", "Voie", required=True, column=Site.street),
    Field("site_postcode", "Code Postal", required=True, column=Site.postcode),
    Field("site_city", "Commune", required=True, column=Site.city),
    Field(
        "site_country",
        "Pays",
        required=True,
        choices=v.COUNTRIES,
        kind="select",
        column=Site.country,
    ),
)

BILLING_FIELDS = (
    Field("holder", "Titulaire du compte", required=True, column=BillingPoint.holder),
    Field(
        "email",
        "E-mail facturation",
        required=True,
        check=v.validate_email,
        column=BillingPoint.email,
    ),
    Field(
        "payment_mode",
        "Mode de Paiement",
        required=True,
        choices=v.PAYMENT_MODES,
        kind="select",
        column=BillingPoint.payment_mode,
    ),
    Field(
        "payment_terms",
        "Délais de paiement",
        required=True,
        choices=v.PAYMENT_TERMS,
        kind="select",
        column=BillingPoint.payment_terms,
    ),
    Field("payment_terms_days", "Autre"),
    Field(
        "vat_regime",
        "Régime de TVA",
        required=True,
        choices=v.VAT_REGIMES,
        kind="select",
        column=BillingPoint.vat_regime,
    ),
    Field("paper_invoice", "Envoyer la facture papier", kind="bool"),
    # Required for Prélèvement only (clean_billing; the form marks them * for that mode).
    Field("iban", "Iban", column=BillingPoint.iban),
    Field("bic", "Code Bic", column=BillingPoint.bic),
    Field("rum", "Code rum", check=v.validate_rum, column=BillingPoint.rum),
    Field("number", "n°", column=BillingPoint.number),
    Field("street", "Voie", required=True, column=BillingPoint.street),
    Field("building", "Bâtiment", column=BillingPoint.building),
    Field("floor", "Etage", column=BillingPoint.floor),
    Field("door", "Porte", column=BillingPoint.door),
    Field("staircase", "Escalier", column=BillingPoint.staircase),
    Field("complement", "Complement", column=BillingPoint.complement),
    Field(
        "country",
        "Pays",
        required=True,
        choices=v.COUNTRIES,
        kind="select",
        column=BillingPoint.country,
    ),
    Field("postcode", "Code Postal", required=True, column=BillingPoint.postcode),
    Field("city", "Commune de l'adresse", required=True, column=BillingPoint.city),
)

ADMIN_FIELDS = (
    Field(
        "civility",
        "Civilité",
        required=True,
        choices=v.CIVILITES,
        kind="select",
        column=Contact.civility,
    ),
    Field("last_name", "Nom", required=True, column=Contact.last_name),
    Field("first_name", "Prénom", required=True, column=Contact.first_name),
    Field("phone", "Téléphone", check=v.validate_phone, column=Contact.phone),
    Field("mobile", "Mobile", check=v.validate_mobile, column=Contact.mobile),
    Field("fax", "Fax", check=v.validate_phone, column=Contact.fax),
    Field("email", "E-mail", required=True, check=v.validate_email, column=Contact.email),
)

FIELDS_BY_NAME = {
    "company": {f.name: f for f in COMPANY_FIELDS},
    "billing": {f.name: f for f in BILLING_FIELDS},
    "admin": {f.name: f for f in ADMIN_FIELDS},
}


def _clean(fields, data: dict, required: set[str] = frozenset()) -> tuple[dict, dict]:
    values: dict = {}
    errors: dict[str, str] = {}
    for field in fields:
        raw = data.get(field.name, "")
        if field.kind == "bool":
            values[field.name] = bool(raw) and raw not in ("non", "0", "false")
            continue
        try:
            # The one text rule (db/core/text.py): controls, bidi, surrogates, length, NFC.
            raw = text.clean(raw, max_length=field.max_length, multiline=field.multiline)
        except FieldError as exc:
            errors[field.name] = exc.message
            continue
        if not raw:
            if field.required or field.name in required:
                errors[field.name] = REQUIRED
            values[field.name] = ""
            continue
        if field.choices and raw not in field.choices:
            errors[field.name] = NOT_IN_LIST
            continue
        try:
            values[field.name] = field.check(raw) if field.check else raw
        except FieldError as exc:
            errors[field.name] = exc.message
    return values, errors


def _check(values: dict, errors: dict, name: str, rule: Callable[[], object]) -> None:
    """Run a cross-field rule on `name` unless that field already has an error."""
    if name in errors or not values.get(name):
        return
    try:
        values[name] = rule()
    except FieldError as exc:
        errors[name] = exc.message


def clean_company(data: dict) -> tuple[dict, dict]:
    values, errors = _clean(COMPANY_FIELDS, data)
    siren = values.get("siren") if "siren" not in errors else None
    _check(values, errors, "siret", lambda: v.validate_siret(values["siret"], siren=siren or None))
    if not siren and values.get("siret") and "siret" not in errors:
        values["siren"] = values["siret"][:9]
    country = values.get("site_country") or "France"
    _check(
        values,
        errors,
        "site_postcode",
        lambda: v.validate_postcode(values["site_postcode"], country),
    )
    values["vat_number"] = v.tva_from_siren(values["siren"]) if values.get("siren") else ""
    return values, errors


def clean_billing(data: dict, *, rum_required: bool = False) -> tuple[dict, dict]:
    values, errors = _clean(BILLING_FIELDS, data, {"rum"} if rum_required else set())
    direct_debit = values.get("payment_mode") == "Prélèvement"
    if values.get("payment_terms") == "Autres":
        if not values.get("payment_terms_days"):
            errors.setdefault("payment_terms_days", REQUIRED)
        _check(
            values,
            errors,
            "payment_terms_days",
            lambda: v.validate_days(values["payment_terms_days"]),
        )
    else:
        values["payment_terms_days"] = None
    _check(
        values, errors, "iban", lambda: v.validate_iban(values["iban"], sepa_required=direct_debit)
    )
    iban = values.get("iban") if "iban" not in errors else None
    if iban and not values.get("bic") and "bic" not in errors:
        values["bic"] = v.bic_from_iban(iban) or ""
    if direct_debit:
        for name in DIRECT_DEBIT_REQUIRED:
            if not values.get(name) and name not in errors:
                errors[name] = REQUIRED
    _check(values, errors, "bic", lambda: v.validate_bic(values["bic"], iban=iban))
    country = values.get("country") or "France"
    _check(values, errors, "postcode", lambda: v.validate_postcode(values["postcode"], country))
    return values, errors


def clean_admin(data: dict, *, phone_required: bool = False) -> tuple[dict, dict]:
    return _clean(ADMIN_FIELDS, data, {"phone"} if phone_required else set())
