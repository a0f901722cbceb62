"""Random keys: the running app gets thousands of seeded random keys and must neither crash nor
leave the database inconsistent.

    .venv/bin/python -m bench.random_keys                       # 10,000 keys, fresh demo DB
    .venv/bin/python -m bench.random_keys --keys 2000 --seed 7 --db /tmp/keys.db
    .venv/bin/python -m bench.random_keys --login operateur     # the operator's screens

The keys are drawn (with weights) from what a user really types: letters and digits, moves,
Tab, Enter, Escape and the screens' shortcuts (Ctrl+S, Ctrl+N, Ctrl+T, ...), never the quit
keys. After an accidental logout (Ctrl+L) the driver logs in again. The same seed gives the
same keys; the screens reached can still differ a little from run to run, because database work
finishes in worker threads at its own pace. A crash, a hang (the app not answering for 10 s),
a worker that fails or never ends, or an inconsistency in the database: exit status 1, with
the last keys sent and the screens they led to.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

# (key, weight): about 60 % typing, 25 % moving, 15 % actions.
_TYPING = [(c, 2) for c in "abcdefghijklmnopqrstuvwxyz"] + [
    (c, 1) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
]
_TYPING += [(c, 2) for c in "0123456789"] + [("space", 4), ("backspace", 6), ("é", 1)]
_MOVING = [
    ("tab", 14),
    ("shift+tab", 6),
    ("up", 10),
    ("down", 14),
    ("left", 4),
    ("right", 4),
    ("pageup", 3),
    ("pagedown", 3),
]
_ACTIONS = [
    ("enter", 18),
    ("escape", 12),
    ("ctrl+s", 6),
    ("ctrl+n", 3),
    ("ctrl+t", 3),
    ("ctrl+r", 2),
    ("ctrl+d", 2),
    ("ctrl+e", 1),
    ("ctrl+f", 1),
    ("ctrl+a", 1),
    ("ctrl+l", 1),
    ("f1", 1),
    ("f2", 1),
    ("slash", 3),
]
KEYS = [k for k, _ in _TYPING + _MOVING + _ACTIONS]
WEIGHTS = [w for _, w in _TYPING + _MOVING + _ACTIONS]
FORBIDDEN = {"ctrl+q", "ctrl+c"}  # quitting is not a crash
assert not FORBIDDEN & set(KEYS)

SETTLE_EVERY = 50
BURST = 6
_ACTION_KEYS = {k for k, _ in _ACTIONS}
# The character a terminal sends with these named keys (None: not printable).
_CHARS = {
    "space": " ",
    "slash": "/",
    "tab": "\t",
    "enter": "\r",
    "escape": "\x1b",
    "backspace": "\x7f",
}


@dataclass
class Figures:
    keys_sent: int = 0
    logins: int = 0
    screens: Counter = field(default_factory=Counter)
    crashes: int = 0
    crash: str = ""
    crash_traceback: str = ""
    trail: list = field(default_factory=list)  # (key, screens after it) of the last keys
    problems: list[str] = field(default_factory=list)
    worker_errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def lines(self) -> list[str]:
        visited = ", ".join(f"{name} ×{count}" for name, count in self.screens.most_common())
        return [
            f"touches envoyées : {self.keys_sent}",
            f"connexions (dont reconnexions après Ctrl+L) : {self.logins}",
            f"écrans visités ({len(self.screens)}) : {visited}",
            f"plantages : {self.crashes}{' — ' + self.crash if self.crash else ''}",
            f"erreurs de worker (sans arrêt de l'app) : {len(self.worker_errors)}"
            + (" — " + "; ".join(self.worker_errors[:3]) if self.worker_errors else ""),
            f"incohérences en base : {len(self.problems)}"
            + (" — " + "; ".join(self.problems) if self.problems else ""),
            f"durée : {self.seconds:.1f} s ({self.keys_sent / max(self.seconds, 1e-9):.0f} touches/s)",
        ]


def random_keys(count: int, seed: int = 2026) -> list[str]:
    return random.Random(seed).choices(KEYS, weights=WEIGHTS, k=count)


OPERATORS = {"operateur"}  # demo logins of the MB / Opérateur portal


async def _login(app, user: str, password: str) -> None:
    """Back on Connexion: clear what random keys left there, pick the user's portal, log in."""
    from textual.widgets import Input, Tabs

    screen = app.screen
    screen.query_one(Tabs).active = "tab-operateur" if user in OPERATORS else "tab-revendeur"
    for box in screen.query(Input):
        box.value = ""
    screen.query_one("#login", Input).focus()
    for key in (*user, "tab", *password, "enter"):
        await press(app, key)
    # The password check runs in a worker that starts once Enter has been handled.
    for _ in range(100):
        await settle(app)
        if app.screen is not screen:
            break
        await asyncio.sleep(0.1)


WORKER_TIMEOUT = 10.0
_CURRENT: dict = {}  # the run in progress, for the SIGUSR1 dump
WORKER_ERRORS: list[str] = []  # workers that failed without stopping the app (exit_on_error=False)


async def settle(app) -> None:
    """Let database workers finish (a newer one may cancel an older one meanwhile)."""
    from textual.worker import WorkerCancelled, WorkerFailed

    for _ in range(10):
        try:
            await asyncio.wait_for(app.workers.wait_for_complete(), WORKER_TIMEOUT)
            break
        except WorkerCancelled:
            continue
        except WorkerFailed as failure:
            WORKER_ERRORS.append(f"{_stack(app)}: {failure.error!r}")
        except TimeoutError:
            stuck = [f"{w.group}/{w.name}" for w in app.workers if not w.is_finished]
            WORKER_ERRORS.append(
                f"{_stack(app)}: worker(s) sans fin après {WORKER_TIMEOUT} s {stuck}"
            )
            break
    await _barrier([app, *app.screen.walk_children(with_self=True)])


async def _barrier(nodes, timeout: float = 10.0) -> None:
    """Wait until each node has handled the messages queued before this call."""
    done = asyncio.Event()
    pending = 0

    def tick() -> None:
        nonlocal pending
        pending -= 1
        if pending == 0:
            done.set()

    for node in nodes:
        if node.call_later(tick):
            pending += 1
    if pending:
        await asyncio.wait_for(done.wait(), timeout)


async def press(app, key: str, wait: bool = True) -> None:
    """One key as the terminal driver sends it; with `wait`, until the app has handled it.

    Pilot.press waits for the process to look idle (at least 40 ms a key, much more on a busy
    machine); waiting for the message queues instead is as safe and many times faster.
    """
    from textual import events

    char = key if len(key) == 1 else _CHARS.get(key)
    app.post_message(events.Key(key, char))
    if wait:
        await _barrier([app])
        if not _crashed(app):
            await _barrier([app, *app.screen.walk_children(with_self=True)])


def _stack(app) -> str:
    return " > ".join(type(screen).__name__ for screen in app.screen_stack[1:])


def _crashed(app) -> bool:
    return app._exception is not None or not app.is_running


async def drive(app, keys: list[str], figures: Figures, user="revendeur", password="demo") -> None:
    """Send `keys` to the running app, logging in whenever it stands on Connexion.

    Typing and moving keys go in bursts of up to BURST, as from a quick typist, so the app
    paints once per burst; after an action key (Enter, Escape, Ctrl+…) the app settles first.
    """
    from screens.login import LoginScreen

    burst = 0
    for index, key in enumerate(keys):
        if _crashed(app):
            return
        if isinstance(app.screen, LoginScreen):
            await settle(app)
            if isinstance(app.screen, LoginScreen):
                await _login(app, user, password)
                figures.logins += 1
                if isinstance(app.screen, LoginScreen):
                    from textual.widgets import Static

                    said = app.screen.query_one("#login-error", Static).render()
                    figures.problems.append(f"connexion impossible ({str(said).strip()!r})")
                    return
        burst += 1
        wait = key in _ACTION_KEYS or burst >= BURST
        await press(app, key, wait=wait)
        if wait:
            burst = 0
        figures.keys_sent += 1
        figures.screens[type(app.screen).__name__] += 1
        figures.trail = [*figures.trail[-19:], (key, _stack(app))]
        if index % SETTLE_EVERY == SETTLE_EVERY - 1:
            await settle(app)
            burst = 0


def check_consistency() -> list[str]:
    """What is wrong in the open database (empty list: consistent)."""
    from db.core.database import database_proxy, is_sqlite
    from db.core.models import Company, CompanyKind

    problems = []
    with database_proxy.connection_context():
        db = database_proxy.obj
        if is_sqlite():
            result = db.execute_sql("PRAGMA integrity_check").fetchall()
            if result != [("ok",)]:
                problems.append(f"integrity_check: {result[:3]}")
            broken = db.execute_sql("PRAGMA foreign_key_check").fetchall()
            if broken:
                problems.append(f"foreign_key_check: {len(broken)} ligne(s)")
        clients_without = (
            Company.select()
            .where((Company.kind == CompanyKind.CLIENT) & Company.client_number.is_null())
            .count()
        )
        if clients_without:
            problems.append(f"{clients_without} client(s) sans N° client")
        prospects_with = (
            Company.select()
            .where((Company.kind == CompanyKind.PROSPECT) & Company.client_number.is_null(False))
            .count()
        )
        if prospects_with:
            problems.append(f"{prospects_with} prospect(s) avec un N° client")
        duplicates = db.execute_sql(
            "SELECT client_number, COUNT(*) FROM company WHERE client_number IS NOT NULL "
            "GROUP BY client_number HAVING COUNT(*) > 1"
        ).fetchall()
        if duplicates:
            problems.append(f"N° client en double : {duplicates[:3]}")
    return problems


async def run(
    database: str,
    count: int,
    seed: int = 2026,
    size=(100, 30),
    on_progress=None,
    user: str = "revendeur",
) -> Figures:
    """Start the app on `database`, log in, send `count` random keys; the figures of the run."""
    import traceback

    from tui.app import MyOpenIPApp
    from tui.settings import Settings

    figures = _CURRENT["figures"] = Figures()
    WORKER_ERRORS.clear()
    keys = random_keys(count, seed)
    app = MyOpenIPApp(Settings(database=database, idle_lock_minutes=0))
    _CURRENT["app"] = app
    started = time.perf_counter()
    hung = False
    try:
        session = app.run_test(size=size)
        await session.__aenter__()
        try:
            step = 1000
            for offset in range(0, count, step):
                await drive(app, keys[offset : offset + step], figures, user=user)
                if on_progress:
                    on_progress(figures)
                if _crashed(app):
                    break
            await settle(app)
        except TimeoutError:
            # The app stopped answering: its message queue is stuck (a hang is a crash to the
            # user). Say what every task waits for; leaving run_test would wait on the same
            # stuck queue, so the app is left as it is (asyncio cancels its tasks at the end).
            hung = True
            _dump_tasks()
            figures.crash = f"l'application ne répond plus (rien en 10 s) ; écrans : {_stack(app)}"
        finally:
            if not hung:
                await session.__aexit__(None, None, None)
    except Exception as exc:  # noqa: BLE001 - the crash is the finding
        figures.crash = "".join(traceback.format_exception_only(exc)).strip()
        figures.crash_traceback = "".join(traceback.format_exception(exc))
    if app._exception is not None and not figures.crash_traceback:
        exc = app._exception
        figures.crash = "".join(traceback.format_exception_only(exc)).strip()
        figures.crash_traceback = "".join(traceback.format_exception(exc))
    figures.crashes = int(bool(figures.crash))
    figures.worker_errors = WORKER_ERRORS[:]
    WORKER_ERRORS.clear()
    figures.seconds = time.perf_counter() - started
    figures.problems += check_consistency()
    return figures


def _await_chain(task) -> list[str]:
    """Where a task is suspended, coroutine by coroutine down to the future it waits on."""
    chain, awaited = [], task.get_coro()
    while awaited is not None:
        frame = getattr(awaited, "cr_frame", None) or getattr(awaited, "gi_frame", None)
        if frame is None:
            chain.append(f"    attend {awaited!r:.160}")
            break
        chain.append(f"    {frame.f_code.co_filename}:{frame.f_lineno} {frame.f_code.co_name}")
        awaited = getattr(awaited, "cr_await", None) or getattr(awaited, "gi_yieldfrom", None)
    return chain


def _dump_tasks() -> None:
    """Every asyncio task and what it waits for, the app's error if any, the last keys."""
    for task in asyncio.all_tasks():
        print(f"tâche {task.get_name()}", file=sys.stderr)
        for line in _await_chain(task):
            print(line, file=sys.stderr)
    app = _CURRENT.get("app")
    if app is not None:
        print(
            f"pile d'écrans : {_stack(app)} ; erreur de l'app : {app._exception!r}", file=sys.stderr
        )
    figures = _CURRENT.get("figures")
    if figures is not None:
        print(f"après {figures.keys_sent} touches ; dernières :", file=sys.stderr)
        for key, stack in figures.trail:
            print(f"  {key:<10} → {stack}", file=sys.stderr)
    sys.stderr.flush()


async def _with_task_dump(coroutine):
    """`kill -USR1 <pid>` prints every asyncio task's stack: what a stuck run is waiting for."""
    import signal

    asyncio.get_running_loop().add_signal_handler(signal.SIGUSR1, _dump_tasks)
    return await coroutine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--login", default="revendeur", help="demo login: revendeur, revendeur2 or operateur"
    )
    parser.add_argument(
        "--db", help="SQLite file (default: a fresh demo database; seeded if it does not exist)"
    )
    parser.add_argument("--prospects", type=int, default=300)
    parser.add_argument("--quotes", type=int, default=200)
    args = parser.parse_args(argv)

    from db.core.database import init_schema, open_database

    with tempfile.TemporaryDirectory(prefix="myopenip-keys-") as tmp:
        database = args.db or str(Path(tmp) / "demo.db")
        fresh = not Path(database).exists()
        open_database(database)
        init_schema()
        if fresh:
            from db.demo.seed import seed_demo

            seed_demo(prospects=args.prospects, quotes=args.quotes)

        def progress(figures: Figures) -> None:
            print(f"  … {figures.keys_sent} touches", file=sys.stderr, flush=True)

        print(
            f"Touches aléatoires : {args.keys}, graine {args.seed}, {args.login}, base {database}"
        )
        figures = asyncio.run(
            _with_task_dump(
                run(database, args.keys, args.seed, on_progress=progress, user=args.login)
            )
        )
    _report(figures)
    return 1 if figures.crashes or figures.problems or figures.worker_errors else 0


def _report(figures: Figures) -> None:
    for line in figures.lines():
        print(line, flush=True)
    if figures.crash:
        print("dernières touches (touche → écrans) :", file=sys.stderr)
        for key, stack in figures.trail:
            print(f"  {key:<10} → {stack}", file=sys.stderr)
    if figures.crash_traceback:
        print(figures.crash_traceback, file=sys.stderr)
    sys.stderr.flush()


if __name__ == "__main__":
    sys.exit(main())
