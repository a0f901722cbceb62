"""Processes racing over the same prospects, each converting or saving step 3 at the same moment.

Used by tests/unit/test_concurrency.py.
"""

from __future__ import annotations

import multiprocessing as mp
import queue as queue_module
import random
import time

from bench.workload import classify, scopes_by_login, step_data
from db.companies.conversion import convert_to_client
from db.companies.prospects import load_prospect, save_admin_step
from db.core.database import close_database, open_database


def race_worker(db_path, login, action, ids, barrier, queue) -> None:
    """Load each prospect, meet the other process at the barrier, then convert or save step 3."""
    open_database(db_path)
    scope = scopes_by_login()[login]
    rng = random.Random(login)
    results = []
    for cid in ids:
        claims = number = None
        try:
            record = load_prospect(scope, cid)
            versions = dict(record.versions)
            data = step_data(record, 3, f"{login}-{cid}", rng)
        except Exception as exc:  # noqa: BLE001
            barrier.wait(timeout=60)
            results.append((cid, classify(exc), str(exc)))
            continue
        barrier.wait(timeout=60)
        try:
            if action == "convert":
                number = convert_to_client(scope, cid, expected_version=versions["company"])
            else:
                save_admin_step(scope, cid, data, versions)
            claims = "ok"
            results.append((cid, claims, number))
        except Exception as exc:  # noqa: BLE001
            results.append((cid, classify(exc), getattr(exc, "message", str(exc))))
    close_database()
    queue.put((login, action, results))


def run_race(db_path, ids, contenders) -> dict[str, list]:
    """Run one spawned process per (login, action) in `contenders` over the same `ids`."""
    ctx = mp.get_context("spawn")
    barrier, queue = ctx.Barrier(len(contenders)), ctx.Queue()
    procs = [
        ctx.Process(target=race_worker, args=(str(db_path), login, action, ids, barrier, queue))
        for login, action in contenders
    ]
    for proc in procs:
        proc.start()
    results = {}
    deadline = time.monotonic() + 300
    while len(results) < len(procs):
        try:
            login, action, rows = queue.get(timeout=1)
        except queue_module.Empty:
            if time.monotonic() > deadline or not any(p.is_alive() for p in procs):
                for proc in procs:
                    proc.kill()
                raise RuntimeError(f"race workers ended without results: {results}") from None
            continue
        results[f"{login}:{action}"] = rows
    for proc in procs:
        proc.join(timeout=30)
    return results
