"""Shared fixtures: a fresh store per test (SQLite file, or PostgreSQL when MYOPENIP_TEST_DATABASE_URL is set)."""

from __future__ import annotations

import os
import shutil

import pytest

from db.database import close_database, database_proxy, init_schema, open_database
from db.models import ALL_MODELS

PG_URL = os.environ.get("MYOPENIP_TEST_DATABASE_URL", "")
DEMO_PROSPECTS = 60
DEMO_QUOTES = 40


def _fresh_pg() -> None:
    open_database(PG_URL)
    database_proxy.obj.drop_tables(list(reversed(ALL_MODELS)), safe=True, cascade=True)
    init_schema()


@pytest.fixture
def empty_db(tmp_path):
    """An initialised, empty store; yields its target (path or URL)."""
    if PG_URL:
        _fresh_pg()
        yield PG_URL
    else:
        target = tmp_path / "empty.db"
        open_database(target)
        init_schema()
        yield str(target)
    close_database()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """One seeded demo SQLite file per test session, copied by `demo_db` (seeding hashes passwords)."""
    from db.seed import seed_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    open_database(path)
    init_schema()
    seed_demo(prospects=DEMO_PROSPECTS, quotes=DEMO_QUOTES)
    database_proxy.obj.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    close_database()
    return path


@pytest.fixture
def demo_db(tmp_path, demo_template):
    """The demo store (guide's examples + a small book); yields its target (path or URL)."""
    if PG_URL:
        from db.seed import seed_demo

        _fresh_pg()
        seed_demo(prospects=DEMO_PROSPECTS, quotes=DEMO_QUOTES)
        yield PG_URL
    else:
        target = tmp_path / "demo.db"
        shutil.copyfile(demo_template, target)
        open_database(target)
        yield str(target)
    close_database()


@pytest.fixture
def scopes(demo_db):
    """Scopes of the demo logins, by login."""
    from db.models import User
    from db.scope import Scope

    return {u.login: Scope.for_user(u) for u in User.select()}
