"""Opening the store (SQLite or PostgreSQL), its pragmas, schema version and migrations."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path

import peewee
from playhouse.db_url import connect as connect_url

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


def open_database(target: str | Path) -> peewee.Database:
    """Open `target` (a file path or a postgresql:// URL) and bind the models to it."""
    target = str(target)
    if "://" in target:
        url = target.replace("postgres://", "postgresql://", 1)
        # No `autorollback`: peewee >= 3.17 runs psycopg2 in autocommit mode outside atomic(),
        # so a failed statement never leaves the connection in an aborted transaction.
        database = connect_url(url)
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
    with contextlib.suppress(Exception):
        if not database_proxy.obj.is_closed():
            database_proxy.obj.close()
