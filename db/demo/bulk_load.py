"""Loading many rows with explicit ids: one multi-row INSERT per chunk, counters set outright,
PostgreSQL's id sequences moved past the ids given."""

from __future__ import annotations

from peewee import AutoField

from db.core.database import database_proxy, is_sqlite
from db.core.models import ALL_MODELS, Sequence


def bulk_insert(model, rows: list[dict]) -> None:
    """`model.insert_many(rows).execute()` for rows that all have the same keys, ~10x cheaper.

    Peewee builds a query node per value, which costs more than SQLite's whole insert at 100,000
    rows; here each value only goes through its field's `db_value` and one multi-row INSERT is
    sent. Same rows as insert_many: missing fields take their model default (callables called
    per row) or NULL, and it raises like insert_many when a NOT NULL field has neither.
    """
    if not rows:
        return
    meta = model._meta
    fields = [meta.fields[name] for name in rows[0]]
    given = set(rows[0])
    fillers = []
    for field in meta.sorted_fields:
        if field.name in given or (field is meta.primary_key and meta.auto_increment):
            continue
        if field.default is not None:
            fillers.append((field, field.default, callable(field.default)))
        elif field.null:
            fillers.append((field, None, False))
        else:
            raise ValueError(f"Missing value for {field.name}.")
    names = list(rows[0])
    converters = [f.db_value for f in fields] + [f.db_value for f, _, _ in fillers]
    columns = ", ".join(f'"{f.column_name}"' for f in [*fields, *(f for f, _, _ in fillers)])
    database = database_proxy.obj
    one_row = "(" + ", ".join([database.param] * len(converters)) + ")"
    # Rows per statement: under SQLite's 32,766 bound parameters, PostgreSQL's 65,535.
    per_statement = max(1, 30_000 // len(converters))
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        params = []
        for row in chunk:
            values = [row[name] for name in names]
            values.extend(default() if call else default for _, default, call in fillers)
            params.extend(convert(value) for convert, value in zip(converters, values, strict=True))
        database.execute_sql(
            f'INSERT INTO "{meta.table_name}" ({columns}) VALUES '
            + ", ".join([one_row] * len(chunk)),
            params,
        )


def set_counter(name: str, value: int) -> None:
    """Set counter `name` to `value` (portable upsert: SQLite >= 3.24 and PostgreSQL)."""
    Sequence.insert(name=name, value=value).on_conflict(
        conflict_target=[Sequence.name], update={Sequence.value: value}
    ).execute()


def fix_sequences() -> None:
    """Explicit ids were inserted: move PostgreSQL's id sequences past them.

    Done for every table with a serial id (not only Company, the one seeded with explicit ids
    today), so a later change to the seed cannot leave a sequence behind its table's ids; an
    empty table's sequence is left to start at 1.
    """
    if is_sqlite():
        return
    for model in ALL_MODELS:
        pk = model._meta.primary_key
        if not isinstance(pk, AutoField):
            continue
        table, column = model._meta.table_name, pk.column_name
        database_proxy.execute_sql(
            f'SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX("{column}"), 1), '
            f'MAX("{column}") IS NOT NULL) FROM "{table}"',
            (table, column),
        )
