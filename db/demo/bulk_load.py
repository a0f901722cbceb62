"""Loading many rows with explicit ids: one multi-row INSERT per chunk on SQLite, one COPY on
PostgreSQL; counters set outright, PostgreSQL's id sequences moved past the ids given."""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import re
from concurrent.futures import ThreadPoolExecutor

from peewee import (  # type: ignore[attr-defined]  # __exception_wrapper__: not in the stubs
    AutoField,
    BigIntegerField,
    CharField,
    IntegerField,
    TextField,
    __exception_wrapper__,
)

from db.core.database import database_proxy, is_postgresql, is_sqlite
from db.core.models import ALL_MODELS, Sequence

BUILDERS = 4  # at most this many index builds (or checks, VACUUMs) at once, and one per core


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
    database = database_proxy.obj
    if is_postgresql():
        _copy(database, meta.table_name, rows, names, fields, fillers)
        return
    converters = [f.db_value for f in fields] + [f.db_value for f, _, _ in fillers]
    columns = ", ".join(f'"{f.column_name}"' for f in [*fields, *(f for f, _, _ in fillers)])

    def values_of(row: dict) -> list:
        values = [row[name] for name in names]
        values.extend(default() if call else default for _, default, call in fillers)
        return [convert(value) for convert, value in zip(converters, values, strict=True)]

    one_row = "(" + ", ".join([database.param] * len(converters)) + ")"
    # Rows per statement: under SQLite's 32,766 bound parameters, PostgreSQL's 65,535.
    per_statement = max(1, 30_000 // len(converters))
    for start in range(0, len(rows), per_statement):
        chunk = rows[start : start + per_statement]
        params = []
        for row in chunk:
            params.extend(values_of(row))
        database.execute_sql(
            f'INSERT INTO "{meta.table_name}" ({columns}) VALUES '
            + ", ".join([one_row] * len(chunk)),
            params,
        )


# COPY's text format: a backslash, tab, newline or carriage return in a value is escaped.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
_NEEDS_ESCAPE = re.compile(r"[\\\t\n\r]").search
_COPY_FORMATS = {
    type(None): lambda value: "\\N",
    bool: lambda value: "t" if value else "f",
    str: lambda value: value.translate(_COPY_ESCAPES),
    dt.datetime: lambda value: value.isoformat(sep=" "),
    dt.date: dt.date.isoformat,
    int: int.__str__,
    bytes: lambda value: "\\\\x" + value.hex(),
}


def _copy_text(value) -> str:
    """One value as COPY's text format writes it (NULL is \\N)."""
    if type(value) is str and not _NEEDS_ESCAPE(value):
        return value  # nearly every value: no call, no copy
    format_value = _COPY_FORMATS.get(type(value))
    if format_value is not None:
        return format_value(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    value = getattr(value, "adapted", value)  # psycopg2.Binary: a BlobField's db_value
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "\\\\x" + bytes(value).hex()
    return str(value).translate(_COPY_ESCAPES)  # Decimal, float, UUID, str subclasses...


# Fields whose db_value only coerces to str or int: COPY's text is str() of the value anyway.
_PLAIN_FIELDS = (CharField, TextField, IntegerField, BigIntegerField, AutoField)


def _copy(database, table: str, rows: list[dict], names, fields, fillers) -> None:
    """PostgreSQL: `rows` in one `COPY ... FROM STDIN` (psycopg2's copy_expert), in the
    current transaction, so a batch is still one transaction with the rows it goes with.

    The same values as the INSERT path: each through its field's db_value (skipped where that
    is only str()/int()), constant defaults written once, callable ones called per row.
    """
    given = [
        (name, None if type(f) in _PLAIN_FIELDS else f.db_value)
        for name, f in zip(names, fields, strict=True)
    ]
    called = [(f.db_value, default) for f, default, call in fillers if call]
    constant = [(f, default) for f, default, call in fillers if not call]
    columns = ", ".join(
        f'"{f.column_name}"'
        for f in [*fields, *(f for f, _, c in fillers if c), *(f for f, _ in constant)]
    )
    suffix = "".join("\t" + _copy_text(f.db_value(default)) for f, default in constant) + "\n"
    buffer = io.StringIO()
    write = buffer.write
    for row in rows:
        values = [row[name] if convert is None else convert(row[name]) for name, convert in given]
        values.extend(convert(default()) for convert, default in called)
        write(
            "\t".join(
                [
                    v
                    if type(v) is str and not _NEEDS_ESCAPE(v)
                    else str(v)
                    if type(v) is int
                    else _copy_text(v)
                    for v in values
                ]
            )
            + suffix
        )
    buffer.seek(0)
    cursor = database.cursor()
    try:
        with __exception_wrapper__:  # psycopg2's errors as peewee's, as from execute_sql
            cursor.copy_expert(f'COPY "{table}" ({columns}) FROM STDIN', buffer)
    finally:
        cursor.close()


@contextlib.contextmanager
def indexes_built_after(models, keep: frozenset[str] = frozenset()):
    """PostgreSQL: load `models`' tables without their secondary indexes and foreign keys,
    then build the indexes and add the foreign keys back (checked then, in one pass each).

    Keeping a dozen B-tree and trigram indexes up to date and checking each row's foreign keys
    one by one costs more than the load itself at a million rows; building an index afterwards
    is one sort, checking a foreign key one join. Primary keys and unique constraints stay;
    `keep` names indexes the load itself reads. Everything comes back with its own definition
    (pg_indexes.indexdef, pg_get_constraintdef), even if the load fails; a row that breaks a
    foreign key fails the load there. For an empty database being seeded (nothing else uses it
    meanwhile); nothing happens on SQLite.
    """
    if not is_postgresql():
        yield
        return
    tables = [model._meta.table_name for model in models]
    indexes = database_proxy.execute_sql(
        "SELECT i.indexname, i.indexdef FROM pg_indexes i "
        "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = "
        "(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass) "
        "ORDER BY i.indexname",
        (tables,),
    ).fetchall()
    indexes = [(name, definition) for name, definition in indexes if name not in keep]
    foreign_keys = database_proxy.execute_sql(
        "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
        "FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s) "
        "ORDER BY 1, 2",
        ([f'"{table}"' for table in tables] + tables,),
    ).fetchall()
    with database_proxy.atomic():
        for table, name, _ in foreign_keys:
            database_proxy.execute_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            database_proxy.execute_sql(f'DROP INDEX "{name}"')
    try:
        yield
    finally:
        _run_each(
            [definition for _, definition in indexes], "SET LOCAL maintenance_work_mem = '256MB'"
        )
        # Added NOT VALID (no check, cannot fail) so that every constraint is back whatever
        # the rows; then VALIDATE checks the rows loaded in one pass and raises
        # IntegrityError if one breaks it (that constraint stays NOT VALID: still enforced on
        # every later write).
        with database_proxy.atomic():
            for table, name, definition in foreign_keys:
                database_proxy.execute_sql(
                    f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition} NOT VALID'
                )
        _run_each(
            [f'ALTER TABLE {table} VALIDATE CONSTRAINT "{name}"' for table, name, _ in foreign_keys]
        )
        # Statistics for the planner, and (VACUUM) the visibility map that lets counts read
        # the covering indexes alone; VACUUM cannot run inside a caller's transaction.
        analyze = "ANALYZE" if database_proxy.in_transaction() else "VACUUM (ANALYZE)"
        _run_each([f'{analyze} "{table}"' for table in tables], in_transaction=False)


def _run_each(statements: list[str], setup: str = "", *, in_transaction: bool = True) -> None:
    """Run `statements` (index builds, constraint checks, VACUUMs of different tables), each
    in its own transaction after `setup`; several at a time on their own connections when
    the caller holds no transaction (seed-demo).

    One such statement keeps one core busy (PostgreSQL 15 builds a GIN index on one); run one
    after the other they left the machine's other cores idle: a quarter of seed-demo's five
    minutes at 1,000,000 + 1,000,000. Inside a caller's transaction (whose rows other
    connections cannot see) they run there, one after the other.
    """

    def run(statement: str) -> None:
        if not in_transaction:
            database_proxy.execute_sql(statement)
            return
        with database_proxy.atomic():
            if setup:
                database_proxy.execute_sql(setup)
            database_proxy.execute_sql(statement)

    if database_proxy.in_transaction() or len(statements) < 2:
        for statement in statements:
            run(statement)
        return

    def on_own_connection(statement: str) -> None:
        with database_proxy.connection_context():  # this thread's own connection
            run(statement)

    workers = max(1, min(BUILDERS, os.cpu_count() or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        for _ in pool.map(on_own_connection, statements):  # the first error is raised here
            pass


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
