"""ICS check digits and RUM generation (db/documents/sepa.py)."""

from __future__ import annotations

import datetime
import random
import re

import pytest
from stdnum.eu import at_02

from db.core.errors import FieldError
from db.documents.sepa import (
    RUM_MAX_LENGTH,
    RUM_PREFIX_MAX_LENGTH,
    RUM_SEQ_MAX,
    generate_rum,
    ics_check_digits,
    validate_ics,
)

# Local copy of the SEPA rule for these tests only (db/core/validation.py owns the real one):
# charset of the spec, at most 35 characters, no special character first or last.
_RUM_RE = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9/\-?:().,'+]{0,33}[A-Za-z0-9])?")


def _check_by_hand(digits: str) -> str:
    """ISO 7064 mod 97-10 on an already letter-converted string, with plain int arithmetic."""
    return f"{98 - int(digits) % 97:02d}"


# ---------------------------------------------------------------- ICS


def test_demo_ics_check_digits_by_independent_calculation():
    # national id 123456, then F=15 R=27 and "00"; the business code ZZZ is not part of it.
    assert int("123456152700") % 97 == 26
    assert _check_by_hand("123456152700") == "72"
    assert ics_check_digits("123456") == "72"
    assert validate_ics("FR72ZZZ123456") == "FR72ZZZ123456"


def test_alphanumeric_national_id_by_independent_calculation():
    # national id "5A7B9C": A=10, B=11, C=12; then FR00 -> 152700.
    digits = "5" + "10" + "7" + "11" + "9" + "12" + "152700"
    expected = _check_by_hand(digits)
    assert ics_check_digits("5A7B9C") == expected
    assert validate_ics(f"FR{expected}ZZZ5A7B9C") == f"FR{expected}ZZZ5A7B9C"


def test_published_examples_of_other_countries():
    # EPC's German example and python-stdnum's Spanish one: same algorithm, other forms.
    assert ics_check_digits("09999999999", "DE") == "98"
    assert ics_check_digits("47690558N", "ES") == "23"


@pytest.mark.parametrize(
    "national_id", ["123456", "000001", "999999", "5A7B9C", "ZZZZZZ", "A00B11"]
)
def test_agrees_with_python_stdnum(national_id):
    ics = f"FR{ics_check_digits(national_id)}ZZZ{national_id}"
    assert at_02.is_valid(ics)
    assert validate_ics(ics) == ics


def test_business_code_does_not_change_check_digits():
    for code in ("ZZZ", "ABC", "001", "9Z9"):
        assert validate_ics(f"FR72{code}123456") == f"FR72{code}123456"


def test_validate_normalizes_case_and_spaces():
    assert validate_ics("  fr72 zzz 123 456 ") == "FR72ZZZ123456"


@pytest.mark.parametrize(
    "altered",
    [
        "FR73ZZZ123456",  # check digits changed
        "FR27ZZZ123456",  # check digits swapped
        "FR72ZZZ123457",  # last digit of the national id changed
        "FR72ZZZ124356",  # two digits of the national id swapped
        "FR72ZZZ12345A",  # digit replaced by a letter
    ],
)
def test_altered_identifiers_are_refused(altered):
    with pytest.raises(FieldError, match=r"^Identifiant créancier SEPA \(ICS\) invalide : "):
        validate_ics(altered)


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "   ",
        "FR72ZZZ12345",  # national id too short
        "FR72ZZZ1234567",  # too long
        "DE98ZZZ09999999999",  # valid, but not the French form
        "FR7AZZZ123456",  # check digits not numeric
        "FR72ZZ-123456",  # non-alphanumeric business code
        "FR72ZZZ12345É",
    ],
)
def test_malformed_identifiers_are_refused(bad):
    with pytest.raises(FieldError) as info:
        validate_ics(bad)
    assert info.value.message.startswith("Identifiant créancier SEPA (ICS) invalide : ")


def test_every_single_digit_substitution_is_detected():
    base = "123456"
    for pos in range(len(base)):
        for digit in "0123456789":
            if digit == base[pos]:
                continue
            altered = base[:pos] + digit + base[pos + 1 :]
            with pytest.raises(FieldError):
                validate_ics(f"FR72ZZZ{altered}")


def test_check_digits_refuse_garbage_input():
    with pytest.raises(ValueError):
        ics_check_digits("")
    with pytest.raises(ValueError):
        ics_check_digits("12-456")
    with pytest.raises(ValueError):
        ics_check_digits("123456", "F1")


# ---------------------------------------------------------------- RUM

DAY = datetime.date(2024, 3, 5)


def test_rum_shape():
    rum = generate_rum("rev01", 1743, DAY, random.Random(1))
    assert re.fullmatch(r"MOIP-REV01-20240305-00001743-[A-Z2-7]{4}", rum)
    assert _RUM_RE.fullmatch(rum)


def test_rum_is_reproducible_with_a_seeded_random():
    assert generate_rum("A", 1, DAY, random.Random(7)) == generate_rum(
        "A", 1, DAY, random.Random(7)
    )


def test_empty_prefix_leaves_no_empty_segment():
    rum = generate_rum("", 5, DAY, random.Random(1))
    assert rum.startswith("MOIP-20240305-00000005-")
    assert "--" not in rum


def test_prefix_is_folded_to_upper_ascii_alnum():
    rum = generate_rum(" Télé-Com ", 5, DAY, random.Random(1))
    assert rum.startswith("MOIP-TELECOM-20240305-")


def test_length_bound_holds_for_the_largest_inputs():
    rum = generate_rum("Z" * RUM_PREFIX_MAX_LENGTH, RUM_SEQ_MAX, datetime.date.max)
    assert len(rum) == RUM_MAX_LENGTH == 35
    assert _RUM_RE.fullmatch(rum)
    rum = generate_rum("", 0, datetime.date.min)
    assert rum.startswith("MOIP-00010101-00000000-")
    assert _RUM_RE.fullmatch(rum)


def test_overflow_is_refused_not_truncated():
    with pytest.raises(ValueError):
        generate_rum("Z" * (RUM_PREFIX_MAX_LENGTH + 1), 1, DAY)
    with pytest.raises(ValueError):
        generate_rum("A", RUM_SEQ_MAX + 1, DAY)
    with pytest.raises(ValueError):
        generate_rum("A", -1, DAY)
    with pytest.raises(ValueError):
        generate_rum("A", True, DAY)
    with pytest.raises(ValueError):
        generate_rum("A", "12", DAY)  # type: ignore[arg-type]


def test_ten_thousand_rums_are_valid_and_unique():
    rng = random.Random(2024)
    prefixes = ["", "A", "rev01", "ÉLÉCTRO", "Z" * RUM_PREFIX_MAX_LENGTH]
    rums = []
    for seq in range(10_000):
        when = datetime.date(2019, 7, 16) + datetime.timedelta(days=seq % 3000)
        rum = generate_rum(prefixes[seq % len(prefixes)], seq * 9973 % (RUM_SEQ_MAX + 1), when, rng)
        assert len(rum) <= RUM_MAX_LENGTH
        assert _RUM_RE.fullmatch(rum), rum
        assert "//" not in rum
        rums.append(rum)
    assert len(set(rums)) == len(rums)


def test_default_random_source_differs_between_calls():
    rums = {generate_rum("A", 1, DAY) for _ in range(50)}
    assert len(rums) > 1


def test_rum_is_not_derived_from_the_iban():
    iban = "FR7630006000011234567890189"
    rum = generate_rum("REV01", 1743, DAY, random.Random(3))
    compact = rum.replace("-", "")
    assert iban not in compact
    # Not even a recognisable piece of it: the bank code, branch code or account number.
    for piece in ("30006", "00001", "12345678901", "189"):
        assert piece not in rum.split("-")
    assert "iban" not in generate_rum.__code__.co_varnames
