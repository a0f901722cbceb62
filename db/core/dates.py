"""Dates typed in the lists' filters, the French way: a day, a month, a year or a range of them."""

from __future__ import annotations

import calendar
import datetime as dt
import re

from db.core.errors import FieldError
from db.core.validation import clean_text

DATE_INVALID = "Date invalide (jj/mm/aaaa)."
RANGE_REVERSED = "La date de début doit précéder la date de fin."

_DAY = r"\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})"
_MONTH = r"\d{1,2}[/.\-]\d{4}"
_YEAR = r"\d{4}"
_PERIOD = rf"(?:{_DAY}|{_MONTH}|{_YEAR})"
_RANGE_RE = re.compile(
    rf"(?P<du>du\s+)?(?P<start>{_PERIOD})?\s*(?:(?P<sep>-|–|—|au|à|\.\.)\s*(?P<end>{_PERIOD})?)?",
    re.IGNORECASE,
)


def _period(text: str) -> tuple[dt.date, dt.date]:
    """A day, a month ('07/2019') or a year ('2019') as its first and last day."""
    parts = [int(p) for p in re.split(r"[/.\-]", text)]
    try:
        if len(parts) == 3:
            day, month, year = parts
            if year < 100:  # '16/07/19': two-digit years are this century's
                year += 2000
            when = dt.date(year, month, day)
            return when, when
        if len(parts) == 2:
            month, year = parts
            last = calendar.monthrange(year, month)[1]
            return dt.date(year, month, 1), dt.date(year, month, last)
        (year,) = parts
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except (ValueError, calendar.IllegalMonthError):
        raise FieldError(DATE_INVALID) from None


def parse_date_fr(text: str | None) -> dt.date:
    """'16/07/2019' -> date(2019, 7, 16); also accepts '16-07-2019', '16.07.2019', '16/07/19'."""
    text = clean_text(text)
    if not re.fullmatch(_DAY, text):
        raise FieldError(DATE_INVALID)
    return _period(text)[0]


def parse_date_range(text: str | None) -> tuple[dt.date | None, dt.date | None]:
    """Création filter: one day, a month, a year, or a range of them -> (from, to).

    '16/07/2019' -> (16/07, 16/07); '01/07/2019-31/07/2019' or '01/07/2019 au 31/07/2019' ->
    (01/07, 31/07); '07/2019' -> the whole month; '01/07/2019-' and '-31/07/2019' are open.
    Empty text gives (None, None).
    """
    text = clean_text(text)
    if not text:
        return None, None
    match = _RANGE_RE.fullmatch(text)
    if match is None or not (match["start"] or match["end"]):
        raise FieldError(DATE_INVALID)
    start = _period(match["start"])[0] if match["start"] else None
    if match["end"]:
        end = _period(match["end"])[1]
    elif match["sep"] or match["du"]:
        end = None  # '01/07/2019-' or 'du 01/07/2019': open-ended
    else:
        end = _period(match["start"])[1]  # a lone period covers itself: '07/2019' is July
    if start and end and start > end:
        raise FieldError(RANGE_REVERSED)
    return start, end
