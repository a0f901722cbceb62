"""Shared write mechanics: version-checked updates and counters that never go back."""

from __future__ import annotations

from db.errors import ConcurrentEditError
from db.models import Sequence, Versioned, now


def update_checked(
    model: type[Versioned], record_id: int, expected_version: int, values: dict, login: str
) -> int:
    """UPDATE one row only if it is still at `expected_version`; returns the new version.

    The version test is in the WHERE clause, so two concurrent saves cannot both succeed:
    the second matches no row and is refused with who changed the record and when.
    """
    values = dict(values)
    values.update(lock_version=model.lock_version + 1, updated_at=now(), updated_by=login)
    updated = (
        model.update(**values)
        .where((model.id == record_id) & (model.lock_version == expected_version))
        .execute()
    )
    if updated != 1:
        current = model.get_or_none(model.id == record_id)
        when = (
            current.updated_at.strftime("%d/%m/%Y à %H:%M")
            if current and current.updated_at
            else None
        )
        raise ConcurrentEditError(current.updated_by if current else None, when)
    return expected_version + 1


def next_value(name: str, start: int = 0) -> int:
    """Take the next value of counter `name` (call inside the write transaction that uses it)."""
    if not Sequence.update(value=Sequence.value + 1).where(Sequence.name == name).execute():
        Sequence.insert(name=name, value=start).on_conflict_ignore().execute()
        Sequence.update(value=Sequence.value + 1).where(Sequence.name == name).execute()
    return Sequence.get(Sequence.name == name).value
