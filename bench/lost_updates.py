"""How bench.stress counts lost updates: what callers were told against what the database holds.

A version-checked save based on version v of a record claims the step v -> v+1 of that record.
For each save the caller was told succeeded, the log keeps the claims (record, v) and a unique
token the save wrote in a field of that record (see bench/workload.py). Afterwards:

* two successes claiming the same (record, v) = one overwrote the other unseen: lost update;
* a record's final version must be its initial version + the successes that claimed it
  (fewer: a reported success vanished = lost; more: a refused save was written = phantom);
* the token in the database must be the one of the success with the highest claimed version
  (otherwise an older save overwrote a newer one: lost update);
* every reported conversion holds in the database with its N° client (unique), and the audit
  log holds exactly one row per reported successful save or conversion.
"""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict

from bench.workload import STEP_RECORD, snapshot
from db.core.models import AuditLog, Company, CompanyKind, Sequence


def check(entries: list[dict], initial: dict, audit_start: int) -> dict:
    """Compare what the callers were told with what the database holds (see the module docstring)."""
    ok = [e for e in entries if e["outcome"] == "ok"]
    claims = Counter(tuple(c) for e in ok for c in e.get("claims", ()))
    duplicate_claims = sum(n - 1 for n in claims.values() if n > 1)
    successes = Counter((kind, cid) for (kind, cid, _v) in claims.elements())
    created = {e["id"] for e in ok if e["op"] == "create"}
    expected_base = dict(initial)
    for cid in created:
        expected_base[("company", cid)] = (1, None)
        expected_base[("site", cid)] = (1, None)

    final = snapshot({cid for (_k, cid) in successes} | {cid for (_k, cid) in expected_base})
    vanished = phantom = 0
    for key in set(successes) | set(final):
        expected = expected_base.get(key, (0, None))[0] + successes[key]
        actual = final.get(key, (0, None))[0]
        vanished += max(0, expected - actual)
        phantom += max(0, actual - expected)

    # The token of the success with the highest claimed version must be the one stored.
    latest: dict[tuple[str, int], tuple[int, str]] = {}
    for e in ok:
        if not e["op"].startswith("step"):
            continue
        kind = STEP_RECORD[int(e["op"][-1])]
        for k, cid, version in e["claims"]:
            if k == kind and version >= latest.get((k, cid), (-1, ""))[0]:
                latest[(k, cid)] = (version, e["token"])
    overwritten = sum(1 for key, (_v, token) in latest.items() if final[key][1] != token)
    overwritten += sum(
        1
        for (kind, cid), (_v, token) in latest.items()
        if kind == "site" and final[("company", cid)][1] != token
    )

    # Conversions: every reported success holds, numbers unique, no conversion unreported.
    converted = {e["id"]: e["number"] for e in ok if e["op"] == "convert"}
    conversions_reported = sum(1 for e in ok if e["op"] == "convert")
    rows = {
        c.id: c
        for c in Company.select().where(Company.id.in_(list(converted) or [0]))
        if c.kind == CompanyKind.CLIENT
    }
    conversion_mismatch = conversions_reported - len(converted)  # two successes, one prospect
    conversion_mismatch += sum(
        1
        for cid, number in converted.items()
        if cid not in rows or rows[cid].client_number != number or rows[cid].converted_at is None
    )
    pool_ids = [cid for (kind, cid) in initial if kind == "company"] + list(created)
    unreported = (
        Company.select()
        .where(
            Company.id.in_(pool_ids)
            & (Company.kind == CompanyKind.CLIENT)
            & Company.id.not_in(list(converted) or [0])
        )
        .count()
    )
    numbers = [
        n
        for (n,) in Company.select(Company.client_number)
        .where(Company.client_number.is_null(False))
        .tuples()
    ]
    duplicate_numbers = len(numbers) - len(set(numbers))
    sequence = Sequence.get_or_none(Sequence.name == "client_number")
    highest = max((int(n[2:]) for n in numbers), default=0)
    sequence_behind = int(sequence is None or sequence.value < highest)

    # The audit log: one row per reported success, none for a refusal.
    audited = Counter(
        row.entity_id
        for row in AuditLog.select().where(
            (AuditLog.id > audit_start)
            & AuditLog.action.in_(("prospect_step_saved", "converted_to_client"))
        )
    )
    reported = Counter(cid for (kind, cid) in successes.elements() if kind == "company")
    audit_mismatch = sum(abs(audited[c] - reported[c]) for c in set(audited) | set(reported))

    outcomes = Counter(e["outcome"] for e in entries)
    by_op = defaultdict(Counter)
    for e in entries:
        by_op[e["op"]][e["outcome"]] += 1
    latencies = sorted(e["seconds"] for e in entries if e["op"] != "read")
    errors = [e.get("error", "") for e in entries if e["outcome"].startswith("ERROR")]
    return {
        "operations": len(entries),
        "outcomes": dict(outcomes),
        "by_op": {op: dict(c) for op, c in by_op.items()},
        "lost_updates": duplicate_claims + vanished + overwritten,
        "lost_detail": {
            "duplicate_claims": duplicate_claims,
            "vanished_successes": vanished,
            "overwritten_tokens": overwritten,
        },
        "phantom_writes": phantom,
        "conversion_mismatch": conversion_mismatch,
        "unreported_conversions": unreported,
        "duplicate_client_numbers": duplicate_numbers,
        "sequence_behind": sequence_behind,
        "audit_mismatch": audit_mismatch,
        "locked_errors": sum(
            n for k, n in outcomes.items() if k.startswith("ERROR: database is locked")
        ),
        "operational_errors": outcomes.get("ERROR: OperationalError", 0),
        "unexpected_errors": outcomes.get("ERROR: unexpected", 0),
        "error_samples": errors[:5],
        "write_latency_ms": {
            "p50": 1000 * statistics.median(latencies) if latencies else 0,
            "p95": 1000 * latencies[int(0.95 * (len(latencies) - 1))] if latencies else 0,
            "max": 1000 * latencies[-1] if latencies else 0,
        },
    }


def failures(figures: dict) -> list[str]:
    """What is wrong in a run's figures (empty when all is well)."""
    wrong = [
        name
        for name in (
            "lost_updates",
            "phantom_writes",
            "conversion_mismatch",
            "unreported_conversions",
            "duplicate_client_numbers",
            "sequence_behind",
            "audit_mismatch",
            "locked_errors",
            "operational_errors",
            "unexpected_errors",
            "foreign_key_violations",
        )
        if figures[name]
    ]
    if figures["integrity_check"] != "ok":
        wrong.append("integrity_check")
    if any(code != 0 for code in figures["worker_exit_codes"]):
        wrong.append("worker_exit_codes")
    return wrong
