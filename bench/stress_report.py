"""The report of a bench.stress run: outcomes by operation, then the checks that must be 0."""

from __future__ import annotations

import sys

from bench.lost_updates import failures


def print_table(figures: dict, out=sys.stdout) -> None:
    def line(label, value=""):
        print(f"  {label:<46} {value}", file=out)

    seconds = figures["seconds"]
    postgresql = figures.get("backend") == "postgresql"
    store = (
        "one PostgreSQL database (READ COMMITTED, pooled connections)"
        if postgresql
        else "one SQLite file (WAL, busy_timeout, BEGIN IMMEDIATE)"
    )
    print(
        f"\nStress: {figures['procs']} processes x {figures['ops_per_proc']} operations, {store}",
        file=out,
    )
    line("prospects in the pool / hot set", f"{figures['pool']} / {figures['hot']}")
    line("wall time", f"{seconds:.1f} s")
    line("operations", f"{figures['operations']}  ({figures['operations'] / seconds:.0f} ops/s)")
    latency = figures["write_latency_ms"]
    line(
        "write op latency p50 / p95 / max",
        f"{latency['p50']:.1f} / {latency['p95']:.1f} / {latency['max']:.0f} ms",
    )
    print("  outcomes by operation:", file=out)
    for op, counts in sorted(figures["by_op"].items()):
        for outcome, n in sorted(counts.items(), key=lambda kv: -kv[1]):
            line(f"    {op:<8} {outcome}", n)
    print("  totals:", file=out)
    for outcome, n in sorted(figures["outcomes"].items(), key=lambda kv: -kv[1]):
        line(f"    {outcome}", n)
    print("  checks (all must be 0 / ok):", file=out)
    detail = figures["lost_detail"]
    line(
        "LOST UPDATES",
        f"{figures['lost_updates']}  (duplicate claims {detail['duplicate_claims']}, "
        f"vanished {detail['vanished_successes']}, overwritten {detail['overwritten_tokens']})",
    )
    line('"database is locked" reaching the caller', figures["locked_errors"])
    line("other OperationalError", figures["operational_errors"])
    line("unexpected exceptions", figures["unexpected_errors"])
    line("refused saves written anyway (phantom)", figures["phantom_writes"])
    line("conversions not as reported", figures["conversion_mismatch"])
    line("conversions nobody was told about", figures["unreported_conversions"])
    line("duplicate N° client", figures["duplicate_client_numbers"])
    line("N° client counter behind", figures["sequence_behind"])
    line("audit rows != reported successes", figures["audit_mismatch"])
    if postgresql:
        line("every table read whole", figures["integrity_check"])
        line("foreign keys left NOT VALID", figures["foreign_key_violations"])
    else:
        line("PRAGMA integrity_check", figures["integrity_check"])
        line("PRAGMA foreign_key_check violations", figures["foreign_key_violations"])
    for sample in figures["error_samples"]:
        line("error sample", sample)
    wrong = failures(figures)
    print(f"  RESULT: {'FAILED ' + ', '.join(wrong) if wrong else 'OK'}", file=out)
