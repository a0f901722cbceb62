"""Opening the store (SQLite or PostgreSQL), its pragmas, schema version and migrations."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

import peewee
from playhouse.db_url import connect as connect_url
from playhouse.db_url import parse as parse_url
from playhouse.pool import PooledDatabase

database_proxy = peewee.DatabaseProxy()

SCHEMA_VERSION = 3

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
        path = Path(target).expanduser()
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            # Made private (0600) whatever the umask: SQLite gives its -wal and -shm files
            # the database's own permissions.
            with contextlib.suppress(FileExistsError):
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
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


def _matches(field, text: str, *, folded: bool, prefix: bool = False) -> peewee.Expression:
    if is_sqlite():
        # Peewee's ILIKE is SQLite's LIKE (case-insensitive for ASCII); its LIKE would be GLOB.
        return peewee.Expression(field, peewee.OP.ILIKE, _like_pattern(text, prefix=prefix))
    # PostgreSQL: `lower(column) LIKE`, the expression of the trigram indexes
    # (TRIGRAM_INDEXES). They index lower(column), not the column, on purpose: pg_trgm also
    # answers `=`, and PostgreSQL would then pick a trigram index for `column IN (1,000
    # names)` (the CSV import's duplicate check) over the B-tree, 1,000 times slower.
    pattern = text if folded else text.lower()
    return peewee.Expression(
        peewee.fn.LOWER(field), peewee.OP.LIKE, _like_pattern(pattern, prefix=prefix)
    )


def contains_folded(field, folded: str) -> peewee.Expression:
    """`field` contains `folded`, for a pre-folded `search_*` column and a folded filter text.

    Peewee's `.contains()` is ILIKE on PostgreSQL, which lower-cases every row: 2-3x slower
    than LIKE over 100,000 rows (measured), and no trigram index serves it here; on
    PostgreSQL this is `lower(field) LIKE`, served by the trigram index of the column (folded
    text is lower case already). On SQLite peewee's ILIKE, which it writes as SQLite's LIKE.
    """
    return _matches(field, folded, folded=True)


def contains_text(field, text: str) -> peewee.Expression:
    """`field` contains `text`, case-insensitively (N° client): `.contains()` that PostgreSQL
    serves with the column's trigram index."""
    return _matches(field, text, folded=False)


def starts_with_text(field, text: str) -> peewee.Expression:
    """`field` starts with `text`, case-insensitively (CODE POSTAL): `.startswith()` that
    PostgreSQL serves with the column's trigram index."""
    return _matches(field, text, folded=False, prefix=True)


def _migrate_2(database: peewee.Database) -> None:
    """Schema 2: catalogue and SEPA creditor per operator; failed logins per (login, source).

    Every operator keeps what it saw: the first operator (lowest IDENTIFIANT) gets the offers,
    each other one a copy, its quotes' and orders' lines pointed at its copy; the shared
    creditor settings are copied to each operator. LoginThrottle starts empty.
    """
    from playhouse.migrate import SchemaMigrator, migrate  # noqa: PLC0415

    from db.core import models  # noqa: PLC0415 - models import this module

    database.create_tables([models.OperatorSetting, models.LoginThrottle], safe=True)
    if "operator_id" not in {c.name for c in database.get_columns("offer")}:
        migrate(
            SchemaMigrator.from_database(database).add_column(
                "offer", "operator_id", models.Offer.operator
            )
        )
    Offer, Company = models.Offer, models.Company
    operators = [
        c.id
        for c in Company.select(Company.id)
        .where(Company.kind == models.CompanyKind.OPERATOR)
        .order_by(Company.id)
    ]
    if operators:
        Offer.update(operator=operators[0]).where(Offer.operator.is_null()).execute()
    originals = list(Offer.select().where(Offer.operator == operators[0])) if operators else []
    for operator_id in operators[1:]:
        for offer in originals:
            copy = Offer.create(
                operator=operator_id,
                **{
                    f.name: getattr(offer, f.name)
                    for f in Offer._meta.sorted_fields
                    if f.name not in ("id", "operator")
                },
            )
            for line, owner, key in (
                (models.QuoteLine, models.Quote, models.QuoteLine.quote),
                (models.OrderLine, models.Order, models.OrderLine.order),
            ):
                mine = owner.select(owner.id).where(owner.operator == operator_id)
                line.update(offer=copy.id).where((line.offer == offer.id) & key.in_(mine)).execute()
    creditor_keys = (
        "creditor_name",
        "creditor_ics",
        "creditor_address",
        "signature_place",
        "rum_prefix",
    )
    shared = list(models.Setting.select().where(models.Setting.key.in_(creditor_keys)))
    for operator_id in operators:
        for row in shared:
            models.OperatorSetting.insert(
                operator=operator_id, key=row.key, value=row.value
            ).on_conflict_ignore().execute()
    models.Setting.delete().where(models.Setting.key.in_(creditor_keys)).execute()


# PostgreSQL: the columns the lists' "contains" filters read (`lower(column) LIKE '%text%'`,
# contains_folded & co. above), each with a trigram GIN index on lower(column) (pg_trgm),
# which PostgreSQL uses for any pattern of 3+ characters, anchored or not; a B-tree cannot
# serve '%text%'. SQLite has no such index: it scans, fast enough there.
TRIGRAM_INDEXES = (
    ("company", "search_name"),  # RAISON SOCIALE, Client, REVENDEUR, Sélectionner...
    ("company", "client_number"),  # N° client (ILIKE)
    ("site", "search_city"),  # CODE POSTAL / VILLE
    ("site", "postcode"),  # CODE POSTAL / VILLE (starts with)
    ("quote", "search_offers"),  # Nom des offres
    ("contact", "search_name"),  # Contacts: Nom / Prénom
)


def trigram_index_name(table: str, column: str) -> str:
    return f"{table}_{column}_trgm"


def create_trigram_indexes(database: peewee.Database) -> bool:
    """PostgreSQL: CREATE EXTENSION pg_trgm and the TRIGRAM_INDEXES; False if not possible.

    pg_trgm is a "trusted" extension (PostgreSQL >= 13): the database's owner may create it.
    When it is missing (no contrib package) or refused, the lists still work, by scanning:
    the store says so in the log and opens anyway. Idempotent (IF NOT EXISTS).
    """
    if not isinstance(database, peewee.PostgresqlDatabase):
        return False
    try:
        with database.atomic():  # a savepoint: a refusal must not abort the caller's transaction
            database.execute_sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except peewee.DatabaseError as exc:
        logging.getLogger(__name__).warning(
            "pg_trgm indisponible (%s) : les filtres « contient » liront les tables entières.",
            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__,
        )
        return False
    for table, column in TRIGRAM_INDEXES:
        database.execute_sql(
            f'CREATE INDEX IF NOT EXISTS "{trigram_index_name(table, column)}" '
            f'ON "{table}" USING gin (lower("{column}") gin_trgm_ops)'
        )
    return True


def _migrate_3(database: peewee.Database) -> None:
    """Schema 3: PostgreSQL's trigram indexes for the "contains" filters (nothing on SQLite).

    Every table they index exists since version 1. Building them reads each table once: a few
    seconds per million rows, at the first start of the new version.
    """
    create_trigram_indexes(database)


# Each migration takes the database from version N-1 to N without losing rows. It runs before
# the tables of the current models are created (their indexes may name its new columns).
MIGRATIONS: dict[int, Callable[[peewee.Database], None]] = {2: _migrate_2, 3: _migrate_3}


def init_schema() -> int:
    """Create missing tables and run pending migrations; returns the schema version."""
    from db.core import models  # noqa: PLC0415 - models import this module

    database = database_proxy.obj
    with _schema_lock, database.atomic():
        if is_postgresql():
            # Two processes starting on an empty PostgreSQL database would otherwise race on
            # CREATE TABLE IF NOT EXISTS (duplicate pg_type rows) and on the SchemaMeta row;
            # SQLite's BEGIN IMMEDIATE already serialises them. Released at commit.
            database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (_PG_SCHEMA_LOCK_KEY,))
        meta = None
        if database.table_exists(models.SchemaMeta._meta.table_name):
            meta = models.SchemaMeta.get_or_none(models.SchemaMeta.id == 1)
        if meta is not None:
            for version in range(meta.version + 1, SCHEMA_VERSION + 1):
                MIGRATIONS[version](database)
        database.create_tables(models.ALL_MODELS, safe=True)
        if meta is None:
            create_trigram_indexes(database)  # a new store starts at the latest version
            models.SchemaMeta.insert(id=1, version=SCHEMA_VERSION).on_conflict_ignore().execute()
            return SCHEMA_VERSION
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
