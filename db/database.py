"""Opening the store (SQLite or PostgreSQL), its pragmas, schema version and migrations."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path

import peewee
from playhouse.db_url import connect as connect_url
from playhouse.db_url import parse as parse_url
from playhouse.pool import PooledDatabase

database_proxy = peewee.DatabaseProxy()

SCHEMA_VERSION = 1

# SQLite: WAL so readers never block the writer; a busy timeout so a second writer waits
# instead of failing with "database is locked"; BEGIN IMMEDIATE so a write transaction takes
# the write lock up front and cannot deadlock on an upgrade from a read lock.
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "busy_timeout": 15000,
    "foreign_keys": 1,
    "synchronous": "normal",
    "cache_size": -16000,
}

# PostgreSQL: a pool, because every db call from the UI runs in a new worker thread inside
# `connection_context()`; without it each one opens a new connection (5 ms on loopback with
# trust auth, measured, and several round trips plus SCRAM on a real network), with it 0.5 ms.
# The app needs few at once; `timeout` waits for a free one instead of failing at once, and
# stale ones (idle 5 min) are replaced. Any of these can be overridden in the URL's query
# string (?max_connections=4); `postgresql+pool://` is accepted too.
POSTGRES_POOL = {"max_connections": 16, "stale_timeout": 300, "timeout": 10}
_URL_SCHEMES = {
    "postgres": "postgresql+pool",
    "postgresql": "postgresql+pool",
    "postgres+pool": "postgresql+pool",
}


def open_database(target: str | Path) -> peewee.Database:
    """Open `target` (a file path or a postgresql:// URL) and bind the models to it."""
    target = str(target)
    if "://" in target:
        scheme, rest = target.split("://", 1)
        scheme = _URL_SCHEMES.get(scheme, scheme)
        url = f"{scheme}://{rest}"
        params = parse_url(url)
        pooled = scheme.endswith("+pool")
        defaults = {k: v for k, v in POSTGRES_POOL.items() if pooled and k not in params}
        # No `autorollback`: peewee >= 3.17 runs psycopg2 in autocommit mode outside atomic(),
        # so a failed statement never leaves the connection in an aborted transaction.
        # Unquoting: a password holding "@", ":" or "/" is written percent-encoded in a URL.
        database = connect_url(url, unquote_password=True, unquote_user=True, **defaults)
    else:
        Path(target).expanduser().parent.mkdir(parents=True, exist_ok=True)
        database = peewee.SqliteDatabase(
            str(Path(target).expanduser()),
            pragmas=SQLITE_PRAGMAS,
            timeout=15,
            lock_type="IMMEDIATE",
            check_same_thread=False,
        )
    database_proxy.initialize(database)
    return database


def is_sqlite() -> bool:
    return isinstance(database_proxy.obj, peewee.SqliteDatabase)


def is_postgresql() -> bool:
    return isinstance(database_proxy.obj, peewee.PostgresqlDatabase)


def atomic():
    """One write transaction (nested calls become savepoints)."""
    return database_proxy.atomic()


def contains_folded(field, folded: str) -> peewee.Expression:
    """`field` contains `folded`, for a pre-folded `search_*` column and a folded filter text.

    Peewee's `.contains()` is ILIKE on PostgreSQL, which lower-cases every row: 2-3x slower
    than LIKE over 100,000 rows (measured) and useless here since both sides are already
    folded. So: LIKE on PostgreSQL; on SQLite peewee's ILIKE, which it writes as SQLite's LIKE
    (its own LIKE becomes GLOB, which has no ESCAPE). `%`, `_` and `\\` are escaped, so typed
    wildcards stay literal.
    """
    escaped = folded.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = peewee.NodeList(
        (
            peewee.Value(f"%{escaped}%", converter=False),
            peewee.SQL("ESCAPE"),
            peewee.Value("\\", converter=False),
        )
    )
    return peewee.Expression(field, peewee.OP.ILIKE if is_sqlite() else peewee.OP.LIKE, pattern)


# Each migration takes the database from version N-1 to N without losing rows.
MIGRATIONS: dict[int, Callable[[peewee.Database], None]] = {}


def init_schema() -> int:
    """Create missing tables and run pending migrations; returns the schema version."""
    from db import models  # noqa: PLC0415 - models import this module

    database = database_proxy.obj
    with _schema_lock, database.atomic():
        if is_postgresql():
            # Two processes starting on an empty PostgreSQL database would otherwise race on
            # CREATE TABLE IF NOT EXISTS (duplicate pg_type rows) and on the SchemaMeta row;
            # SQLite's BEGIN IMMEDIATE already serialises them. Released at commit.
            database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_PG_SCHEMA_LOCK_KEY,))
        database.create_tables(models.ALL_MODELS, safe=True)
        meta = models.SchemaMeta.get_or_none(models.SchemaMeta.id == 1)
        if meta is None:
            models.SchemaMeta.create(id=1, version=SCHEMA_VERSION)
            return SCHEMA_VERSION
        for version in range(meta.version + 1, SCHEMA_VERSION + 1):
            MIGRATIONS[version](database)
        if meta.version != SCHEMA_VERSION:
            models.SchemaMeta.update(version=SCHEMA_VERSION).where(
                models.SchemaMeta.id == 1
            ).execute()
    return SCHEMA_VERSION


_schema_lock = threading.Lock()
_PG_SCHEMA_LOCK_KEY = 0x4D594F50  # "MYOP": any constant shared by every MyOpenIP process


def close_database() -> None:
    """Close the store: on PostgreSQL every pooled connection too, so none outlives it."""
    with contextlib.suppress(Exception):
        database = database_proxy.obj
        if isinstance(database, PooledDatabase):
            database.close_all()
        elif not database.is_closed():
            database.close()
