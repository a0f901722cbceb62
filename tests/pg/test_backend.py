"""The store behaves the same on SQLite and PostgreSQL.

These tests run on SQLite in `make test` and on a real PostgreSQL server in `.ci/run`
(scripts/with-postgres sets MYOPENIP_TEST_DATABASE_URL); the few that only make sense on one
backend say so.
"""

from __future__ import annotations

import os
import threading
from decimal import Decimal

import pytest
from peewee import AutoField

from db.companies.conversion import convert_to_client
from db.companies.prospects import (
    ProspectFilters,
    count_prospects,
    list_prospects,
    save_company_step,
)
from db.core.database import (
    SCHEMA_VERSION,
    contains_folded,
    database_proxy,
    init_schema,
    is_postgresql,
    is_sqlite,
)
from db.core.errors import ConcurrentEditError, ConversionRefused
from db.core.models import (
    ALL_MODELS,
    AuditLog,
    BillingPoint,
    Company,
    CompanyKind,
    Contact,
    Document,
    Quote,
    QuoteLine,
    Sequence,
    Setting,
    Site,
    User,
    fold,
)
from db.core.rows import next_value
from db.demo.bulk_load import set_counter

PG_URL = os.environ.get("MYOPENIP_TEST_DATABASE_URL", "")
pg_only = pytest.mark.skipif(not PG_URL, reason="needs MYOPENIP_TEST_DATABASE_URL")


def test_runs_on_the_backend_it_was_asked_for(empty_db):
    """A PostgreSQL run that silently fell back to SQLite would prove nothing."""
    if PG_URL:
        assert is_postgresql() and not is_sqlite()
        assert empty_db.startswith("postgresql://")
    else:
        assert is_sqlite()


def test_init_schema_is_idempotent_and_creates_every_table(empty_db):
    assert init_schema() == init_schema()
    tables = set(database_proxy.obj.get_tables())
    assert {m._meta.table_name for m in ALL_MODELS} <= tables


@pg_only
@pytest.mark.postgres
def test_init_schema_from_two_processes_at_once(empty_db):
    """Two app instances starting together on an empty database: both succeed, one schema."""
    import multiprocessing

    database_proxy.obj.execute_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        assert pool.map(_init_in_child, [empty_db, empty_db]) == [SCHEMA_VERSION] * 2
    from db.core.models import SchemaMeta

    assert SchemaMeta.select().count() == 1


def _init_in_child(url: str) -> int:
    from db.core.database import close_database, open_database

    open_database(url)
    try:
        return init_schema()
    finally:
        close_database()


def test_serial_ids_continue_after_the_seeded_ones(demo_db, scopes):
    """The demo inserts explicit ids (1..10, 1100.., 1743-1745): new rows must not collide."""
    before = Company.select(Company.id).order_by(Company.id.desc()).first().id
    data = {
        "name": "NOUVEAU PROSPECT",
        "siren": "732829320",
        "siret": "73282932000074",
        "site_number": "1",
        "site_street": "rue de Paris",
        "site_postcode": "75001",
        "site_city": "Paris",
        "site_country": "France",
    }
    new_id = save_company_step(scopes["revendeur"], None, data)
    assert new_id > before
    assert Site.get(Site.company == new_id).id > 0
    if is_postgresql():
        # Every serial sequence is at or past its table's largest id.
        db = database_proxy.obj
        for model in ALL_MODELS:
            pk = model._meta.primary_key
            if not isinstance(pk, AutoField):
                continue
            table, column = model._meta.table_name, pk.column_name
            sequence = db.execute_sql(
                "SELECT pg_get_serial_sequence(%s, %s)", (table, column)
            ).fetchone()[0]
            last, called = db.execute_sql(
                f"SELECT last_value, is_called FROM {sequence}"
            ).fetchone()
            top = db.execute_sql(f'SELECT COALESCE(MAX("{column}"), 0) FROM "{table}"').fetchone()[
                0
            ]
            assert (last if called else last - 1) >= top, table


def test_counters_upsert_and_advance(empty_db):
    set_counter("quote_number", 10)
    set_counter("quote_number", 95225)  # a second seed overwrites, it does not fail
    assert Sequence.get_by_id("quote_number").value == 95225
    assert next_value("quote_number") == 95226
    assert next_value("brand_new", start=1000) == 1001


def test_settings_upsert(empty_db):
    for value in ("a", "b"):
        Setting.insert(key="k", value=value).on_conflict(
            conflict_target=[Setting.key], update={Setting.value: value}
        ).execute()
    assert Setting.get_by_id("k").value == "b"


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (ProspectFilters(name="duval"), {1743}),
        (ProspectFilters(name="DUVAL"), {1743}),
        (ProspectFilters(name="Cabinet Duval et associés"), {1743}),
        (ProspectFilters(name="ASSOCIES", place="clichy"), {1743}),
        (ProspectFilters(place="CLICHY", name="garage du centre"), {1745}),
        (ProspectFilters(identifiant="1744"), {1744}),
        (ProspectFilters(identifiant="abc"), set()),
    ],
)
def test_filters_are_case_and_accent_insensitive(demo_db, scopes, filters, expected):
    rows = list_prospects(scopes["revendeur"], filters, limit=1000)
    guide = {r.id for r in rows} & {1743, 1744, 1745}
    assert guide == expected
    assert count_prospects(scopes["revendeur"], filters) == len(rows)


@pytest.mark.parametrize("wildcard", ["%", "_", "\\"])
def test_like_wildcards_typed_in_a_filter_are_literal(demo_db, scopes, wildcard):
    assert list_prospects(scopes["operateur"], ProspectFilters(name=wildcard)) == []
    assert count_prospects(scopes["operateur"], ProspectFilters(place=wildcard)) == 0


def test_paging_is_stable_and_complete(demo_db, scopes):
    scope = scopes["revendeur"]
    total = count_prospects(scope, ProspectFilters())
    seen = []
    for offset in range(0, total, 7):
        seen += [r.id for r in list_prospects(scope, ProspectFilters(), offset=offset, limit=7)]
    assert len(seen) == total == len(set(seen))
    assert seen == sorted(seen, reverse=True)


def test_booleans_filter_the_same_way(demo_db):
    admins = Contact.select().where(Contact.is_admin == True).count()  # noqa: E712
    others = Contact.select().where(Contact.is_admin == False).count()  # noqa: E712
    assert admins > 0 and others > 0
    assert admins + others == Contact.select().count()
    row = Contact.get((Contact.company == 1744) & (Contact.is_admin == True))  # noqa: E712
    assert row.is_admin is True


def test_decimals_round_trip_exactly(demo_db):
    quote = Quote.get((Quote.number == 95225) & (Quote.revision == 1))
    assert quote.setup_total == Decimal("82.80") and quote.monthly_total == Decimal("5.76")
    assert isinstance(quote.setup_total, Decimal)
    # Every seeded quote's totals are the exact sum of its lines.
    for q in Quote.select().limit(30):
        lines = list(QuoteLine.select().where(QuoteLine.quote == q.id))
        assert q.setup_total == sum((ln.setup_fee * ln.quantity for ln in lines), Decimal(0))
        assert q.monthly_total == sum((ln.monthly_fee * ln.quantity for ln in lines), Decimal(0))


def test_datetimes_round_trip(demo_db):
    company = Company.get_by_id(1744)
    assert company.created_at is not None and company.created_at.microsecond == 0
    Company.update(converted_at=company.created_at).where(Company.id == 1744).execute()
    assert Company.get_by_id(1744).converted_at == company.created_at


def test_blob_content_round_trips(demo_db):
    payload = bytes(range(256)) * 4
    doc = Document.create(
        company=1744, kind=Document.KIND_RIB, filename="rib.pdf", size=len(payload),
        sha256="x", content=payload,
    )  # fmt: skip
    # psycopg2 returns a memoryview for bytea, sqlite3 bytes: bytes() gives the same on both.
    assert bytes(Document.get_by_id(doc.id).content) == payload


def test_unique_constraints_are_enforced(demo_db):
    from peewee import IntegrityError

    rum = BillingPoint.get(BillingPoint.rum.is_null(False)).rum
    other = BillingPoint.select().where(BillingPoint.rum != rum).first()
    with pytest.raises(IntegrityError):
        BillingPoint.update(rum=rum).where(BillingPoint.id == other.id).execute()
    # The failed statement leaves the connection usable (no aborted transaction on PostgreSQL).
    assert BillingPoint.select().count() > 0


def test_failed_transaction_rolls_back_everything(demo_db):
    before = AuditLog.select().count()
    from db.core.database import atomic

    with pytest.raises(RuntimeError), atomic():
        AuditLog.create(action="test")
        raise RuntimeError
    assert AuditLog.select().count() == before


def test_two_simultaneous_conversions_have_one_winner(demo_db, scopes):
    """Row lock (PostgreSQL FOR UPDATE, SQLite BEGIN IMMEDIATE): one client number, one refusal."""
    barrier = threading.Barrier(2)
    results: list[object] = []

    def convert():
        barrier.wait()
        try:
            results.append(convert_to_client(scopes["revendeur"], 1744))
        except (ConversionRefused, ConcurrentEditError) as exc:
            results.append(exc)
        finally:
            database_proxy.obj.close()

    threads = [threading.Thread(target=convert) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    numbers = [r for r in results if isinstance(r, str)]
    refusals = [r for r in results if not isinstance(r, str)]
    assert len(numbers) == 1 and len(refusals) == 1, results
    company = Company.get_by_id(1744)
    assert company.kind == CompanyKind.CLIENT and company.client_number == numbers[0]
    assert AuditLog.select().where(AuditLog.action == "converted_to_client").count() == 1


def test_users_logins_are_case_sensitive_on_both(demo_db):
    assert User.get_or_none(User.login == "revendeur") is not None
    assert User.get_or_none(User.login == "REVENDEUR") is None


@pytest.mark.parametrize("text", ["duval", "ass", "é", "e", "zzz", "%", "_", "\\", "a%b", "o_c"])
def test_contains_folded_finds_what_contains_finds(demo_db, text):
    """LIKE on the pre-folded columns = peewee's contains (ILIKE on PostgreSQL), wildcards literal."""
    folded = fold(text)
    fast = Company.select(Company.id).where(contains_folded(Company.search_name, folded))
    slow = Company.select(Company.id).where(Company.search_name.contains(folded))
    assert {c.id for c in fast} == {c.id for c in slow}


def test_contains_folded_takes_wildcards_literally(empty_db):
    for name in ("100% BIO", "A_B", "C\\D", "ABCD"):
        Company.create(kind=CompanyKind.PROSPECT, name=name)

    def found(text):
        query = Company.select().where(contains_folded(Company.search_name, fold(text)))
        return sorted(c.name for c in query)

    assert found("%") == ["100% BIO"]
    assert found("_") == ["A_B"]
    assert found("\\") == ["C\\D"]
    assert found("b") == sorted(["100% BIO", "A_B", "ABCD"])


def test_postgresql_urls_open_a_pool_with_overridable_defaults():
    from playhouse.pool import PooledPostgresqlDatabase

    from db.core.database import POSTGRES_POOL, open_database

    previous = database_proxy.obj
    try:
        for url in (
            "postgresql://u:p%40ss%2Fw@db.example:6432/book",
            "postgres://u:p%40ss%2Fw@db.example:6432/book",
        ):
            database = open_database(url)  # nothing is connected until a query
            assert isinstance(database, PooledPostgresqlDatabase)
            assert database.database == "book"
            assert database.connect_params == {
                "user": "u", "password": "p@ss/w", "host": "db.example", "port": 6432,
            }  # fmt: skip
            assert database._max_connections == POSTGRES_POOL["max_connections"]
        database = open_database("postgresql+pool://db.example/book?max_connections=3")
        assert database._max_connections == 3
        assert database._stale_timeout == POSTGRES_POOL["stale_timeout"]
    finally:
        database_proxy.initialize(previous)


@pg_only
@pytest.mark.postgres
def test_close_database_closes_every_pooled_connection(demo_db):
    from db.core.database import close_database

    held, release = threading.Event(), threading.Event()

    def query():
        with database_proxy.connection_context():
            Company.select().count()
            held.set()
            release.wait(10)

    worker = threading.Thread(target=query)
    worker.start()
    held.wait(10)
    Company.select().count()  # a second connection, for this thread, left open
    release.set()
    worker.join()
    pool = database_proxy.obj
    assert len(pool._connections) == 1 and len(pool._in_use) == 1  # one idle, one in use
    raw = [pool._connections[0][2], *(c.connection for c in pool._in_use.values())]
    close_database()
    assert pool._connections == [] and pool._in_use == {}
    assert all(conn.closed for conn in raw)
