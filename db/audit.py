"""The audit log: one row per meaningful action (login, save, conversion, document).

It never holds a password or a whole IBAN: callers do not pass them, and as a safety net
`record` masks anything shaped like an IBAN and blanks any detail named like a password.
`redact` and `RedactingFilter` give the same protection to log files and tracebacks.
"""

from __future__ import annotations

import json
import logging
import re

from db.models import AuditLog

# An IBAN, compact or in groups of four: country, key, then 11 to 30 more letters or digits.
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b")
_SECRET_KEY = re.compile(r"pass|mot_?de_?passe|secret|token", re.IGNORECASE)
MASKED = "***"


def _mask(match: re.Match) -> str:
    from db.validation import mask_iban  # noqa: PLC0415 - validation pulls heavy imports

    text = match.group(0)
    return mask_iban(text) if len(text.replace(" ", "")) >= 15 else text


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
