"""PostgreSQL's trigram indexes (schema 3): created on fresh and on existing stores, and usable
by the lists' real filter queries. Nothing of this exists on SQLite (checked too)."""

from __future__ import annotations

import os

import pytest

from db.companies.prospects import ProspectFilters, _prospect_query
from db.core import schema as store
from db.core.database import database_proxy
from db.core.models import Company, Quote, SchemaMeta
from db.core.schema import (
    SCHEMA_VERSION,
    TRIGRAM_INDEXES,
    init_schema,
    trigram_index_name,
)
from db.quotes.lists import QuoteFilters, _quote_query

PG_URL = os.environ.get("MYOPENIP_TEST_DATABASE_URL", "")
pg_only = pytest.mark.skipif(not PG_URL, reason="needs MYOPENIP_TEST_DATABASE_URL")


def _trigram_indexes() -> set[str]:
    rows = database_proxy.execute_sql(
        "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND indexdef LIKE %s",
        ("%gin_trgm_ops%",),
    ).fetchall()
    return {name for (name,) in rows}


EXPECTED = {trigram_index_name(table, column) for table, column in TRIGRAM_INDEXES}


@pg_only
def test_a_fresh_store_has_pg_trgm_and_every_trigram_index(empty_db):
    assert database_proxy.execute_sql(
        "SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'"
    ).fetchone()
    assert _trigram_indexes() == EXPECTED


@pg_only
def test_a_store_at_version_2_gets_them_at_its_next_start(demo_db):
    """An existing database (seeded, version 2, no trigram index) is migrated in init_schema;
    its rows stay, and the migration is not run twice."""
    for name in EXPECTED:
        database_proxy.execute_sql(f'DROP INDEX "{name}"')
    database_proxy.execute_sql("DROP EXTENSION pg_trgm")
    SchemaMeta.update(version=2).where(SchemaMeta.id == 1).execute()
    quotes = Quote.select().count()
    assert init_schema() == SCHEMA_VERSION == 3
    assert SchemaMeta.get_by_id(1).version == 3
    assert _trigram_indexes() == EXPECTED
    assert Quote.select().count() == quotes
    assert init_schema() == 3  # already there: nothing to do, no error


@pg_only
def test_the_store_opens_without_pg_trgm(empty_db, monkeypatch, caplog):
    """No contrib package, or CREATE refused: the lists scan, the store still opens."""
    for name in EXPECTED:
        database_proxy.execute_sql(f'DROP INDEX "{name}"')
    SchemaMeta.update(version=2).where(SchemaMeta.id == 1).execute()
    database = database_proxy.obj
    real = database.execute_sql

    def refusing(sql, *args, **kwargs):
        if sql.startswith("CREATE EXTENSION"):
            return real("CREATE EXTENSION no_such_extension_here", *args, **kwargs)
        return real(sql, *args, **kwargs)

    monkeypatch.setattr(database, "execute_sql", refusing)
    assert init_schema() == 3
    monkeypatch.undo()
    assert _trigram_indexes() == set()
    assert "pg_trgm indisponible" in caplog.text


def test_sqlite_has_no_trigram_index(empty_db):
    if PG_URL:
        pytest.skip("SQLite only")
    assert store.create_trigram_indexes(database_proxy.obj) is False


@pytest.fixture
def trigram_only(scopes):
    """The demo store with no secondary index but the trigram ones (a throwaway clone): on a
    test-sized table PostgreSQL would rather walk the scope's B-tree, and filter each row."""
    rows = database_proxy.execute_sql(
        "SELECT i.indexname FROM pg_indexes i WHERE i.schemaname = current_schema() "
        "AND i.indexdef NOT LIKE %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))"
        "::regclass)",
        ("%gin_trgm_ops%",),
    ).fetchall()
    for (name,) in rows:
        database_proxy.execute_sql(f'DROP INDEX "{name}"')
    return scopes


def _plan(query) -> str:
    """EXPLAIN of `query` with sequential and plain index scans made prohibitively expensive:
    the plan names the trigram index only if PostgreSQL can use it for this very SQL."""
    sql, params = query.sql()
    database_proxy.execute_sql("SET enable_seqscan = off")
    database_proxy.execute_sql("SET enable_indexscan = off")  # no walking the primary key
    try:
        rows = database_proxy.execute_sql("EXPLAIN " + sql, params).fetchall()
    finally:
        database_proxy.execute_sql("RESET enable_seqscan")
        database_proxy.execute_sql("RESET enable_indexscan")
    return "\n".join(row[0] for row in rows)


@pg_only
@pytest.mark.parametrize(
    "filters, index",
    [
        (ProspectFilters(name="garage"), "company_search_name_trgm"),
        (ProspectFilters(name="duval et"), "company_search_name_trgm"),
        (ProspectFilters(place="paris"), "site_search_city_trgm"),
        (ProspectFilters(place="750"), "site_postcode_trgm"),
    ],
)
def test_prospect_filters_can_use_the_trigram_indexes(trigram_only, filters, index):
    scope = trigram_only["operateur"]
    for for_count in (False, True):
        query = _prospect_query(scope, filters, for_count=for_count)
        if not for_count:
            query = query.order_by(Company.id.desc()).limit(100)
        assert index in _plan(query), (filters, for_count)


@pg_only
@pytest.mark.parametrize(
    "filters, index",
    [
        (QuoteFilters(client="garage"), "company_search_name_trgm"),
        (QuoteFilters(client_number="CL00010"), "company_client_number_trgm"),
        (QuoteFilters(offers="fibre"), "quote_search_offers_trgm"),
    ],
)
def test_quote_filters_can_use_the_trigram_indexes(trigram_only, filters, index):
    scope = trigram_only["operateur"]
    page = _quote_query(scope, filters, Quote.id).order_by(Quote.created_on.desc()).limit(100)
    assert index in _plan(page), filters
    assert index in _plan(_quote_query(scope, filters, Quote.id, for_count=True)), filters


@pg_only
def test_creating_the_trigram_indexes_again_changes_nothing(demo_db):
    database = database_proxy.obj
    assert store.create_trigram_indexes(database) is True
    assert store.create_trigram_indexes(database) is True
    assert _trigram_indexes() == EXPECTED


@pg_only
def test_equality_lookups_never_go_through_a_trigram_index(trigram_only):
    """pg_trgm answers `=` too: indexed on the column, `search_name IN (1,000 names)` (the CSV
    import's duplicate check) went through the trigram index, 26 s instead of milliseconds.
    The indexes are on lower(column), which only the contains filters use."""
    names = [f"import {n} sarl" for n in range(1000)]
    query = Company.select(Company.id).where(
        (Company.reseller == 2) & Company.search_name.in_(names)
    )
    assert "_trgm" not in _plan(query)
    clients = Company.select(Company.id).where(Company.client_number.in_(names))
    assert "_trgm" not in _plan(clients)
