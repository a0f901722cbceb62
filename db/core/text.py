"""The one rule for text at the domain's edge: what may be stored, searched for and drawn.

Stored text (`clean`): Unicode normalised to NFC, surrounding blanks removed, and refused with a
French message when it holds a character a terminal or a printer would act on instead of
showing it, or when it is longer than its column. Refused:

- control characters (category Cc: C0 including NUL, DEL, C1); a multi-line value keeps its
  line breaks ("\\r\\n" and "\\r" become "\\n") and nothing else;
- bidirectional formatting characters: embeddings and overrides U+202A–U+202E, isolates
  U+2066–U+2069, and the marks U+200E, U+200F, U+061C (invisible, and the marks are as able as
  an override to reorder what an operator reads; no business field needs them);
- lone surrogates (category Cs: not text, no store can encode them), line and paragraph
  separators U+2028/U+2029, the byte-order mark U+FEFF and Unicode's noncharacters.

Other format characters (zero-width joiners, soft hyphen) are kept: some scripts need them.

The maximum length is the column's: `max_length` of the Peewee field (VARCHAR(255) for a
CharField; TextFields declare theirs in db/core/models.py). It is counted in characters after
normalisation, which is what PostgreSQL's VARCHAR counts, and checked here, before the store,
so SQLite (which would keep anything) gives the same verdict as PostgreSQL.

Digits: numeric fields (SIREN, SIRET, postcode, IDENTIFIANT, amounts, phones) take the ASCII
digits 0-9 only. Other digits (full-width `７`, Arabic-Indic `٧`, superscript `²`) are refused,
never converted: what is stored is what was typed. `is_ascii_digits` is that test.

Searches never refuse: `search_text` drops what `clean` would refuse, and `bounded_int` turns a
typed number into an int only when it fits the column (PostgreSQL's integer is 32-bit).

Drawing (`visible`): text read from the store is shown with any control character that slipped
in (an old row, a direct write) replaced by a visible placeholder: the Unicode "control
pictures" (U+2400…) for C0 and DEL, U+FFFD for the rest.
"""

from __future__ import annotations

import dataclasses
import unicodedata

from db.core.errors import FieldError

DEFAULT_MAX_LENGTH = 255  # a Peewee CharField without max_length is VARCHAR(255)
INT32_MAX = 2**31 - 1  # PostgreSQL `integer` (AutoField ids, IntegerField columns)

BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
_OTHER_REFUSED = frozenset("\u2028\u2029\ufeff")
REPLACEMENT = "\ufffd"


def _is_noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def refused_reason(ch: str) -> str | None:
    """Why `ch` may not be stored (a French phrase), or None when it may."""
    category = unicodedata.category(ch)
    if category == "Cc":
        return "un caractère de contrôle invisible"
    if category == "Cs":
        return "un caractère invalide (demi-paire UTF-16)"
    if ch in BIDI_CONTROLS:
        return "un caractère invisible qui inverse le sens d'écriture"
    if ch in _OTHER_REFUSED or _is_noncharacter(ord(ch)):
        return "un caractère invisible non autorisé"
    return None


def _code(ch: str) -> str:
    return f"U+{ord(ch):04X}"


def clean(
    value: object,
    *,
    max_length: int | None = DEFAULT_MAX_LENGTH,
    multiline: bool = False,
) -> str:
    """`value` as it may be stored, or FieldError (French, for the field) saying why not."""
    text = "" if value is None else str(value)
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    for ch in text:
        if multiline and ch == "\n":
            continue
        reason = refused_reason(ch)
        if reason:
            raise FieldError(f"Ce champ contient {reason} ({_code(ch)}) : retirez-le.")
    # Normalising after the check: NFC of a lone surrogate would fail, and no refused
    # character is made by composing allowed ones.
    text = unicodedata.normalize("NFC", text)
    if multiline:
        text = "\n".join(line.strip() for line in text.split("\n")).strip()
    else:
        text = text.strip()
    if max_length is not None and len(text) > max_length:
        raise FieldError(
            f"Ce champ ne doit pas dépasser {max_length:,} caractères ({len(text):,} saisis).".replace(
                ",", "\u202f"
            )
        )
    return text


def column_limit(field) -> int | None:
    """The length limit of a Peewee field (CharField: its VARCHAR size; None: no limit)."""
    return getattr(field, "max_length", None)


def clean_for(field, value: object, *, multiline: bool = False) -> str:
    """`clean` with the maximum length of the Peewee column `field`."""
    return clean(value, max_length=column_limit(field), multiline=multiline)


def search_text(value: object, *, max_length: int = 1000) -> str:
    """A filter's text as it may be searched for: never refused, never an error from the store.

    Characters `clean` refuses become U+FFFD: NUL or a lone surrogate would make the driver
    fail, and as nothing stored holds them such a search finds nothing (dropping them instead
    would turn "\\x00" into an empty filter that lists everything). A search longer than any
    column is cut: it could not match more than its first characters anyway.
    """
    text = "" if value is None else str(value)
    if any(refused_reason(c) for c in text):
        text = "".join(REPLACEMENT if refused_reason(c) else c for c in text)
    return unicodedata.normalize("NFC", text).strip()[:max_length]


MAX_SEARCH_WORDS = 8


def search_words(folded: str) -> list[str]:
    """The words of a folded filter, each of which must appear: the longest 8, no repeats.

    Each word is one more AND in the query; hundreds (a pasted text) overflow SQLite's parser
    stack, and beyond a few words the longest ones already pick the same rows.
    """
    words = sorted(set(folded.split()), key=lambda w: (-len(w), w))
    return words[:MAX_SEARCH_WORDS]


def is_ascii_digits(text: str) -> bool:
    """True for a non-empty run of 0-9 (str.isdigit alone takes '²', '٣' and '７')."""
    return bool(text) and text.isascii() and text.isdigit()


def bounded_int(text: str, maximum: int = INT32_MAX) -> int | None:
    """`text` as an int when it is ASCII digits within 0..maximum (a column's range), else None."""
    text = text.strip()
    # Length first: int() of a 10,000-digit string is slow and bounded by Python's limit.
    digits = text.lstrip("0") or "0"
    if not is_ascii_digits(text) or len(digits) > len(str(maximum)):
        return None
    number = int(digits)
    return number if number <= maximum else None


_PICTURES = {code: chr(0x2400 + code) for code in range(0x20)}
_PICTURES[0x7F] = "\u2421"


def visible(value: object, *, multiline: bool = False, pictures: bool = True) -> str:
    """Text read from the store as it may be drawn: control characters become placeholders.

    C0 controls and DEL become their control pictures (ESC is shown as ␛), every other refused
    character (C1, bidi controls, lone surrogates, ...) as U+FFFD. With `multiline`, "\\n" stays.
    Without `pictures` (the PDF's font has none) every placeholder is U+FFFD.
    """
    text = "" if value is None else str(value)
    if text.isascii() and text.isprintable():
        return text  # the common case, without a per-character walk
    out = []
    for ch in text:
        if multiline and ch == "\n":
            out.append(ch)
            continue
        if refused_reason(ch) is None:
            out.append(ch)
            continue
        out.append(_PICTURES.get(ord(ch), REPLACEMENT) if pictures else REPLACEMENT)
    return "".join(out)


def search_filters(filters):
    """A frozen filters dataclass with every str field passed through `search_text`."""
    changes = {
        f.name: search_text(getattr(filters, f.name))
        for f in dataclasses.fields(filters)
        if isinstance(getattr(filters, f.name), str)
    }
    return dataclasses.replace(filters, **changes)
