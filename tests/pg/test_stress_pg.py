"""A small run of bench.stress on PostgreSQL (CI's server): no lost update, no database error."""

from __future__ import annotations

import io
import os

import pytest

from bench.lost_updates import failures
from bench.stress import Config, run_stress
from bench.stress_report import print_table
from db.core.database import close_database

PG_URL = os.environ.get("MYOPENIP_TEST_DATABASE_URL", "")


@pytest.mark.slow
@pytest.mark.skipif(not PG_URL, reason="needs MYOPENIP_TEST_DATABASE_URL")
def test_three_processes_on_postgresql_lose_no_update(demo_db, tmp_path):
    close_database()  # the processes open the database themselves, as bench.stress does
    cfg = Config(procs=3, ops=60, seed=11, hot=6, stale_share=0.5)
    figures = run_stress(demo_db, cfg, tmp_path / "logs")
    report = io.StringIO()
    print_table(figures, report)
    out = report.getvalue()
    assert failures(figures) == [], out
    assert "one PostgreSQL database" in out
    assert figures["operations"] == 180
    assert figures["lost_updates"] == 0 and figures["operational_errors"] == 0
    assert figures["foreign_key_violations"] == 0
    by_op = figures["by_op"]
    assert all(by_op.get(op, {}).get("ok", 0) > 0 for op in ("step1", "step2", "step3"))
    assert figures["outcomes"].get("refused: version conflict", 0) > 0
