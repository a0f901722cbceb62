"""A small run of bench.stress: several processes on one SQLite file, no lost update, no lock error."""

from __future__ import annotations

import shutil

import pytest

from bench.lost_updates import failures
from bench.stress import Config, run_stress
from bench.stress_report import print_table


@pytest.mark.slow
def test_three_processes_lose_no_update_and_never_see_a_lock(tmp_path, demo_template, capsys):
    path = tmp_path / "stress.db"
    shutil.copyfile(demo_template, path)
    cfg = Config(procs=3, ops=60, seed=11, hot=6, stale_share=0.5)
    figures = run_stress(path, cfg, tmp_path / "logs")
    print_table(figures)
    assert failures(figures) == [], capsys.readouterr().out
    assert figures["operations"] == 180
    assert figures["lost_updates"] == 0 and figures["locked_errors"] == 0
    assert figures["integrity_check"] == "ok"
    # The run did write, concurrently, through every path.
    by_op = figures["by_op"]
    assert all(by_op.get(op, {}).get("ok", 0) > 0 for op in ("step1", "step2", "step3"))
    # ... and the processes did collide: stale saves were refused.
    assert figures["outcomes"].get("refused: version conflict", 0) > 0
