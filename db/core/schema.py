"""The schema: tables of the current models, its version, and the migrations that reach it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

import peewee

from db.core import models
from db.core.database import database_proxy, is_postgresql
from db.core.kinds import CompanyKind

SCHEMA_VERSION = 3


def _migrate_2(database: peewee.Database) -> None:
    """Schema 2: catalogue and SEPA creditor per operator; failed logins per (login, source).

    Every operator keeps what it saw: the first operator (lowest IDENTIFIANT) gets the offers,
    each other one a copy, its quotes' and orders' lines pointed at its copy; the shared
    creditor settings are copied to each operator. LoginThrottle starts empty.
    """
    from playhouse.migrate import SchemaMigrator, migrate  # noqa: PLC0415

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
        .where(Company.kind == CompanyKind.OPERATOR)
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
# db.core.database.contains_folded & co.), each with a trigram GIN index on lower(column) (pg_trgm),
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
    sql: Callable[[str], Any] = database.execute_sql  # untyped in peewee's stubs
    try:
        with database.atomic():  # a savepoint: a refusal must not abort the caller's transaction
            sql("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except peewee.DatabaseError as exc:
        logging.getLogger(__name__).warning(
            "pg_trgm indisponible (%s) : les filtres « contient » liront les tables entières.",
            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__,
        )
        return False
    for table, column in TRIGRAM_INDEXES:
        sql(
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
