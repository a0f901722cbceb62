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

from db.core import text as _text
from db.core.errors import FieldError

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
    # The text rule (controls, bidi, surrogates; NFC) even when a validator is called alone;
    # the length is the form field's, checked by db.core.forms.
    text = _text.clean(value, max_length=None)
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


def _ascii_digits(text: str, what: str) -> str:
    """Refuse digits of other scripts (stdnum would turn '７' into '7', Python takes '٣')."""
    bad = next((c for c in text if c.isdigit() and not c.isascii()), None)
    if bad:
        raise FieldError(
            f"{what} ne doit contenir que les chiffres 0 à 9 (« {bad} » n'en est pas un)."
        )
    return text


def validate_siren(value: str) -> str:
    try:
        number = _siren.validate(_ascii_digits(require(value), "Le SIREN"))
    except InvalidChecksum:
        raise FieldError("Le SIREN est invalide (clé de contrôle incorrecte).") from None
    except ValidationError:
        raise FieldError("Le SIREN doit compter 9 chiffres.") from None
    # The Luhn key of 000000000 is right, but INSEE gives no such number.
    if not number.strip("0"):
        raise FieldError("Le SIREN 000 000 000 n'existe pas.")
    return number


def validate_siret(value: str, *, siren: str | None = None) -> str:
    try:
        number = _siret.validate(_ascii_digits(require(value), "Le SIRET"))
    except InvalidChecksum:
        raise FieldError("Le SIRET est invalide (clé de contrôle incorrecte).") from None
    except ValidationError:
        raise FieldError("Le SIRET doit compter 14 chiffres.") from None
    if not number[:9].strip("0"):
        raise FieldError("Le SIRET ne peut pas commencer par le SIREN 000 000 000.")
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
    ("characters: '@'", "un seul « @ » est permis"),
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


PHONE_INVALID = "Numéro de téléphone invalide (ex. 01 84 78 78 80)."
MOBILE_INVALID = "Ce numéro n'est pas un mobile : indiquez un portable (ex. 06 12 34 56 78)."
# Overseas departments and collectivities dial 0 + 9 digits like mainland France but have
# their own country codes (Réunion/Mayotte +262, Guadeloupe/Saint-Barthélemy/Saint-Martin +590,
# Guyane +594, Martinique +596, Saint-Pierre-et-Miquelon +508): a national number is tried
# for each of them after FR.
FRENCH_REGIONS = ("FR", "RE", "YT", "GP", "MQ", "GF", "PM", "BL", "MF")
_FRENCH_CODES = frozenset(phonenumbers.country_code_for_region(region) for region in FRENCH_REGIONS)
_MOBILE_TYPES = (
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
)
# phonenumbers turns letters into keypad digits, which would accept "01 84 AB CD EF", and
# takes digits of every script: only 0-9, blanks and + ( ) . - / are allowed.
_PHONE_CHARS = re.compile(r"[0-9\s+().\-/]+")


def _parse_phone(value: str):
    text = require(value)
    if not _PHONE_CHARS.fullmatch(text):
        raise FieldError(PHONE_INVALID)
    for region in FRENCH_REGIONS:
        try:
            number = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            raise FieldError(PHONE_INVALID) from None
        if phonenumbers.is_valid_number(number):
            return number
        if text.lstrip().startswith(("+", "00")):
            break  # an international number does not depend on the region tried
    raise FieldError(PHONE_INVALID)


def validate_phone(value: str) -> str:
    """Any valid number (French, overseas or foreign), stored as E.164."""
    number = _parse_phone(value)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_mobile(value: str) -> str:
    """A mobile number only (06, 07, their overseas equivalents, foreign mobiles), as E.164."""
    number = _parse_phone(value)
    if phonenumbers.number_type(number) not in _MOBILE_TYPES:
        raise FieldError(MOBILE_INVALID)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def format_phone(e164: str) -> str:
    text = clean_text(e164)
    try:
        number = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException:
        return text
    style = phonenumbers.PhoneNumberFormat
    return phonenumbers.format_number(
        number, style.NATIONAL if number.country_code in _FRENCH_CODES else style.INTERNATIONAL
    )


# Postcodes of the form's countries that are only digits, by their count.
_POSTCODE_DIGITS = {
    "France": 5,
    "Monaco": 5,
    "Allemagne": 5,
    "Espagne": 5,
    "Italie": 5,
    "Belgique": 4,
    "Suisse": 4,
}
_POSTCODE_CHARS = re.compile(r"[A-Za-z0-9]+(?:[ -][A-Za-z0-9]+)*")


def validate_postcode(value: str, country: str = "France") -> str:
    text = require(value)
    digits = _POSTCODE_DIGITS.get(country)
    if country == "France":
        if not re.fullmatch(r"[0-9]{5}", text):
            raise FieldError("Le code postal doit compter 5 chiffres.")
    elif len(text) > 10:
        raise FieldError("Le code postal ne doit pas dépasser 10 caractères.")
    elif digits and not re.fullmatch(f"[0-9]{{{digits}}}", text):
        raise FieldError(
            f"Le code postal doit compter {digits} chiffres pour {country_name(country)}."
        )
    elif not _POSTCODE_CHARS.fullmatch(text):
        raise FieldError(
            "Le code postal ne peut contenir que des lettres sans accent, des chiffres, "
            "des espaces et des tirets."
        )
    return text


def country_name(country: str) -> str:
    """'la Belgique' for 'Belgique' (used in "pour ..." messages)."""
    return _COUNTRY_NAMES.get(COUNTRY_CODES.get(country, ""), country)


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
    text = clean_text(value).lstrip("0")
    # Length first: int() of thousands of digits is refused by Python itself.
    if not (text.isascii() and text.isdigit() and len(text) <= 3 and 1 <= int(text) <= 120):
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
