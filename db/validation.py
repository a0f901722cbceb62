"""Field rules of the forms: each validator cleans a value or raises FieldError in French."""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Callable

import phonenumbers
from email_validator import EmailNotValidError
from email_validator import validate_email as _check_email
from schwifty import BIC, IBAN
from schwifty.exceptions import (
    InvalidBBANChecksum,
    InvalidChecksumDigits,
    InvalidCountryCode,
    InvalidLength,
    NationalChecksumNotVerified,
    SchwiftyException,
)
from schwifty.registry import get_iban_spec
from stdnum.exceptions import InvalidChecksum, ValidationError
from stdnum.fr import siren as _siren
from stdnum.fr import siret as _siret
from stdnum.fr import tva as _tva

from db.errors import FieldError

PAYMENT_MODES = ("Prélèvement", "Virement", "Chèque")
PAYMENT_TERMS = ("À réception", "30 jours", "45 jours fin de mois", "60 jours", "Autres")
VAT_REGIMES = ("Assujetti", "Non assujetti", "Exonéré")
CIVILITES = ("Monsieur", "Madame")
COUNTRY_CODES = {
    "France": "FR",
    "Belgique": "BE",
    "Luxembourg": "LU",
    "Suisse": "CH",
    "Monaco": "MC",
    "Allemagne": "DE",
    "Espagne": "ES",
    "Italie": "IT",
}
COUNTRIES = tuple(COUNTRY_CODES)

# Used in "pour la France" style messages; other countries fall back to their ISO code.
_COUNTRY_NAMES = {
    "FR": "la France",
    "BE": "la Belgique",
    "LU": "le Luxembourg",
    "CH": "la Suisse",
    "MC": "Monaco",
    "DE": "l'Allemagne",
    "ES": "l'Espagne",
    "IT": "l'Italie",
}
_SPACES = re.compile(r"\s+")


def clean_text(value: object) -> str:
    return "" if value is None else str(value).strip()


def require(value: object, label: str | None = None) -> str:
    text = clean_text(value)
    if not text:
        raise FieldError(
            f"Le champ « {label} » est obligatoire." if label else "Ce champ est obligatoire."
        )
    return text


def optional(validator: Callable[..., object]) -> Callable[..., object]:
    @functools.wraps(validator)
    def wrapper(value: object, *args: object, **kwargs: object) -> object:
        return validator(value, *args, **kwargs) if clean_text(value) else ""

    return wrapper


def _compact(value: object) -> str:
    return _SPACES.sub("", clean_text(value)).upper()


def validate_iban(value: str, *, sepa_required: bool = False) -> str:
    compact = _compact(require(value))
    if not re.fullmatch(r"[A-Z0-9]+", compact):
        raise FieldError("L'IBAN ne doit contenir que des lettres et des chiffres.")
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", compact):
        raise FieldError("L'IBAN doit commencer par le code pays et la clé (ex. FR76…).")
    country = compact[:2]
    try:
        # Countries without a known national key algorithm only warn; nothing to tell the user.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NationalChecksumNotVerified)
            iban = IBAN(compact, validate_bban=True)
    except InvalidCountryCode:
        raise FieldError(f"Le code pays « {country} » de l'IBAN est inconnu.") from None
    except InvalidLength:
        length = get_iban_spec(country).iban_length
        name = _COUNTRY_NAMES.get(country, f"ce pays ({country})")
        raise FieldError(f"L'IBAN doit compter {length} caractères pour {name}.") from None
    except InvalidChecksumDigits:
        raise FieldError("La clé de contrôle de l'IBAN est incorrecte.") from None
    except InvalidBBANChecksum:
        if country in ("FR", "MC"):
            raise FieldError(
                "Le RIB contenu dans l'IBAN est invalide (clé RIB incorrecte)."
            ) from None
        raise FieldError(
            "Le numéro de compte contenu dans l'IBAN est invalide (clé nationale incorrecte)."
        ) from None
    except SchwiftyException:
        raise FieldError("Le format de l'IBAN ne correspond pas à celui de son pays.") from None
    if sepa_required and not iban.in_sepa_zone:
        raise FieldError("Le prélèvement SEPA exige un IBAN d'un pays de la zone SEPA.")
    return str(iban)


def format_iban(compact: str) -> str:
    compact = _compact(compact)
    return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))


def mask_iban(compact: str) -> str:
    compact = _compact(compact)
    if len(compact) > 8:
        compact = compact[:4] + "*" * (len(compact) - 8) + compact[-4:]
    return format_iban(compact)


def _same_bank_country(bic_country: str, iban_country: str) -> bool:
    if bic_country == iban_country:
        return True
    # French overseas territories have their own BIC country but FR-prefixed IBANs.
    try:
        return get_iban_spec(bic_country).iban_spec.startswith(iban_country)
    except InvalidCountryCode:
        return False


def validate_bic(value: str, *, iban: str | None = None) -> str:
    try:
        bic = BIC(_compact(require(value)))
    except SchwiftyException:
        raise FieldError("Le code BIC est invalide.") from None
    iban_country = _compact(iban)[:2]
    if iban_country and not _same_bank_country(bic.country_code, iban_country):
        raise FieldError(
            f"Le code BIC (pays {bic.country_code}) ne correspond pas au pays de l'IBAN ({iban_country})."
        )
    return str(bic)


def bic_from_iban(compact_iban: str) -> str | None:
    try:
        bic = IBAN(_compact(compact_iban)).bic
    except SchwiftyException:
        return None
    return str(bic) if bic else None


def validate_siren(value: str) -> str:
    try:
        return _siren.validate(require(value))
    except InvalidChecksum:
        raise FieldError("Le SIREN est invalide (clé de contrôle incorrecte).") from None
    except ValidationError:
        raise FieldError("Le SIREN doit compter 9 chiffres.") from None


def validate_siret(value: str, *, siren: str | None = None) -> str:
    try:
        number = _siret.validate(require(value))
    except InvalidChecksum:
        raise FieldError("Le SIRET est invalide (clé de contrôle incorrecte).") from None
    except ValidationError:
        raise FieldError("Le SIRET doit compter 14 chiffres.") from None
    expected = _siren.compact(clean_text(siren))
    if expected and not number.startswith(expected):
        raise FieldError(f"Le SIRET doit commencer par le SIREN ({format_siren(expected)}).")
    return number


def tva_from_siren(siren: str) -> str:
    return "FR" + _tva.validate(_siren.to_tva(validate_siren(siren)))


def format_siren(value: str) -> str:
    number = _siren.compact(clean_text(value))
    return _siren.format(number) if number else ""


def format_siret(value: str) -> str:
    number = _siret.compact(clean_text(value))
    return _siret.format(number) if number else ""


# email-validator explains in English; the first matching fragment gives the French reason.
_EMAIL_REASONS = (
    ("must have an @-sign", "il manque le « @ »"),
    ("something before the @-sign", "rien avant le « @ »"),
    ("something after the @-sign", "rien après le « @ »"),
    ("two periods in a row", "deux points qui se suivent"),
    ("SPACE", "les espaces sont interdites"),
    ("too long", "adresse trop longue"),
    ("after the @-sign", "nom de domaine incorrect"),
    ("period", "point mal placé"),
    ("invalid character", "caractère non autorisé"),
)


def validate_email(value: str) -> str:
    try:
        return _check_email(require(value), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        text = str(exc)
        reason = next((fr for en, fr in _EMAIL_REASONS if en in text), "format incorrect")
        raise FieldError(f"L'adresse e-mail est invalide : {reason}.") from None


def validate_phone(value: str) -> str:
    text = require(value)
    error = FieldError("Numéro de téléphone invalide (ex. 01 84 78 78 80).")
    # phonenumbers turns letters into keypad digits, which would accept "01 84 AB CD EF".
    if not re.fullmatch(r"[\d\s+().\-/]+", text):
        raise error
    try:
        number = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException:
        raise error from None
    if not phonenumbers.is_valid_number(number):
        raise error
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    text = clean_text(e164)
    try:
        number = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException:
        return text
    style = phonenumbers.PhoneNumberFormat
    return phonenumbers.format_number(
        number, style.NATIONAL if number.country_code == 33 else style.INTERNATIONAL
    )


def validate_postcode(value: str, country: str = "France") -> str:
    text = require(value)
    if country == "France":
        if not re.fullmatch(r"\d{5}", text):
            raise FieldError("Le code postal doit compter 5 chiffres.")
    elif len(text) > 10:
        raise FieldError("Le code postal ne doit pas dépasser 10 caractères.")
    return text


_RUM_SPECIALS = "/-?:().,'+"


def validate_rum(value: str) -> str:
    text = require(value)
    if len(text) > 35:
        raise FieldError("La RUM ne doit pas dépasser 35 caractères.")
    if " " in text:
        raise FieldError("La RUM ne doit pas contenir d'espace.")
    bad = next(
        (c for c in text if not (c.isascii() and c.isalnum()) and c not in _RUM_SPECIALS), None
    )
    if bad:
        raise FieldError(
            f"La RUM contient un caractère non autorisé (« {bad} ») : "
            f"lettres sans accent, chiffres et {' '.join(_RUM_SPECIALS)} uniquement."
        )
    if text[0] in _RUM_SPECIALS or text[-1] in _RUM_SPECIALS:
        raise FieldError("La RUM doit commencer et finir par une lettre ou un chiffre.")
    return text


def validate_days(value: str) -> int:
    text = clean_text(value)
    if not (text.isascii() and text.isdigit() and 1 <= int(text) <= 120):
        raise FieldError("Indiquez un nombre de jours entre 1 et 120.")
    return int(text)


def validate_form(
    rules: dict[str, Callable[[str], object]], data: dict[str, str]
) -> tuple[dict[str, object], dict[str, str]]:
    cleaned: dict[str, object] = {}
    errors: dict[str, str] = {}
    for name, rule in rules.items():
        try:
            cleaned[name] = rule(data.get(name, ""))
        except FieldError as exc:
            errors[name] = exc.message
    return cleaned, errors
