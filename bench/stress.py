"""Many processes editing and converting the same prospects at once: no lost update, no lock error.

    .venv/bin/python -m bench.stress --procs 8 --ops 1000            # fresh seeded temporary DB
    .venv/bin/python -m bench.stress --db /tmp/stress.db --procs 8 --ops 1000

Each process opens the database itself and runs random operations on a shared pool of prospects
(with a small "hot" set so they collide): wizard step saves 1/2/3 made with the versions loaded
just before (sometimes stale on purpose: the process sleeps between loading and saving),
conversions with the version loaded, new prospects, and reads. Every operation is logged with
its outcome.

How lost updates are counted. A version-checked save based on version v of a record claims
the step v -> v+1 of that record. For each save the caller was told succeeded, the log keeps
the claims (record, v) and a unique token the save wrote in a field of that record (company
name and site street for step 1, billing "complement" for step 2, the administrator's first
name for step 3). Afterwards:

* two successes claiming the same (record, v) = one overwrote the other unseen: lost update;
* a record's final version must be its initial version + the successes that claimed it
  (fewer: a reported success vanished = lost; more: a refused save was written = phantom);
* the token in the database must be the one of the success with the highest claimed version
  (otherwise an older save overwrote a newer one: lost update);
* every reported conversion holds in the database with its N° client (unique), and the audit
  log holds exactly one row per reported successful save or conversion.

"database is locked" (any OperationalError) reaching the caller is counted separately, and the
run ends with PRAGMA integrity_check and foreign_key_check. Exit status 1 if anything is off.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import queue as queue_module
import random
import sqlite3
import statistics
import sys
import tempfile
import time
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import peewee

from db.conversion import convert_to_client
from db.database import close_database, database_proxy, init_schema, open_database
from db.errors import ConcurrentEditError, ConversionRefused, NotFound, ValidationErrors
from db.models import AuditLog, BillingPoint, Company, CompanyKind, Contact, Sequence, Site, User
from db.prospects import (
    ProspectFilters,
    count_prospects,
    list_prospects,
    load_prospect,
    save_admin_step,
    save_billing_step,
    save_company_step,
)
from db.records import AlreadyConverted
from db.scope import Scope
from db.seed import random_iban, random_siren, random_siret, seed_demo

OPERATOR_LOGIN = "operateur"
RESELLER_LOGINS = {2: "revendeur", 3: "revendeur2"}  # demo reseller company id -> login
TOKEN_MARK = " ~"

# --- workload shared with bench.crash ---------------------------------------------------------


def scopes_by_login() -> dict[str, Scope]:
    logins = [OPERATOR_LOGIN, *RESELLER_LOGINS.values()]
    return {u.login: Scope.for_user(u) for u in User.select().where(User.login.in_(logins))}


def _untokened(text: str) -> str:
    return text.split(TOKEN_MARK)[0]


def token_of(text: str | None) -> str | None:
    text = text or ""
    return text.rsplit(TOKEN_MARK, 1)[1] if TOKEN_MARK in text else None


def fresh_company(rng: random.Random, token: str) -> dict:
    siren = random_siren(rng)
    return {
        "name": f"STRESS {rng.randrange(10**6):06d}{TOKEN_MARK}{token}",
        "siren": siren,
        "siret": random_siret(rng, siren),
        "site_number": str(rng.randrange(1, 200)),
        "site_street": f"rue du Test{TOKEN_MARK}{token}",
        "site_postcode": "92110",
        "site_city": "CLICHY",
        "site_country": "France",
    }


def fresh_billing(rng: random.Random, holder: str) -> dict:
    iban, bic = random_iban(rng)
    return {
        "holder": _untokened(holder)[:60],
        "email": f"compta{rng.randrange(10**6)}@exemple.fr",
        "payment_mode": rng.choice(("Prélèvement", "Virement", "Chèque")),
        "payment_terms": "30 jours",
        "payment_terms_days": "",
        "vat_regime": "Assujetti",
        "paper_invoice": False,
        "iban": iban,
        "bic": bic,
        "rum": "",
        "number": "3",
        "street": "rue Pasteur",
        "country": "France",
        "postcode": "92110",
        "city": "CLICHY",
    }


def fresh_admin(rng: random.Random) -> dict:
    return {
        "civility": rng.choice(("Monsieur", "Madame")),
        "last_name": "TESTEUR",
        "first_name": "Alex",
        "phone": "",
        "mobile": "",
        "fax": "",
        "email": f"admin{rng.randrange(10**6)}@exemple.fr",
    }


def step_data(record, step: int, token: str, rng: random.Random) -> dict:
    """The form of wizard step `step` as loaded, with `token` written in one field per record."""
    if step == 1:
        data = record.company_values()
        data["name"] = f"{_untokened(data['name'])}{TOKEN_MARK}{token}"
        data["site_street"] = f"rue du Test{TOKEN_MARK}{token}"
        if not data["site_postcode"]:
            data.update(site_postcode="92110", site_city="CLICHY", site_country="France")
        return data
    if step == 2:
        data = record.billing_values() or fresh_billing(rng, record.company.name)
        data["complement"] = f"bureau{TOKEN_MARK}{token}"
        return data
    data = record.admin_values() or fresh_admin(rng)
    data["first_name"] = f"{_untokened(data['first_name'])}{TOKEN_MARK}{token}"
    return data


STEP_RECORD = {1: "site", 2: "billing", 3: "admin"}


def save_step(scope: Scope, company_id: int, step: int, token: str, rng, pause: float = 0.0):
    """Load the prospect, (wait), save step `step` with the loaded versions; returns the claims."""
    record = load_prospect(scope, company_id)
    versions = dict(record.versions)
    data = step_data(record, step, token, rng)
    if pause:
        time.sleep(pause)
    if step == 1:
        save_company_step(scope, company_id, data, versions)
    elif step == 2:
        save_billing_step(scope, company_id, data, versions)
    else:
        save_admin_step(scope, company_id, data, versions)
    return [
        ("company", company_id, versions["company"]),
        (STEP_RECORD[step], company_id, versions[STEP_RECORD[step]]),
    ]


def convert(scope: Scope, company_id: int, pause: float = 0.0):
    """Load the prospect, (wait), convert it at the loaded version; returns (claims, number)."""
    record = load_prospect(scope, company_id)
    version = record.versions["company"]
    if pause:
        time.sleep(pause)
    number = convert_to_client(scope, company_id, expected_version=version)
    return [("company", company_id, version)], number


def classify(exc: BaseException) -> str:
    """One outcome label per kind of refusal or error."""
    if isinstance(exc, AlreadyConverted):
        return "refused: already converted (edit)"
    if isinstance(exc, ConcurrentEditError):
        return "refused: version conflict"
    if isinstance(exc, NotFound):
        return "refused: not a prospect any more (load)"
    if isinstance(exc, ConversionRefused):
        if "déjà client" in exc.message:
            return "refused: conversion, déjà client"
        if exc.missing:
            return "refused: conversion, incomplete"
        return "refused: conversion, other (duplicate SIREN...)"
    if isinstance(exc, ValidationErrors):
        return "refused: validation"
    if isinstance(exc, (peewee.OperationalError, sqlite3.OperationalError)):
        return "ERROR: database is locked" if "locked" in str(exc) else "ERROR: OperationalError"
    return "ERROR: unexpected"


def make_ready_prospects(
    count: int, rng: random.Random, reseller_id: int | None, operator_id: int, step: int = 3
) -> list[int]:
    """`count` new prospects owned by `reseller_id`, complete up to wizard step `step`."""
    ids = []
    with database_proxy.atomic():
        for _ in range(count):
            data = fresh_company(rng, "init")
            company = Company.create(
                kind=CompanyKind.PROSPECT,
                name=data["name"],
                siren=data["siren"],
                siret=data["siret"],
                reseller=reseller_id,
                operator=operator_id,
                creation_step=step,
            )
            Site.create(
                company=company,
                number=data["site_number"],
                street=data["site_street"],
                postcode="92110",
                city="CLICHY",
            )
            if step >= 2:
                billing = fresh_billing(rng, company.name)
                billing.update(payment_mode="Virement", payment_terms_days=None)
                billing.pop("rum")
                BillingPoint.create(company=company, **billing)
            if step >= 3:
                Contact.create(company=company, is_admin=True, **fresh_admin(rng))
            ids.append(company.id)
    return ids


def snapshot(company_ids) -> dict[tuple[str, int], tuple[int, str | None]]:
    """(record kind, company id) -> (lock_version, token) of the company and its wizard records."""
    ids = list(company_ids)
    state: dict[tuple[str, int], tuple[int, str | None]] = {}
    for first in range(0, len(ids), 500):
        chunk = ids[first : first + 500]
        for c in Company.select().where(Company.id.in_(chunk)):
            state[("company", c.id)] = (c.lock_version, token_of(c.name))
        for s in Site.select().where(Site.company.in_(chunk) & (Site.is_main == True)):  # noqa: E712
            state.setdefault(("site", s.company_id), (s.lock_version, token_of(s.street)))
        for b in (
            BillingPoint.select().where(BillingPoint.company.in_(chunk)).order_by(BillingPoint.id)
        ):
            state.setdefault(("billing", b.company_id), (b.lock_version, token_of(b.complement)))
        for a in (
            Contact.select()
            .where(Contact.company.in_(chunk) & (Contact.is_admin == True))  # noqa: E712
            .order_by(Contact.id)
        ):
            state.setdefault(("admin", a.company_id), (a.lock_version, token_of(a.first_name)))
    return state


def integrity() -> tuple[str, int]:
    """(PRAGMA integrity_check, number of foreign key violations)."""
    database = database_proxy.obj
    result = ", ".join(row[0] for row in database.execute_sql("PRAGMA integrity_check"))
    violations = len(database.execute_sql("PRAGMA foreign_key_check").fetchall())
    return result, violations


# --- the stress run ---------------------------------------------------------------------------


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


def prepare_database(db_path: Path, prospects: int, quotes: int, seed: int) -> None:
    """A fresh demo database (the demo seed plus a book of `prospects` companies)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    open_database(db_path)
    init_schema()
    seed_demo(prospects=prospects, quotes=quotes, seed=seed)
    database_proxy.obj.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
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
        procs=cfg.procs,
        ops_per_proc=cfg.ops,
        pool=len(pool),
        hot=cfg.hot,
        seconds=elapsed,
        worker_exit_codes=[p.exitcode for p in procs],
    )
    return figures


def check(entries: list[dict], initial: dict, audit_start: int) -> dict:
    """Compare what the callers were told with what the database holds (see module docstring)."""
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


def print_table(figures: dict, out=sys.stdout) -> None:
    def line(label, value=""):
        print(f"  {label:<46} {value}", file=out)

    seconds = figures["seconds"]
    print(
        f"\nStress: {figures['procs']} processes x {figures['ops_per_proc']} operations, "
        f"one SQLite file (WAL, busy_timeout, BEGIN IMMEDIATE)",
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
    line("PRAGMA integrity_check", figures["integrity_check"])
    line("PRAGMA foreign_key_check violations", figures["foreign_key_violations"])
    for sample in figures["error_samples"]:
        line("error sample", sample)
    wrong = failures(figures)
    print(f"  RESULT: {'FAILED ' + ', '.join(wrong) if wrong else 'OK'}", file=out)


# --- two processes racing the same conversion (used by tests/unit/test_concurrency.py) ---------


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


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="SQLite file (created and seeded if absent)")
    parser.add_argument("--fresh", action="store_true", help="re-create and seed --db")
    parser.add_argument("--procs", type=int, default=8)
    parser.add_argument("--ops", type=int, default=1000)
    parser.add_argument("--prospects", type=int, default=400, help="size of the seeded book")
    parser.add_argument("--hot", type=int, default=Config.hot)
    parser.add_argument("--stale", type=float, default=Config.stale_share)
    parser.add_argument("--seed", type=int, default=Config.seed)
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="myopenip-stress-"))
    db_path = Path(args.db) if args.db else workdir / "stress.db"
    if args.fresh or not db_path.exists():
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
