"""Crash safety: SIGKILL a process in the middle of conversions and wizard saves, many times.

    .venv/bin/python -m bench.crash --kills 200                 # fresh temporary database
    .venv/bin/python -m bench.crash --db /tmp/crash.db --kills 200

A child process opens the SQLite database itself and loops: conversions of prospects, wizard
step saves (each writes several rows in one transaction: company + site + audit for step 1,
billing point + RUM + company + audit for step 2, administrator + company + audit for step 3)
and new prospects (company + site + audit). The parent lets it run for a random moment, kills it
with SIGKILL, and starts another one, `--kills` times. Children are forked from a forkserver
that never opened the database, so they start in milliseconds and each opens it itself.

Then it checks that PRAGMA integrity_check is ok and that every prospect is either fully
converted (kind client, N° client, converted_at/by, exactly one audit row naming the number) or
untouched by conversion (kind prospect, no N° client, no conversion audit row), that N° client
are unique and their counter is not behind, and that no multi-row save is half there: each
record's version moved by exactly the number of audited saves of it, and step 1's token is the
same in the company and its site. Exit status 1 if anything is off.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import signal
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

import peewee

from bench.workload import (
    OPERATOR_LOGIN,
    convert,
    fresh_company,
    integrity,
    make_ready_prospects,
    prepare_database,
    save_step,
    scopes_by_login,
    snapshot,
    token_of,
)
from db.companies.prospects import save_company_step
from db.core.database import close_database, database_proxy, open_database
from db.core.errors import DomainError
from db.core.models import AuditLog, Company, CompanyKind, Sequence, Site

RESELLER_ID, OPERATOR_ID = 2, 1
LOGIN = "revendeur"
PHASES = {b"I": "idle", b"C": "conversion", b"S": "step save", b"N": "new prospect"}


def prepare(db_path: Path, ready: int, partial: int, seed: int) -> dict:
    """A fresh database: the demo seed plus `ready` complete prospects and `partial` at step 1."""
    prepare_database(db_path, prospects=0, quotes=0, seed=seed)
    open_database(db_path)
    try:
        rng = random.Random(seed)
        make_ready_prospects(ready, rng, RESELLER_ID, OPERATOR_ID, step=3)
        make_ready_prospects(partial, rng, RESELLER_ID, OPERATOR_ID, step=1)
        ids = [  # with the guide's own prospects (1743-1745) of the same reseller
            cid
            for (cid,) in Company.select(Company.id)
            .where((Company.kind == CompanyKind.PROSPECT) & (Company.reseller == RESELLER_ID))
            .tuples()
        ]
        state = {
            "pool": ids,
            "initial": {f"{k}:{cid}": v for (k, cid), (v, _t) in snapshot(ids).items()},
            "audit_start": AuditLog.select(peewee.fn.MAX(AuditLog.id)).scalar() or 0,
        }
        database_proxy.obj.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        close_database()
    Path(f"{db_path}.crash.json").write_text(json.dumps(state))
    return state


TX_STATES = {0: "", 1: ", write transaction open", 2: ", inside COMMIT"}


def _watch_transactions(tx) -> None:
    """Let the parent see whether a write transaction was open when it killed this process."""
    database = database_proxy.obj
    begin, commit, rollback = database.begin, database.commit, database.rollback

    def watched_begin(*args, **kwargs):
        result = begin(*args, **kwargs)
        tx.value = 1
        return result

    def watched_commit(*args, **kwargs):
        tx.value = 2
        result = commit(*args, **kwargs)
        tx.value = 0
        return result

    def watched_rollback(*args, **kwargs):
        result = rollback(*args, **kwargs)
        tx.value = 0
        return result

    database.begin, database.commit, database.rollback = (
        watched_begin,
        watched_commit,
        watched_rollback,
    )


def child(db_path: str, seed: int, ready, phase, tx, ops) -> None:
    """Convert, save steps and create prospects until killed."""
    open_database(db_path)
    _watch_transactions(tx)
    scope = scopes_by_login()[LOGIN]
    rng = random.Random(seed)
    ready.set()
    n = 0
    prospects: list[int] = []
    while True:
        if n % 40 == 0:
            prospects = [
                cid
                for (cid,) in Company.select(Company.id)
                .where((Company.kind == CompanyKind.PROSPECT) & (Company.reseller == RESELLER_ID))
                .tuples()
            ]
        n += 1
        cid = rng.choice(prospects) if prospects else None
        roll = rng.random() if prospects else 1.0
        try:
            if roll < 0.45:
                phase.value = b"C"
                convert(scope, cid)
            elif roll < 0.92:
                phase.value = b"S"
                save_step(scope, cid, rng.choice((1, 2, 3)), f"s{seed}-{n}", rng)
            else:
                phase.value = b"N"
                save_company_step(scope, None, fresh_company(rng, f"s{seed}-{n}"))
        except DomainError:
            pass  # refusals (incomplete, already converted...) are normal here
        except Exception:  # noqa: BLE001 - anything else is a bug: tell the parent, stop
            phase.value = b"I"
            traceback.print_exc()
            os._exit(3)
        phase.value = b"I"
        ops.value += 1


def run_kills(db_path: Path, kills: int, seed: int, max_run: float = 0.3) -> dict:
    """Start a child, let it run a random moment, SIGKILL it; `kills` times."""
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(["bench.workload"])
    from bench import crash  # noqa: PLC0415 - the target by its module name, even under -m

    rng = random.Random(seed)
    phases: Counter = Counter()
    ops_done, child_errors, in_transaction = 0, 0, 0
    started = time.perf_counter()
    for k in range(kills):
        ready, phase, ops = ctx.Event(), ctx.RawValue("c", b"I"), ctx.RawValue("q", 0)
        tx = ctx.RawValue("b", 0)
        proc = ctx.Process(
            target=crash.child, args=(str(db_path), seed * 10_000 + k, ready, phase, tx, ops)
        )
        proc.start()
        if not ready.wait(timeout=60):
            proc.kill()
            raise RuntimeError("the child did not open the database")
        time.sleep(rng.uniform(0.005, max_run))
        if proc.is_alive():
            os.kill(proc.pid, signal.SIGKILL)
        proc.join()
        if proc.exitcode != -signal.SIGKILL:
            child_errors += 1
        phases[PHASES.get(phase.value, "?") + TX_STATES.get(tx.value, "?")] += 1
        in_transaction += tx.value != 0
        ops_done += ops.value
    return {
        "kills": kills,
        "seconds": time.perf_counter() - started,
        "kill_phases": dict(phases),
        "kills_in_transaction": in_transaction,
        "child_ops_completed": ops_done,
        "child_errors": child_errors,
    }


def verify(db_path: Path) -> dict:
    """The checks of the module docstring; `problems` lists what is wrong (empty when all is well)."""
    state = json.loads(Path(f"{db_path}.crash.json").read_text())
    initial = {
        (key.split(":")[0], int(key.split(":")[1])): v for key, v in state["initial"].items()
    }
    open_database(db_path)
    problems: list[str] = []
    try:
        figures = {}
        figures["integrity_check"], figures["foreign_key_violations"] = integrity()
        if figures["integrity_check"] != "ok":
            problems.append(f"integrity_check: {figures['integrity_check']}")
        if figures["foreign_key_violations"]:
            problems.append(f"{figures['foreign_key_violations']} foreign key violations")

        audit = list(
            AuditLog.select().where(
                (AuditLog.id > state["audit_start"]) & (AuditLog.entity == "company")
            )
        )
        created = {r.entity_id for r in audit if r.action == "prospect_created"}
        conversions: dict[int, list[dict]] = {}
        saves: Counter = Counter()
        for row in audit:
            details = json.loads(row.details) if row.details else {}
            if row.action == "converted_to_client":
                conversions.setdefault(row.entity_id, []).append(details)
            elif row.action == "prospect_step_saved":
                saves[(details["step"], row.entity_id)] += 1
        pool = list(state["pool"]) + sorted(created)
        companies = {c.id: c for c in Company.select().where(Company.id.in_(pool))}
        missing = [cid for cid in pool if cid not in companies]
        if missing:
            problems.append(f"companies gone: {missing[:5]}")
        stray = (
            Company.select()
            .where(
                (Company.reseller == RESELLER_ID)
                & Company.kind.in_((CompanyKind.PROSPECT, CompanyKind.CLIENT))
                & Company.id.not_in(pool)
            )
            .count()
        )
        if stray:
            problems.append(f"{stray} prospects created without their audit row")

        converted = untouched = 0
        for cid, c in companies.items():
            rows = conversions.get(cid, [])
            if c.kind == CompanyKind.CLIENT:
                whole = (
                    c.client_number
                    and c.converted_at
                    and c.converted_by == LOGIN
                    and len(rows) == 1
                    and rows[0].get("client_number") == c.client_number
                )
                converted += 1
                if not whole:
                    problems.append(f"half-converted {cid}: {c.client_number} {rows}")
            elif c.kind == CompanyKind.PROSPECT:
                untouched += 1
                if c.client_number or c.converted_at or c.converted_by or rows:
                    problems.append(f"prospect {cid} carries conversion traces")
            else:
                problems.append(f"{cid} has kind {c.kind}")

        numbers = [c.client_number for c in Company.select() if c.client_number]
        if len(numbers) != len(set(numbers)):
            problems.append("duplicate N° client")
        sequence = Sequence.get_or_none(Sequence.name == "client_number")
        if numbers and (sequence is None or sequence.value < max(int(n[2:]) for n in numbers)):
            problems.append("N° client counter behind the numbers given")

        # Multi-row saves: a version moved by exactly the audited saves of it, nothing half.
        final = snapshot(pool)
        for cid in created:
            initial[("company", cid)] = initial[("site", cid)] = 1
        half = 0
        for cid in pool:
            expected = {
                "company": initial.get(("company", cid), 0)
                + sum(saves[(s, cid)] for s in (1, 2, 3))
                + len(conversions.get(cid, [])),
                "site": initial.get(("site", cid), 0) + saves[(1, cid)],
                "billing": initial.get(("billing", cid), 0) + saves[(2, cid)],
                "admin": initial.get(("admin", cid), 0) + saves[(3, cid)],
            }
            for kind, version in expected.items():
                actual = final.get((kind, cid), (0, None))[0]
                if actual != version:
                    half += 1
                    problems.append(f"{kind} of {cid}: version {actual}, audited {version}")
            site_token = final.get(("site", cid), (0, None))[1]
            if site_token != token_of(companies[cid].name if cid in companies else None):
                half += 1
                problems.append(f"step 1 of {cid}: company and site tokens differ")
            if not Site.select().where(Site.company == cid).exists():
                problems.append(f"prospect {cid} without its site")
        figures.update(
            prospects_checked=len(pool),
            created_during_run=len(created),
            fully_converted=converted,
            untouched_prospects=untouched,
            step_saves_committed=sum(saves.values()),
            half_saves=half,
        )
        # The database still works after all this: one more conversion goes through.
        scope = scopes_by_login()[OPERATOR_LOGIN]
        figures["conversion_after_crashes"] = "n/a"
        for cid in pool:
            if companies.get(cid) and companies[cid].kind == CompanyKind.PROSPECT:
                try:
                    figures["conversion_after_crashes"] = convert(scope, cid)[1]
                    break
                except DomainError:
                    continue
    finally:
        close_database()
    figures["problems"] = problems
    return figures


def print_figures(run: dict, figures: dict, out=sys.stdout) -> None:
    def line(label, value=""):
        print(f"  {label:<52} {value}", file=out)

    print("\nCrash safety: SIGKILL during conversions and multi-row saves (SQLite WAL)", file=out)
    line("kills", f"{run['kills']} in {run['seconds']:.1f} s")
    line("  with a write transaction open", run["kills_in_transaction"])
    for phase, n in sorted(run["kill_phases"].items(), key=lambda kv: -kv[1]):
        line(f"  killed during {phase}", n)
    line("operations completed by the children", run["child_ops_completed"])
    line("children that died of anything else", run["child_errors"])
    line("prospects checked", figures["prospects_checked"])
    line("  fully converted", figures["fully_converted"])
    line("  untouched by conversion (prospect)", figures["untouched_prospects"])
    line("  created during the run", figures["created_during_run"])
    line("step saves committed (audited)", figures["step_saves_committed"])
    line("half-done saves or conversions", figures["half_saves"])
    line("PRAGMA integrity_check", figures["integrity_check"])
    line("PRAGMA foreign_key_check violations", figures["foreign_key_violations"])
    line("conversion after the crashes", figures["conversion_after_crashes"])
    for problem in figures["problems"][:20]:
        line("PROBLEM", problem)
    ok = not figures["problems"] and not run["child_errors"]
    print(f"  RESULT: {'OK' if ok else 'FAILED'}", file=out)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="SQLite file to create (replaced)")
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--ready", type=int, default=1500, help="complete prospects at start")
    parser.add_argument("--partial", type=int, default=300, help="prospects at step 1 at start")
    parser.add_argument("--max-run", type=float, default=0.3, help="longest life of a child (s)")
    parser.add_argument("--seed", type=int, default=9)
    args = parser.parse_args(argv)
    db_path = Path(args.db or Path(tempfile.mkdtemp(prefix="myopenip-crash-")) / "crash.db")
    print(f"Preparing {db_path} ({args.ready} complete + {args.partial} partial prospects)...")
    prepare(db_path, args.ready, args.partial, args.seed)
    run = run_kills(db_path, args.kills, args.seed, args.max_run)
    figures = verify(db_path)
    print_figures(run, figures)
    return 1 if figures["problems"] or run["child_errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
