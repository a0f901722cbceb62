"""Shared fixtures: a fresh store per test (SQLite file, or PostgreSQL when MYOPENIP_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import os
import shutil
from urllib.parse import urlsplit, urlunsplit

import pytest
from hypothesis import settings

from db.core.database import close_database, database_proxy, init_schema, open_database

PG_URL = os.environ.get("MYOPENIP_TEST_DATABASE_URL", "")
DEMO_PROSPECTS = 60
DEMO_QUOTES = 40

# Hypothesis: 500 examples per property in CI (CI=true), a quick 50 locally; no per-example
# deadline (a DB example may wait for a 2-core machine); derandomised so CI runs are
# reproducible and never flaky; no example database in the work tree.
settings.register_profile(
    "ci", max_examples=500, deadline=None, derandomize=True, database=None, print_blob=True
)
settings.register_profile("dev", max_examples=50, deadline=None, database=None)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


# PostgreSQL: PG_URL's database is only used to administer the others. Each xdist worker gets
# its own databases (PG_URL's name + _gwN + purpose): the templates `_empty_tpl` (schema only)
# and `_demo_tpl` (seeded), made once per session, and `_empty` / `_demo`, dropped and cloned
# from them for every test. A clone is a file-level copy: about 4x faster than seeding again (it
# hashes no password), and a fresh database whatever the previous test did to its schema.


def _pg_name(purpose: str) -> str:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    base = urlsplit(PG_URL).path.lstrip("/") or "postgres"
    return "_".join(part for part in (base, worker, purpose) if part)


def _pg_url(purpose: str) -> str:
    return urlunsplit(urlsplit(PG_URL)._replace(path="/" + _pg_name(purpose)))


def _pg_admin(*statements: str) -> None:
    import psycopg2  # noqa: PLC0415 - only needed on PostgreSQL

    conn = psycopg2.connect(PG_URL.replace("postgres://", "postgresql://", 1))
    conn.autocommit = True  # CREATE/DROP DATABASE refuse to run in a transaction
    try:
        with conn.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        conn.close()


def _pg_recreate(purpose: str, template: str | None = None) -> str:
    """Drop and create database `purpose` (a copy of `template` if given); returns its URL."""
    close_database()
    name = _pg_name(purpose)
    # FORCE: connections a test's threads left open must not keep the database alive.
    _pg_admin(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
        f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{_pg_name(template)}"' if template else ""),
    )
    return _pg_url(purpose)


@pytest.fixture(scope="session")
def pg_empty_template():
    """PostgreSQL: this worker's databases; yields the schema-only template's purpose."""
    open_database(_pg_recreate("empty_tpl"))
    init_schema()
    close_database()  # a template must have no connection when it is copied
    yield "empty_tpl"
    close_database()
    _pg_admin(
        *(
            f'DROP DATABASE IF EXISTS "{_pg_name(purpose)}" WITH (FORCE)'
            for purpose in ("empty", "demo", "demo_tpl", "empty_tpl")
        )
    )


@pytest.fixture(scope="session")
def pg_demo_template(pg_empty_template):
    """PostgreSQL: the demo store seeded once per session, cloned by `demo_db`."""
    from db.demo.seed import seed_demo

    open_database(_pg_recreate("demo_tpl", template=pg_empty_template))
    seed_demo(prospects=DEMO_PROSPECTS, quotes=DEMO_QUOTES)
    close_database()
    return "demo_tpl"


@pytest.fixture
def empty_db(request, tmp_path):
    """An initialised, empty store; yields its target (path or URL)."""
    if PG_URL:
        url = _pg_recreate("empty", template=request.getfixturevalue("pg_empty_template"))
        open_database(url)
        yield url
    else:
        target = tmp_path / "empty.db"
        open_database(target)
        init_schema()
        yield str(target)
    close_database()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """One seeded demo SQLite file per test session, copied by `demo_db` (seeding hashes passwords)."""
    from db.demo.seed import seed_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    open_database(path)
    init_schema()
    seed_demo(prospects=DEMO_PROSPECTS, quotes=DEMO_QUOTES)
    database_proxy.obj.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    close_database()
    return path


@pytest.fixture
def demo_db(request, tmp_path):
    """The demo store (guide's examples + a small book); yields its target (path or URL)."""
    if PG_URL:
        url = _pg_recreate("demo", template=request.getfixturevalue("pg_demo_template"))
        open_database(url)
        yield url
    else:
        target = tmp_path / "demo.db"
        shutil.copyfile(request.getfixturevalue("demo_template"), target)
        open_database(target)
        yield str(target)
    close_database()


@pytest.fixture
def scopes(demo_db):
    """Scopes of the demo logins, by login."""
    from db.core.models import User
    from db.core.scope import Scope

    return {u.login: Scope.for_user(u) for u in User.select()}
