"""SEPA direct debit: creditor identifier (ICS) check digits and mandate references (RUM)."""

from __future__ import annotations

import datetime
import random
import re
import unicodedata

from db.core.errors import FieldError

# French ICS: FR + 2 check digits + 3-char business code (ZZZ unless the creditor chose one)
# + 6-char national identifier allotted by the Banque de France.
_ICS_FR_RE = re.compile(r"FR(\d{2})([A-Z0-9]{3})([A-Z0-9]{6})")

RUM_MAX_LENGTH = 35
RUM_PREFIX_MAX_LENGTH = 7
RUM_SEQ_MAX = 99_999_999
# RFC 4648 base32: upper-case letters and digits only, so it is safe in the SEPA charset and
# avoids 0/1 look-alikes when a RUM is read over the phone.
_RUM_RANDOM_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_RUM_RANDOM_LENGTH = 4


def _to_digits(text: str) -> str:
    """Letters become 10..35 as in ISO 13616 (IBAN); digits are kept."""
    return "".join(str(int(ch, 36)) for ch in text)


def ics_check_digits(national_id: str, country: str = "FR") -> str:
    """Two check digits of a creditor identifier (EPC262-08), computed like an IBAN's.

    The business code is deliberately left out: a creditor may change it (e.g. per activity)
    without the identifier's check digits changing.
    """
    national_id = "".join(national_id.split()).upper()
    country = country.strip().upper()
    if not national_id or not national_id.isascii() or not national_id.isalnum():
        raise ValueError(f"identifiant national invalide : {national_id!r}")
    if len(country) != 2 or not country.isascii() or not country.isalpha():
        raise ValueError(f"code pays invalide : {country!r}")
    remainder = int(_to_digits(national_id + country + "00")) % 97
    return f"{98 - remainder:02d}"


def validate_ics(value: str) -> str:
    """Normalized French ICS (upper case, no spaces), or FieldError with a French message."""
    compact = "".join((value or "").split()).upper()
    prefix = "Identifiant créancier SEPA (ICS) invalide : "
    if not compact:
        raise FieldError(prefix + "valeur vide.")
    match = _ICS_FR_RE.fullmatch(compact)
    if match is None:
        raise FieldError(
            prefix + "format attendu FR + 2 chiffres de contrôle + code activité (3 caractères, "
            "souvent ZZZ) + identifiant national (6 caractères), par exemple FR72ZZZ123456."
        )
    check, _business, national = match.groups()
    expected = ics_check_digits(national, "FR")
    if check != expected:
        raise FieldError(prefix + "la clé de contrôle ne correspond pas (vérifiez la saisie).")
    return compact


def _normalize_prefix(prefix: str) -> str:
    # Accents are folded rather than dropped so "Télécom" stays recognisable as "TELECOM".
    folded = unicodedata.normalize("NFKD", prefix or "")
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return "".join(ch for ch in folded.upper() if ch.isascii() and ch.isalnum())


def generate_rum(
    prefix: str,
    seq: int,
    when: datetime.date,
    rand: random.Random | None = None,
) -> str:
    """New mandate reference `MOIP-<PREFIX>-<YYYYMMDD>-<SEQ>-<XXXX>` (at most 35 characters).

    The IBAN is not an input on purpose: a RUM must stay valid when the debtor changes bank
    account, and must not leak the account number onto every direct-debit statement.
    Every part has a fixed maximum width, so the result never needs truncating; inputs that
    would not fit are refused instead (a truncated reference could collide with another one).
    """
    if isinstance(seq, bool) or not isinstance(seq, int):
        raise ValueError(f"numéro de séquence invalide : {seq!r}")
    if not 0 <= seq <= RUM_SEQ_MAX:
        raise ValueError(f"numéro de séquence hors limites (0 à {RUM_SEQ_MAX}) : {seq}")
    if not isinstance(when, datetime.date):
        raise ValueError(f"date invalide : {when!r}")
    code = _normalize_prefix(prefix)
    if len(code) > RUM_PREFIX_MAX_LENGTH:
        raise ValueError(
            f"préfixe de RUM trop long ({len(code)} caractères après normalisation, "
            f"{RUM_PREFIX_MAX_LENGTH} au plus) : {prefix!r}"
        )
    # SystemRandom by default: RUMs of different databases should not follow one seeded stream.
    rng = rand if rand is not None else random.SystemRandom()
    suffix = "".join(rng.choice(_RUM_RANDOM_ALPHABET) for _ in range(_RUM_RANDOM_LENGTH))
    # Zero-padded explicitly: strftime("%Y") does not pad years below 1000 on every platform.
    day = f"{when.year:04d}{when.month:02d}{when.day:02d}"
    parts = (
        ["MOIP", code, day, f"{seq:08d}", suffix] if code else ["MOIP", day, f"{seq:08d}", suffix]
    )
    rum = "-".join(parts)
    assert len(rum) <= RUM_MAX_LENGTH, rum
    return rum
