"""IBAN masking (db.core.audit.redact: audit rows, log files, tracebacks) catches every spelling."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from db.core.audit import redact
from db.core.validation import mask_iban

LENGTHS = {"FR": 27, "DE": 22, "ES": 24, "IT": 27, "BE": 16, "GB": 22, "MC": 27, "LU": 20}
SEPARATORS = [" ", "  ", "\t", "\u00a0", "\u202f", "-", " - ", "\u2009", "\u2007", "."]
# Text around the IBAN: no digit, so any digit run found after masking came from the IBAN.
AROUND = st.text(
    alphabet=st.sampled_from(list("abcdefghij ÉéçàLMN:;,()'\"«»\n\u00a0")), max_size=20
)


def _with_check_digits(country: str, bban: str) -> str:
    moved = bban + country + "00"
    check = 98 - int("".join(str(int(c, 36)) for c in moved)) % 97
    return f"{country}{check:02d}{bban}"


@st.composite
def ibans(draw) -> str:
    country = draw(st.sampled_from(sorted(LENGTHS)))
    size = LENGTHS[country] - 4  # drawn at its size (a filter on the length was flaky)
    bban = draw(st.text(alphabet="0123456789", min_size=size, max_size=size))
    return _with_check_digits(country, bban)


@st.composite
def spellings(draw, compact: str) -> str:
    """One way a person or a program writes `compact`: cases and separators mixed."""
    chars = [c.lower() if draw(st.booleans()) else c for c in compact]
    grouped = draw(st.booleans())
    out = []
    for index, char in enumerate(chars):
        if index and (index % 4 == 0 if grouped else False):
            out.append(draw(st.sampled_from(SEPARATORS)))
        out.append(char)
    return "".join(out)


@st.composite
def texts_with_an_iban(draw) -> tuple[str, str]:
    compact = draw(ibans())
    before, after = draw(AROUND), draw(AROUND)
    # The IBAN is a word of its own: the text around ends (or starts) with no letter.
    if before and before[-1].isalnum():
        before += " "
    if after and after[0].isalnum():
        after = " " + after
    return compact, before + draw(spellings(compact)) + after


@settings(deadline=None)  # examples: the profile (500 in CI, tests/conftest.py)
@given(texts_with_an_iban())
def test_no_spelling_of_an_iban_survives_redact(case):
    compact, text = case
    masked = redact(text)
    hidden = compact[4:-4]  # what the mask hides: all but the country, key and last four
    flat = re.sub(r"[^0-9A-Za-z*]", "", masked).upper()
    assert hidden not in flat, (text, masked)
    assert not re.search(r"\d{5,}", re.sub(r"[^0-9*]", "", masked).replace("*", " ")), masked
    assert mask_iban(compact) in masked


@settings(deadline=None)
@given(AROUND)
def test_text_without_an_iban_is_left_alone(text):
    assert redact(text) == text


def test_known_spellings():
    expected = "FR76 **** **** **** **** ***0 143"
    for text in (
        "FR7630004000031234567890143",
        "fr7630004000031234567890143",
        "Fr76 3000 4000 0312 3456 7890 143",
        "FR76\u00a03000\u00a04000\u00a00312\u00a03456\u00a07890\u00a0143",
        "FR76\u202f3000\u202f4000\u202f0312\u202f3456\u202f7890\u202f143",
        "FR76\t3000\t4000\t0312\t3456\t7890\t143",
        "FR76-3000-4000-0312-3456-7890-143",
        "fr76 - 3000 - 4000 - 0312 - 3456 - 7890 - 143",
    ):
        assert redact(f"IBAN : {text}, merci") == f"IBAN : {expected}, merci", text
    # A word after the IBAN that looks like one more group stays (the IBAN's check tells).
    assert redact("ES91 2100 0418 4502 0005 1332 pour") == "ES91 **** **** **** **** 1332 pour"
    # A mistyped IBAN (check fails) is masked all the same; a VAT number is no IBAN.
    assert redact("FR76 3000 4000 0312 3456 7890 144") == "FR76 **** **** **** **** ***0 144"
    assert redact("TVA FR40303265045") == "TVA FR40303265045"
