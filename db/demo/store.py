"""Whether a store holds anything yet (the demo store is seeded only when empty)."""

from __future__ import annotations

from db.core.models import Company


def store_is_empty() -> bool:
    return not Company.select().exists()
