"""The audit log: one row per meaningful action (login, save, conversion, document).

It never holds a password or a whole IBAN: callers do not pass them, and as a safety net
`record` masks anything shaped like an IBAN and blanks any detail named like a password.
`redact` and `RedactingFilter` give the same protection to log files and tracebacks.
"""

from __future__ import annotations

import json
import logging
import re

from db.core.models import AuditLog

# An IBAN however it is spelt: any case; compact or in groups of four separated by blanks of
# any kind (space, tab, no-break and narrow no-break space...), dashes or dots. Country, key,
# then 11 to 30 more letters or digits.
_SEPARATOR = r"[\s\-\u2010-\u2015.]{0,3}"
_IBAN = re.compile(
    r"(?<![A-Za-z0-9])[A-Za-z]{2}[0-9]{2}"
    rf"(?:{_SEPARATOR}[A-Za-z0-9]{{4}}){{2,7}}(?:{_SEPARATOR}[A-Za-z0-9]{{1,4}})?"
    r"(?![A-Za-z0-9])"
)
_SECRET_KEY = re.compile(r"pass|mot_?de_?passe|secret|token", re.IGNORECASE)
MASKED = "***"
IBAN_MIN, IBAN_MAX = 15, 34


def _iban_checks(compact: str) -> bool:
    """The ISO 13616 check (mod 97) of an upper-case compact IBAN."""
    moved = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def _registered(compact: str) -> bool:
    """Whether `compact` is an IBAN of its country's registered length and format."""
    from schwifty import IBAN  # noqa: PLC0415 - loaded only when a log line holds an IBAN

    try:
        IBAN(compact)
    except ValueError:
        return False
    return True


def _mask(match: re.Match) -> str:
    from db.core.validation import mask_iban  # noqa: PLC0415 - validation pulls heavy imports

    text = match.group(0)
    compact = "".join(c for c in text if c.isalnum()).upper()
    if len(compact) < IBAN_MIN:
        return text
    # A word written after the IBAN may look like one more group ("… 1332 pour"): the IBAN is
    # the longest start that passes its check; if none does (a typo), all of it is masked.
    # A start of the country's registered length (schwifty's registry) wins over a longer one
    # that passes mod 97 by chance ("BE57 3906 9138 7360 b": 17 characters also check).
    starts = range(min(len(compact), IBAN_MAX), IBAN_MIN - 1, -1)
    checked = [n for n in starts if _iban_checks(compact[:n])]
    length = next((n for n in checked if _registered(compact[:n])), None)
    if length is None:
        length = checked[0] if checked else len(compact)
    cut, seen = len(text), 0
    for index, char in enumerate(text):
        if char.isalnum():
            seen += 1
            if seen == length:
                cut = index + 1
                break
    return mask_iban(compact[:length]) + text[cut:]


def redact(text: str) -> str:
    """`text` with every IBAN-shaped run masked (FR76 **** **** **** **** ***0 189)."""
    return _IBAN.sub(_mask, text) if text else text


def _clean(key: str, value):
    if _SECRET_KEY.search(key):
        return MASKED
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {k: _clean(str(k), v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [_clean(key, v) for v in value]
    return value


def record(scope, action: str, entity: str = "", entity_id: int | None = None, **details) -> None:
    """Write one audit row. Callers never pass passwords or whole IBANs in `details`."""
    details = {key: _clean(key, value) for key, value in details.items()}
    AuditLog.create(
        user=getattr(scope, "user_id", None),
        login=getattr(scope, "login", "") or "",
        action=action,
        entity=entity,
        entity_id=entity_id,
        details=redact(json.dumps(details, ensure_ascii=False, default=str)) if details else "",
    )


def record_many(scope, action: str, entity: str, entity_ids: list[int], **details) -> None:
    """One audit row per id, the same as `record` would write, in one statement per 100."""
    details = {key: _clean(key, value) for key, value in details.items()}
    text = redact(json.dumps(details, ensure_ascii=False, default=str)) if details else ""
    rows = [
        {
            "user": getattr(scope, "user_id", None),
            "login": getattr(scope, "login", "") or "",
            "action": action,
            "entity": entity,
            "entity_id": entity_id,
            "details": text,
        }
        for entity_id in entity_ids
    ]
    for start in range(0, len(rows), 100):
        AuditLog.insert_many(rows[start : start + 100]).execute()


class RedactingFilter(logging.Filter):
    """A logging filter that masks IBANs in the message and in the traceback of a record.

    handler.addFilter(RedactingFilter())  # on the handler, so child loggers are covered too
    """

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg, record.args = redact(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
