"""db.demo.bulk_load: the seed's one write path. On PostgreSQL it is COPY (text format), on SQLite
multi-row INSERTs: both must store exactly what Model.insert_many would, whatever the text."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import peewee
import pytest

from db.core.database import database_proxy, is_postgresql
from db.core.kinds import CompanyKind
from db.core.models import Company, Document, Quote, Site
from db.demo.bulk_load import bulk_insert, indexes_built_after

PG_URL = os.environ.get("MYOPENIP_TEST_DATABASE_URL", "")
pg_only = pytest.mark.skipif(not PG_URL, reason="needs MYOPENIP_TEST_DATABASE_URL")

AWKWARD = [
    "back\\slash",
    "tab\there",
    "new\nline",
    "carriage\rreturn",
    "\\N",  # COPY's NULL marker, as text
    "\\.",  # COPY's old end-of-data marker
    "",
    "ÉLÉGANT — «guillemets» ☎ 日本",
    "trailing backslash\\",
    "quote ' and \" double",
]


def _companies(rows: int, start: int = 50_000) -> list[dict]:
    return [
        {
            "id": start + i,
            "kind": CompanyKind.PROSPECT,
            "name": AWKWARD[i % len(AWKWARD)],
            "search_name": AWKWARD[(i + 1) % len(AWKWARD)],
            "siren": None if i % 3 == 0 else f"{i:09d}",
            "creation_step": i % 4,
            "converted_at": dt.datetime(2024, 5, 17, 13, 45, 12, 345000) if i % 2 else None,
        }
        for i in range(rows)
    ]


def test_awkward_text_nulls_dates_and_defaults_round_trip(empty_db):
    rows = _companies(len(AWKWARD) * 2)
    bulk_insert(Company, rows)
    stored = {c.id: c for c in Company.select().where(Company.id >= 50_000)}
    assert len(stored) == len(rows)
    for row in rows:
        company = stored[row["id"]]
        for key, value in row.items():
            assert getattr(company, key) == value, (key, value)
        # Fields not given take their model default, as insert_many would.
        assert company.lock_version == Company.lock_version.default
        assert company.updated_by == Company.updated_by.default
        assert company.created_at is not None
        assert company.client_number is None


def test_decimals_dates_booleans_and_foreign_keys(empty_db):
    bulk_insert(Company, [{"id": 7, "kind": CompanyKind.CLIENT, "name": "C"}])
    bulk_insert(
        Site,
        [
            {"company": 7, "is_main": True, "city": "Paris", "search_city": "paris"},
            {"company": 7, "is_main": False, "city": "Tab\tCity", "search_city": "x"},
        ],
    )
    bulk_insert(
        Quote,
        [
            {
                "number": n,
                "company": 7,
                "created_on": dt.date(2019, 1, 1) + dt.timedelta(days=n),
                "setup_total": Decimal("1234.567"),
                "monthly_total": Decimal("0.1") * n,
            }
            for n in range(3)
        ],
    )
    sites = list(Site.select().order_by(Site.id))
    assert [(s.is_main, s.city) for s in sites] == [(True, "Paris"), (False, "Tab\tCity")]
    quotes = list(Quote.select().order_by(Quote.number))
    assert [q.created_on for q in quotes] == [
        dt.date(2019, 1, 1) + dt.timedelta(days=n) for n in range(3)
    ]
    assert quotes[0].setup_total == Decimal("1234.57")  # auto_round, as the model does
    assert [q.monthly_total for q in quotes] == [Decimal("0.00"), Decimal("0.10"), Decimal("0.20")]
    assert all(q.revision == 1 and q.step == 1 for q in quotes)


def test_bytes_round_trip(empty_db):
    bulk_insert(Company, [{"id": 3, "kind": CompanyKind.CLIENT, "name": "C"}])
    content = bytes(range(256)) + b"\\N\t\n"
    bulk_insert(
        Document,
        [
            {
                "company": 3,
                "kind": "mandat",
                "filename": "a.pdf",
                "content": content,
                "size": 1,
                "sha256": "x",
            }
        ],
    )
    assert bytes(Document.get().content) == content


def test_a_missing_required_value_is_refused_before_anything_is_sent(empty_db):
    with pytest.raises(ValueError, match="kind"):
        bulk_insert(Company, [{"id": 1, "name": "sans kind"}])
    assert Company.select().count() == 0


def test_a_bad_row_fails_the_whole_batch_and_its_transaction(empty_db):
    rows = _companies(5)
    rows[3]["id"] = rows[1]["id"]  # duplicate primary key
    with pytest.raises(peewee.IntegrityError), database_proxy.atomic():
        bulk_insert(Company, rows)
    assert Company.select().count() == 0


@pg_only
def test_the_postgresql_path_is_copy(empty_db, monkeypatch):
    sent = []
    database = database_proxy.obj
    real_cursor = database.cursor

    def cursor(*args, **kwargs):
        cur = real_cursor(*args, **kwargs)
        copy = cur.copy_expert

        class Spy:
            def __getattr__(self, name):
                return getattr(cur, name)

            def copy_expert(self, sql, stream):
                sent.append(sql)
                return copy(sql, stream)

        return Spy()

    monkeypatch.setattr(database, "cursor", cursor)
    bulk_insert(Company, _companies(3))
    monkeypatch.undo()
    assert len(sent) == 1 and sent[0].startswith('COPY "company" (')
    assert Company.select().where(Company.id >= 50_000).count() == 3


def _schema() -> tuple[list, list]:
    indexes = database_proxy.execute_sql(
        "SELECT tablename, indexname, indexdef FROM pg_indexes "
        "WHERE schemaname = current_schema() ORDER BY 1, 2"
    ).fetchall()
    keys = database_proxy.execute_sql(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype IN ('f', 'p', 'u') ORDER BY 1, 2"
    ).fetchall()
    return sorted(indexes), sorted(keys)


@pg_only
def test_indexes_and_foreign_keys_come_back_as_they_were(empty_db):
    before = _schema()
    with indexes_built_after((Company, Site), keep=frozenset({"site_postcode"})):
        names = {row[1] for row in _schema()[0]}
        assert "company_search_name_trgm" not in names and "site_postcode" in names
        bulk_insert(Company, _companies(20))
        bulk_insert(Site, [{"company": 50_000 + i, "city": "X"} for i in range(20)])
    assert _schema() == before


@pg_only
def test_a_broken_foreign_key_in_the_load_is_refused_and_the_schema_restored(empty_db):
    indexes, keys = _schema()
    with pytest.raises(peewee.IntegrityError), indexes_built_after((Company, Site)):
        bulk_insert(Site, [{"company": 999_999, "city": "nowhere"}])
    after_indexes, after_keys = _schema()
    assert after_indexes == indexes
    # Every constraint is back; the one the load broke is NOT VALID: enforced from now on.
    broken = [key for key in after_keys if key not in keys]
    assert [key[1] for key in broken] == ["site_company_id_fkey"]
    assert broken[0][2].endswith("NOT VALID")
    assert len(after_keys) == len(keys)
    with pytest.raises(peewee.IntegrityError):
        Site.create(company=999_998, city="ailleurs")


def test_sqlite_loads_without_touching_the_schema(empty_db):
    if is_postgresql():
        pytest.skip("SQLite only")
    tables = database_proxy.execute_sql("SELECT name, sql FROM sqlite_master ORDER BY name")
    before = tables.fetchall()
    with indexes_built_after((Company, Site)):
        bulk_insert(Company, _companies(4))
    after = database_proxy.execute_sql("SELECT name, sql FROM sqlite_master ORDER BY name")
    assert after.fetchall() == before
