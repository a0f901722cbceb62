"""Many processes editing and converting the same prospects at once: no lost update, no lock error.

    .venv/bin/python -m bench.stress --procs 8 --ops 1000            # fresh seeded temporary DB
    .venv/bin/python -m bench.stress --db /tmp/stress.db --procs 8 --ops 1000
    scripts/with-postgres sh -c '.venv/bin/python -m bench.stress \\
        --database-url "$MYOPENIP_TEST_DATABASE_URL" --procs 8 --ops 1000'

Each process opens the database itself and runs random operations on a shared pool of prospects
(with a small "hot" set so they collide): wizard step saves 1/2/3 made with the versions loaded
just before (sometimes stale on purpose: the process sleeps between loading and saving),
conversions with the version loaded, new prospects, and reads (bench/workload.py). Every
operation is logged with its outcome; bench/lost_updates.py then counts lost updates (how: see
there) against what the database holds, and bench/stress_report.py prints the figures.

"database is locked" (any OperationalError) reaching the caller is counted separately, and the
run ends with PRAGMA integrity_check and foreign_key_check (on PostgreSQL: every table read
whole, no foreign key left unchecked). Exit status 1 if anything is off.

With --database-url the processes share a PostgreSQL database instead (a throwaway one: its
MyOpenIP tables are dropped and the book seeded again unless it already holds one and --fresh
is not given).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import random
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import peewee

from bench.lost_updates import check, failures
from bench.stress_report import print_table
from bench.workload import (
    OPERATOR_LOGIN,
    RESELLER_LOGINS,
    classify,
    convert,
    fresh_company,
    integrity,
    prepare_database,
    save_step,
    scopes_by_login,
    snapshot,
)
from db.companies import (
    ProspectFilters,
    count_prospects,
    list_prospects,
    load_prospect,
    save_company_step,
)
from db.core import (
    AlreadyConverted,
    AuditLog,
    Company,
    CompanyKind,
    NotFound,
    ValidationErrors,
    close_database,
    database_proxy,
    open_database,
)


@dataclass
class Config:
    procs: int = 8
    ops: int = 1000
    seed: int = 5
    hot: int = 24  # prospects most edits go to, so that processes collide
    hot_share: float = 0.6
    stale_share: float = 0.25  # saves made after a pause, on purpose
    max_pause: float = 0.02
    weights: dict = field(
        default_factory=lambda: {
            "read": 25,
            "step1": 18,
            "step2": 18,
            "step3": 18,
            "convert": 6,
            "create": 3,
        }
    )


def stress_worker(db_path, worker, cfg, pool, owners, log_path, barrier) -> None:
    """One process: opens the database itself, runs cfg.ops random operations, logs each."""
    open_database(db_path)
    scopes = scopes_by_login()
    rng = random.Random(cfg.seed * 1000 + worker)
    pool = list(pool)
    # Converted prospects leave the game: every process walks the same shared order, so the hot
    # set moves on to the same next prospects in all of them and collisions go on all run long.
    gone: set[int] = set()
    kinds, weights = zip(*cfg.weights.items(), strict=True)

    def pick() -> int:
        alive = [cid for cid in pool if cid not in gone] or pool
        return rng.choice(alive[: cfg.hot] if rng.random() < cfg.hot_share else alive)

    barrier.wait()
    with open(log_path, "w", encoding="utf-8") as log:
        for n in range(cfg.ops):
            if n % 25 == 0:  # what a user sees when the list refreshes
                gone.update(
                    cid
                    for (cid,) in Company.select(Company.id)
                    .where(Company.kind != CompanyKind.PROSPECT)
                    .tuples()
                )
            op = rng.choices(kinds, weights)[0]
            cid = pick()
            reseller_login = RESELLER_LOGINS.get(owners.get(cid))
            login = reseller_login if reseller_login and rng.random() < 0.5 else OPERATOR_LOGIN
            scope = scopes[login]
            pause = rng.uniform(0.001, cfg.max_pause) if rng.random() < cfg.stale_share else 0.0
            token = f"w{worker}-{n}"
            entry = {"w": worker, "n": n, "op": op, "id": cid, "login": login, "token": token}
            started = time.perf_counter()
            try:
                if op == "read":
                    filters = ProspectFilters(name=rng.choice(("", "a", "stress", "cabinet")))
                    count_prospects(scope, filters)
                    list_prospects(scope, filters, offset=rng.randrange(0, 100), limit=50)
                    load_prospect(scope, cid, kind=None)
                elif op == "create":
                    new_id = save_company_step(scope, None, fresh_company(rng, token))
                    entry["id"] = new_id
                    pool.append(new_id)
                    owners[new_id] = scope.company_id if not scope.is_operator else None
                elif op == "convert":
                    entry["claims"], entry["number"] = convert(scope, cid, pause)
                else:
                    entry["claims"] = save_step(scope, cid, int(op[-1]), token, rng, pause)
                entry["outcome"] = "ok"
            except Exception as exc:  # noqa: BLE001 - every outcome is logged and counted
                entry["outcome"] = classify(exc)
                if isinstance(exc, (NotFound, AlreadyConverted)) or "déjà client" in str(exc):
                    gone.add(cid)
                if entry["outcome"].startswith("ERROR"):
                    entry["error"] = "".join(traceback.format_exception_only(exc)).strip()
                elif isinstance(exc, ValidationErrors):
                    entry["error"] = json.dumps(exc.errors, ensure_ascii=False)
            entry["seconds"] = time.perf_counter() - started
            log.write(json.dumps(entry, ensure_ascii=False) + "\n")
    close_database()


def run_stress(db_path: Path, cfg: Config, log_dir: Path) -> dict:
    """Run the processes on `db_path` (already initialised) and return the figures."""
    open_database(db_path)
    rows = list(
        Company.select(Company.id, Company.reseller)
        .where((Company.kind == CompanyKind.PROSPECT) & (Company.operator == 1))
        .order_by(Company.id)
        .tuples()
    )
    rng = random.Random(cfg.seed)
    pool = [cid for cid, _ in rows]
    rng.shuffle(pool)
    owners = dict(rows)
    initial = snapshot(pool)
    audit_start = AuditLog.select(peewee.fn.MAX(AuditLog.id)).scalar() or 0
    close_database()

    log_dir.mkdir(parents=True, exist_ok=True)
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(cfg.procs + 1)
    logs = [log_dir / f"worker-{w}.jsonl" for w in range(cfg.procs)]
    procs = [
        ctx.Process(
            target=stress_worker,
            args=(str(db_path), w, cfg, pool, owners, logs[w], barrier),
            daemon=True,
        )
        for w in range(cfg.procs)
    ]
    for proc in procs:
        proc.start()
    barrier.wait(timeout=120)
    started = time.perf_counter()
    for proc in procs:
        proc.join()
    elapsed = time.perf_counter() - started
    entries = [json.loads(line) for path in logs if path.exists() for line in path.open()]

    open_database(db_path)
    try:
        figures = check(entries, initial, audit_start)
        figures["integrity_check"], figures["foreign_key_violations"] = integrity()
    finally:
        close_database()
    figures.update(
        backend="postgresql" if "://" in str(db_path) else "sqlite",
        procs=cfg.procs,
        ops_per_proc=cfg.ops,
        pool=len(pool),
        hot=cfg.hot,
        seconds=elapsed,
        worker_exit_codes=[p.exitcode for p in procs],
    )
    return figures


def _holds_a_book(target) -> bool:
    if "://" not in str(target):
        return Path(target).exists()
    open_database(str(target))
    try:
        return database_proxy.obj.table_exists("company") and Company.select().exists()
    finally:
        close_database()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="SQLite file (created and seeded if absent)")
    parser.add_argument(
        "--database-url", help="postgresql://… (a throwaway database) instead of a SQLite file"
    )
    parser.add_argument("--fresh", action="store_true", help="re-create and seed the database")
    parser.add_argument("--procs", type=int, default=8)
    parser.add_argument("--ops", type=int, default=1000)
    parser.add_argument("--prospects", type=int, default=400, help="size of the seeded book")
    parser.add_argument("--hot", type=int, default=Config.hot)
    parser.add_argument("--stale", type=float, default=Config.stale_share)
    parser.add_argument("--seed", type=int, default=Config.seed)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="myopenip-stress-"))
    db_path = args.database_url or (Path(args.db) if args.db else workdir / "stress.db")
    if args.fresh or not _holds_a_book(db_path):
        print(f"Seeding {db_path} ({args.prospects} companies)...")
        prepare_database(db_path, args.prospects, quotes=100, seed=args.seed)
    cfg = Config(
        procs=args.procs, ops=args.ops, seed=args.seed, hot=args.hot, stale_share=args.stale
    )
    figures = run_stress(db_path, cfg, workdir / "logs")
    print_table(figures)
    print(f"  logs: {workdir / 'logs'}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2, ensure_ascii=False))
    return 1 if failures(figures) else 0


if __name__ == "__main__":
    sys.exit(main())
