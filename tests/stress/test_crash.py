"""SIGKILL in the middle of conversions and multi-row saves, many times: nothing half-done."""

from __future__ import annotations

import pytest

from bench.crash import prepare, print_figures, run_kills, verify


@pytest.mark.slow
def test_killed_conversions_leave_every_prospect_whole_or_untouched(tmp_path, capsys):
    path = tmp_path / "crash.db"
    prepare(path, ready=200, partial=40, seed=3)
    run = run_kills(path, kills=30, seed=3, max_run=0.25)
    figures = verify(path)
    print_figures(run, figures)
    report = capsys.readouterr().out
    assert run["child_errors"] == 0, report
    assert figures["problems"] == [], report
    assert figures["integrity_check"] == "ok"
    assert figures["half_saves"] == 0
    # The kills did land while converting, and conversions and saves did commit in between.
    assert run["kills_in_transaction"] > 0, report
    assert any(p.startswith("conversion, write") for p in run["kill_phases"]), report
    assert figures["fully_converted"] > 0 and figures["step_saves_committed"] > 0, report
    assert figures["untouched_prospects"] > 0, report
    assert figures["conversion_after_crashes"].startswith("CL"), report
