"""Made-up but valid French identifiers for the demo book: SIREN, SIRET, VAT number, IBAN and BIC.

Computed directly rather than with python-stdnum and schwifty, which cost far more per call at
100,000 companies; tests/pg/test_seed.py checks that both give the same.
"""

from __future__ import annotations

import random

from schwifty import IBAN

BANKS = ("30004", "30003", "30002", "10278", "20041", "11315", "18206")


# Luhn doubling of one digit (2d, minus 9 above 9), for the bulk generators below.
_LUHN_DOUBLE = (0, 2, 4, 6, 8, 1, 3, 5, 7, 9)


def luhn_check_digit(base: str) -> str:
    """stdnum.luhn.calc_check_digit for a string of digits, without its per-call overhead."""
    total = 0
    for i, char in enumerate(reversed(base)):
        digit = ord(char) - 48
        total += _LUHN_DOUBLE[digit] if i % 2 == 0 else digit
    return str(-total % 10)


def random_siren(rng: random.Random) -> str:
    base = f"{rng.randrange(10_000_000, 99_999_999):08d}"
    return base + luhn_check_digit(base)


def random_siret(rng: random.Random, siren: str) -> str:
    base = siren + f"{rng.randrange(1, 999):04d}"
    return base + luhn_check_digit(base)


def tva_from_valid_siren(siren: str) -> str:
    """db.core.validation.tva_from_siren for a SIREN known to be valid (key = SIREN·100 + 12 mod 97)."""
    return f"FR{int(siren + '12') % 97:02d}{siren}"


_BANK_BICS: dict[str, str] = {}


def _bank_bic(bank: str) -> str:
    """The BIC schwifty's bank registry gives a French bank code (looked up once per bank)."""
    bic = _BANK_BICS.get(bank)
    if bic is None:
        iban = IBAN.generate("FR", bank_code=bank, account_code="0" * 11)
        bic = _BANK_BICS[bank] = str(iban.bic or "BNPAFRPP")
    return bic


def french_iban(bank: str, branch: str, account: str) -> str:
    """A valid French IBAN: RIB key (97 - (89·bank + 15·branch + 3·account) mod 97) and ISO 7064
    check digits (FR = 15 27), computed directly; for numeric codes it equals schwifty's
    IBAN.generate, at a hundredth of the cost (tests/pg/test_seed.py compares them)."""
    rib_key = 97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97
    bban = f"{bank}{branch}{account}{rib_key:02d}"
    return f"FR{98 - int(bban + '152700') % 97:02d}{bban}"


def random_iban(rng: random.Random) -> tuple[str, str]:
    """(IBAN, BIC) of a random account at one of BANKS (branch 00000, as IBAN.generate makes)."""
    bank = rng.choice(BANKS)
    return french_iban(bank, "00000", f"{rng.randrange(10**10):011d}"), _bank_bic(bank)
