"""Opening the store (SQLite or PostgreSQL) and its pragmas; the schema is db.core.schema."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import peewee
from playhouse.db_url import connect as connect_url
from playhouse.db_url import parse as parse_url
from playhouse.pool import PooledDatabase, PooledSqliteDatabase

database_proxy = peewee.DatabaseProxy()


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

SQLITE_POOL = {"max_connections": 16, "timeout": 10}

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
        database: peewee.Database = connect_url(
            url, unquote_password=True, unquote_user=True, **defaults
        )
    else:
        path = Path(target).expanduser()
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # Made private (0600) whatever the umask: SQLite gives its -wal and -shm files
            # the database's own permissions.
            with contextlib.suppress(FileExistsError):
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        # Pooled too: each db call runs in a worker thread inside `connection_context()`, and
        # a new SQLite connection starts with an empty page cache and parses the schema again:
        # Mes devis's "garage" page took 28 ms that way, 15 ms on a connection kept (bench).
        # SQLite's own wait for a lock is the busy_timeout pragma; `timeout` here is the wait
        # for a free connection.
        database = PooledSqliteDatabase(
            str(Path(target).expanduser()),
            pragmas=SQLITE_PRAGMAS,
            lock_type="IMMEDIATE",
            check_same_thread=False,
            **SQLITE_POOL,
        )
    database_proxy.initialize(database)
    return database


def is_sqlite() -> bool:
    return isinstance(database_proxy.obj, peewee.SqliteDatabase)


def is_postgresql() -> bool:
    return isinstance(database_proxy.obj, peewee.PostgresqlDatabase)


def atomic() -> peewee._atomic:
    """One write transaction (nested calls become savepoints)."""
    return database_proxy.atomic()


def _like_pattern(text: str, *, prefix: bool = False) -> peewee.NodeList:
    """'%text%' (or 'text%') with `%`, `_` and `\\` escaped, so typed wildcards stay literal."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return peewee.NodeList(
        (
            peewee.Value(f"{escaped}%" if prefix else f"%{escaped}%", converter=False),
            peewee.SQL("ESCAPE"),
            peewee.Value("\\", converter=False),
        )
    )


def _matches(field: Any, text: str, *, folded: bool, prefix: bool = False) -> peewee.Expression:
    if is_sqlite():
        # Peewee's ILIKE is SQLite's LIKE (case-insensitive for ASCII); its LIKE would be GLOB.
        return peewee.Expression(field, peewee.OP.ILIKE, _like_pattern(text, prefix=prefix))
    # PostgreSQL: `lower(column) LIKE`, the expression of the trigram indexes
    # (db.core.schema.TRIGRAM_INDEXES). They index lower(column), not the column, on purpose: pg_trgm also
    # answers `=`, and PostgreSQL would then pick a trigram index for `column IN (1,000
    # names)` (the CSV import's duplicate check) over the B-tree, 1,000 times slower.
    pattern = text if folded else text.lower()
    return peewee.Expression(
        peewee.fn.LOWER(field), peewee.OP.LIKE, _like_pattern(pattern, prefix=prefix)
    )


def contains_folded(field: Any, folded: str) -> peewee.Expression:
    """`field` contains `folded`, for a pre-folded `search_*` column and a folded filter text.

    Peewee's `.contains()` is ILIKE on PostgreSQL, which lower-cases every row: 2-3x slower
    than LIKE over 100,000 rows (measured), and no trigram index serves it here; on
    PostgreSQL this is `lower(field) LIKE`, served by the trigram index of the column (folded
    text is lower case already). On SQLite peewee's ILIKE, which it writes as SQLite's LIKE.
    """
    return _matches(field, folded, folded=True)


def contains_text(field: Any, text: str) -> peewee.Expression:
    """`field` contains `text`, case-insensitively (N° client): `.contains()` that PostgreSQL
    serves with the column's trigram index."""
    return _matches(field, text, folded=False)


def starts_with_text(field: Any, text: str) -> peewee.Expression:
    """`field` starts with `text`, case-insensitively (CODE POSTAL): `.startswith()` that
    PostgreSQL serves with the column's trigram index."""
    return _matches(field, text, folded=False, prefix=True)


def close_database() -> None:
    """Close the store: on PostgreSQL every pooled connection too, so none outlives it."""
    with contextlib.suppress(Exception):
        database = database_proxy.obj
        if isinstance(database, PooledDatabase):
            database.close_all()
        elif not database.is_closed():
            database.close()
