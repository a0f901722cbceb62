"""The audit log: one row per meaningful action (login, save, conversion, document)."""

from __future__ import annotations

import json

from db.models import AuditLog


def record(scope, action: str, entity: str = "", entity_id: int | None = None, **details) -> None:
    """Write one audit row. Callers never pass passwords or whole IBANs in `details`."""
    AuditLog.create(
        user=getattr(scope, "user_id", None),
        login=getattr(scope, "login", "") or "",
        action=action,
        entity=entity,
        entity_id=entity_id,
        details=json.dumps(details, ensure_ascii=False, default=str) if details else "",
    )
