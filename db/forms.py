"""The forms of both workflows: fields, French labels, required marks and their cleaning rules."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from db import validation as v
from db.errors import FieldError

REQUIRED = "Ce champ est obligatoire."
NOT_IN_LIST = "Choisissez une valeur de la liste."


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    required: bool = False
    check: Callable[[str], object] | None = None
    choices: tuple[str, ...] = ()
    kind: str = "text"  # text | select | bool

    @property
    def caption(self) -> str:
        return f"{self.label} *" if self.required else self.label


COMPANY_FIELDS = (
    Field("name", "Raison sociale", required=True),
    Field("siren", "SIREN", check=v.validate_siren),
    Field("siret", "SIRET"),  # checked against the SIREN in clean_company
    Field("site_number", "n°"),
    Field("site_street", "Voie", required=True),
    Field("site_postcode", "Code Postal", required=True),
    Field("site_city", "Commune", required=True),
    Field("site_country", "Pays", required=True, choices=v.COUNTRIES, kind="select"),
)

BILLING_FIELDS = (
    Field("holder", "Titulaire du compte", required=True),
    Field("email", "E-mail facturation", required=True, check=v.validate_email),
    Field(
        "payment_mode", "Mode de Paiement", required=True, choices=v.PAYMENT_MODES, kind="select"
    ),
    Field(
        "payment_terms", "Délais de paiement", required=True, choices=v.PAYMENT_TERMS, kind="select"
    ),
    Field("payment_terms_days", "Autre"),
    Field("vat_regime", "Régime de TVA", required=True, choices=v.VAT_REGIMES, kind="select"),
    Field("paper_invoice", "Envoyer la facture papier", kind="bool"),
    Field("iban", "Iban", required=True),
    Field("bic", "Code Bic", required=True),
    Field("rum", "Code rum", check=v.validate_rum),
    Field("number", "n°"),
    Field("street", "Voie", required=True),
    Field("building", "Bâtiment"),
    Field("floor", "Etage"),
    Field("door", "Porte"),
    Field("staircase", "Escalier"),
    Field("complement", "Complement"),
    Field("country", "Pays", required=True, choices=v.COUNTRIES, kind="select"),
    Field("postcode", "Code Postal", required=True),
    Field("city", "Commune de l'adresse", required=True),
)

ADMIN_FIELDS = (
    Field("civility", "Civilité", required=True, choices=v.CIVILITES, kind="select"),
    Field("last_name", "Nom", required=True),
    Field("first_name", "Prénom", required=True),
    Field("phone", "Téléphone", check=v.validate_phone),
    Field("mobile", "Mobile", check=v.validate_phone),
    Field("fax", "Fax", check=v.validate_phone),
    Field("email", "E-mail", required=True, check=v.validate_email),
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
        raw = str(raw if raw is not None else "").strip()
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
    if iban and not values.get("bic") and "bic" in errors:
        known = v.bic_from_iban(iban)
        if known:
            values["bic"] = known
            del errors["bic"]
    _check(values, errors, "bic", lambda: v.validate_bic(values["bic"], iban=iban))
    country = values.get("country") or "France"
    _check(values, errors, "postcode", lambda: v.validate_postcode(values["postcode"], country))
    return values, errors


def clean_admin(data: dict, *, phone_required: bool = False) -> tuple[dict, dict]:
    return _clean(ADMIN_FIELDS, data, {"phone"} if phone_required else set())
