"""Benchmarks of issue 6: start-up, lists at 100,000 rows, memory, bytes on the wire, documents.

    python3 dev.py bench                         # or: .venv/bin/python -m bench.run
    .venv/bin/python -m bench.run --runs 5 --db /tmp/bench-100k.db --markdown

Not part of the test suite. Every figure is the MEDIAN over `--runs` runs (p95 too for the
filter keystrokes), printed next to its baseline measured in the same run:

* the terminal side is measured from OUTSIDE, the way a user's terminal receives it: the app
  (and the baseline, a bare Textual app: Header, 50-row DataTable, Footer — bench/bare_app.py)
  runs on a pseudo-terminal of the size given, TERM=xterm-256color without COLORTERM (what an
  SSH session usually gets), and this script plays the terminal: it reads every byte, answers
  the synchronized-output query (DECRQM 2026) like current terminals do, so each frame is
  delimited, and types keys. "Painted" = the last byte of the first screen before the output
  goes quiet for 150 ms; bytes are counted from the key written until that quiet;
* the lists (Prospects, Mes devis) are timed in-process with App.run_test(): from the action
  (opening the screen, or the key pressed) until the first frame rendered after the
  RecordList has shown the rows fetched for the filters as they are after that key; next to
  the same SQL (list + count) called directly;
* memory is the peak RSS (VmHWM) of the app process on the pseudo-terminal after logging in and
  opening Prospects then Mes devis over it; the conversion and the mandate PDF are timed
  in-process, each in a transaction rolled back so the database is left as it was.

Without `--db` the script uses /tmp/bench-100k.db and creates it first if it is missing
(`myopenip seed-demo --prospects 100000 --quotes 100000`).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import fcntl
import os
import platform
import re
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_DB = "/tmp/bench-100k.db"
SIZES = ((80, 24), (120, 40))
QUIET = 0.15  # seconds without output = the terminal has received everything
VERBOSE = False

SYNC_QUERY = b"\x1b[?2026$p"
SYNC_REPLY = b"\x1b[?2026;2$y"  # "supported, currently reset", as kitty, WezTerm, foot... answer
SYNC_START = b"\x1b[?2026h"
SYNC_END = b"\x1b[?2026l"
KEYS = {
    "enter": b"\r",
    "down": b"\x1b[B",
    "up": b"\x1b[A",
    "f2": b"\x1bOQ",
    "ctrl+p": b"\x10",
    "ctrl+q": b"\x11",
    "escape": b"\x1b",
    "tab": b"\t",
    "shift+tab": b"\x1b[Z",
}
MOUSE_TRACKING = (b"\x1b[?1000h", b"\x1b[?1002h", b"\x1b[?1003h")
MORE_THAN_16_COLOURS = re.compile(rb"\x1b\[[0-9;]*(?:38|48);[25];[0-9;]*m")

# Targets of issue 6 item 3.
TARGET_START_RATIO = 1.15
TARGET_OPEN_MS = 250
TARGET_KEY_P95_MS = 100
TARGET_RSS_MB = 120
TARGET_TYPED_BYTES = 300
TARGET_LOW_BANDWIDTH_SAVING = 0.30


# --- the terminal ----------------------------------------------------------------------------


class Term:
    """A process on a pseudo-terminal; every byte it writes is kept with the time it arrived."""

    def __init__(self, argv: list[str], cols: int, rows: int, env: dict[str, str]):
        self.cols, self.rows = cols, rows
        self.master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.data = bytearray()
        self.times: list[tuple[int, float]] = []  # (end offset in data, arrival time)
        self.cond = threading.Condition()
        self.closed = False
        self.t0 = time.perf_counter()
        self.proc = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=ROOT,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        tail = b""
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                chunk = b""
            now = time.perf_counter()
            with self.cond:
                if not chunk:
                    self.closed = True
                    self.cond.notify_all()
                    return
                self.data += chunk
                self.times.append((len(self.data), now))
                self.cond.notify_all()
            window = tail + chunk
            if SYNC_QUERY in window:
                window = window[window.rfind(SYNC_QUERY) + len(SYNC_QUERY) :]
                with suppress(OSError):
                    os.write(self.master, SYNC_REPLY)
            tail = window[-len(SYNC_QUERY) :]

    @property
    def pos(self) -> int:
        with self.cond:
            return len(self.data)

    def time_at(self, offset: int) -> float:
        """Arrival time of the byte at `offset` (seconds since the process was started)."""
        with self.cond:
            for end, when in self.times:
                if end > offset:
                    return when - self.t0
        raise ValueError(offset)

    def wait_for(self, marker: bytes, start: int = 0, timeout: float = 30.0) -> int:
        """Offset just after the first `marker` at or after `start` (waits for it)."""
        deadline = time.perf_counter() + timeout
        with self.cond:
            while True:
                found = self.data.find(marker, start)
                if found >= 0:
                    return found + len(marker)
                left = deadline - time.perf_counter()
                if left <= 0 or self.closed:
                    tail = bytes(self.data[-400:])
                    raise TimeoutError(f"{marker!r} not received; last output: {tail!r}")
                self.cond.wait(left)

    def wait_quiet(self, quiet: float = QUIET, timeout: float = 30.0) -> float:
        """Wait until nothing arrived for `quiet` seconds; the time of the last byte (since t0)."""
        deadline = time.perf_counter() + timeout
        with self.cond:
            while True:
                last = self.times[-1][1] if self.times else self.t0
                now = time.perf_counter()
                if now - last >= quiet or now > deadline or self.closed:
                    return last - self.t0
                self.cond.wait(quiet - (now - last) + 0.001)

    def wait_output(self, start: int, timeout: float) -> bool:
        """True if some byte arrives after `start` within `timeout` seconds."""
        deadline = time.perf_counter() + timeout
        with self.cond:
            while len(self.data) <= start:
                left = deadline - time.perf_counter()
                if left <= 0 or self.closed:
                    return False
                self.cond.wait(left)
            return True

    def send(self, data: bytes) -> None:
        os.write(self.master, data)

    def key(self, name: str) -> None:
        self.send(KEYS[name])

    def type(self, text: str) -> None:
        """Type `text` a key at a time, each once the previous one has been echoed."""
        for char in text:
            start = self.pos
            self.send(char.encode())
            self.wait_output(start, 1.0)
            self.wait_quiet(0.03)

    def between_blinks(self) -> None:
        """Wait for the next blink of a text cursor (if any), so a measure is not mixed with one.

        A blinking cursor repaints every 0.5 s; right after a blink there is 0.5 s of silence,
        long enough to send a key and see all it costs.
        """
        start = self.pos
        if self.wait_output(start, 0.6):
            self.wait_quiet(0.03)

    def since(self, offset: int) -> bytes:
        with self.cond:
            return bytes(self.data[offset:])

    def peak_rss_mb(self, field: str = "VmHWM") -> float:
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        match = re.search(rf"{field}:\s+(\d+) kB", status)
        return int(match.group(1)) / 1024 if match else float("nan")

    def rss_mb(self) -> float:
        return self.peak_rss_mb("VmRSS")

    def close(self) -> None:
        with suppress(OSError):
            self.key("ctrl+q")
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()  # only the process this Term started, by its own handle
            self.proc.wait()
        self.reader.join(timeout=2)
        with suppress(OSError):
            os.close(self.master)


def frames(output: bytes, rows: int) -> tuple[int, int]:
    """(frames, full repaints) in a stretch of output delimited by synchronized-output marks.

    A full repaint is Textual's whole-screen LayoutUpdate: a move to the top-left corner then
    every line of the screen, separated by newlines.
    """
    count = full = 0
    for part in output.split(SYNC_START)[1:]:
        body = part.split(SYNC_END, 1)[0]
        count += 1
        if b"\x1b[1;1H" in body and body.count(b"\n") >= rows - 1:
            full += 1
    return count, full


def term_env(low_bandwidth: bool = False, log_dir: str = "/tmp") -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TEXTUAL_", "MYOPENIP_", "COLORTERM", "NO_COLOR", "DATABASE_URL"))
    }
    env.update(
        TERM="xterm-256color",
        LANG=env.get("LANG", "C.UTF-8"),
        MYOPENIP_CONFIG=os.devnull,  # no user configuration file
        MYOPENIP_LOG_FILE=str(Path(log_dir) / "bench-myopenip.log"),
        MYOPENIP_INBOX=log_dir,
    )
    if low_bandwidth:
        env["MYOPENIP_LOW_BANDWIDTH"] = "1"
    return env


def app_argv(db: str) -> list[str]:
    return [str(BIN / "myopenip"), "--db", db]


def bare_argv(with_input: bool = False) -> list[str]:
    return [
        sys.executable,
        str(ROOT / "bench" / "bare_app.py"),
        *(["--input"] if with_input else []),
    ]


# --- terminal scenarios ----------------------------------------------------------------------


@dataclass
class Session:
    """What one run on the pseudo-terminal measured."""

    first_paint: float = 0.0  # s: first frame holding the marker
    painted: float = 0.0  # s: last byte of the first screen (then 150 ms quiet)
    screen_bytes: int = 0
    screen_frames: int = 0
    screen_full: int = 0
    typed_bytes: list[int] = field(default_factory=list)
    row_bytes: list[int] = field(default_factory=list)
    open_full: dict[str, int] = field(default_factory=dict)
    open_frames: dict[str, int] = field(default_factory=dict)
    peak_rss_mb: float = 0.0
    rss_mb: float = 0.0
    tab_bytes: list[int] = field(default_factory=list)  # focus to the next field (Connexion)
    idle_bytes: int = 0  # Connexion left alone for IDLE seconds (a blinking cursor costs)
    burst_bytes: int = 0  # KEY_BURST rows moved as fast as a held key repeats
    burst_frames: int = 0
    mouse_tracking: bool = False
    colours_over_16: bool = False


def first_screen(term: Term, marker: bytes, session: Session) -> None:
    end = term.wait_for(marker)
    frame_end = term.wait_for(SYNC_END, end)
    session.first_paint = term.time_at(frame_end - 1)
    session.painted = term.wait_quiet(0.3)  # start-up frames can be 150+ ms apart
    output = term.since(0)
    session.screen_bytes = len(output)
    session.screen_frames, session.screen_full = frames(output, term.rows)


def typed_character(term: Term, session: Session, chars: str = "abc") -> None:
    for char in chars:
        term.between_blinks()
        start = term.pos
        term.send(char.encode())
        term.wait_output(start, 2.0)
        term.wait_quiet()
        session.typed_bytes.append(len(term.since(start)))


def moved_rows(term: Term, session: Session, moves: int = 3) -> None:
    for _ in range(moves):
        term.wait_quiet()
        start = term.pos
        term.key("down")
        term.wait_output(start, 2.0)
        term.wait_quiet()
        session.row_bytes.append(len(term.since(start)))


IDLE = 2.0
KEY_BURST = 20


def focus_moves(term: Term, session: Session) -> None:
    """Tab to the next field and back (Shift+Tab), as on any form."""
    for key in ("tab", "shift+tab"):
        term.between_blinks()
        start = term.pos
        term.key(key)
        term.wait_output(start, 2.0)
        term.wait_quiet()
        session.tab_bytes.append(len(term.since(start)))


def idle(term: Term, session: Session) -> None:
    term.wait_quiet()
    start = term.pos
    time.sleep(IDLE)
    session.idle_bytes = len(term.since(start))


def key_burst(term: Term, session: Session) -> None:
    """KEY_BURST Down keys 15 ms apart (a held key): the frame rate decides how many frames."""
    term.wait_quiet()
    start = term.pos
    for _ in range(KEY_BURST):
        term.key("down")
        time.sleep(0.015)
    term.wait_quiet()
    output = term.since(start)
    session.burst_bytes = len(output)
    session.burst_frames = frames(output, term.rows)[0]
    for _ in range(KEY_BURST):  # back up, for the next measures
        term.key("up")
        time.sleep(0.015)
    term.wait_quiet()


def run_app_session(
    db: str, cols: int, rows: int, *, low_bandwidth: bool, login: str, full_flow: bool, tmp: str
) -> Session:
    """Connexion (start-up, a few typed characters), then log in, Prospects, rows, Mes devis."""
    session = Session()
    term = Term(app_argv(db), cols, rows, term_env(low_bandwidth, tmp))
    try:
        first_screen(term, b"Connexion", session)
        idle(term, session)
        typed_character(term, session)
        focus_moves(term, session)
        if not full_flow:
            return session
        term.type("\x7f" * 3)  # erase what was typed
        operator = login.startswith("operateur")
        if operator:
            term.key("f2")
            term.wait_quiet()
        term.type(login)
        term.key("enter")
        term.wait_quiet()
        term.type("demo")
        start = term.pos
        term.key("enter")
        term.wait_for(b"Bienvenue", start)
        term.wait_quiet()
        # Home: the cursor is on Prospects; Enter opens it.
        start = term.pos
        term.key("enter")
        term.wait_for(b" sur ", start)
        term.wait_quiet()
        session.open_frames["prospects"], session.open_full["prospects"] = frames(
            term.since(start), rows
        )
        moved_rows(term, session)
        key_burst(term, session)
        # Back to the menu, down to its last entry (E-boutique › Mes devis), Enter.
        start = term.pos
        term.key("escape")
        term.wait_for(b"Bienvenue", start)
        term.wait_quiet()
        for _ in range(40):
            start = term.pos
            term.key("down")
            if not term.wait_output(start, 0.3):
                break  # the cursor is on the last entry
            term.wait_quiet(0.03)
        start = term.pos
        term.key("enter")
        term.wait_for(b"DEV0", start)
        term.wait_quiet()
        session.open_frames["quotes"], session.open_full["quotes"] = frames(term.since(start), rows)
        session.peak_rss_mb = term.peak_rss_mb()
        session.rss_mb = term.rss_mb()
        output = term.since(0)
        session.mouse_tracking = any(seq in output for seq in MOUSE_TRACKING)
        session.colours_over_16 = bool(MORE_THAN_16_COLOURS.search(output))
        return session
    finally:
        term.close()


def run_bare_session(cols: int, rows: int, tmp: str) -> Session:
    """The bare app: start-up and a moved row; then with an Input: a typed character."""
    session = Session()
    term = Term(bare_argv(), cols, rows, term_env(False, tmp))
    try:
        first_screen(term, b"Quitter", session)
        moved_rows(term, session)
        key_burst(term, session)
        session.peak_rss_mb = term.peak_rss_mb()
    finally:
        term.close()
    typing = Session()
    term = Term(bare_argv(with_input=True), cols, rows, term_env(False, tmp))
    try:
        first_screen(term, b"Quitter", typing)
        idle(term, typing)
        typed_character(term, typing)
        focus_moves(term, typing)  # Input -> table and back
        session.typed_bytes = typing.typed_bytes
        session.tab_bytes = typing.tab_bytes
        session.idle_bytes = typing.idle_bytes
    finally:
        term.close()
    return session


# --- in-process: the lists -------------------------------------------------------------------

# A user's pace: KEY_GAP between the keys of a word (a brisk typist), THINK after a word or a
# search to read the result, and before opening the next screen. The app uses such pauses
# (tui/app.py: the full garbage collection runs when the user has paused for a second).
KEY_GAP = 0.15
THINK = 1.2
PROSPECT_KEYS = (
    ("name", "garage"),  # typed one character at a time: g, ga, gar, ...
    ("name", "\b" * 6),  # then erased one character at a time
    ("place", "750"),
    ("place", "\b" * 3),
    ("identifiant", "1234"),
    ("identifiant", "\b" * 4),
)
QUOTE_SEARCHES = (  # (input, text): the text is put in the field, then Enter is timed
    ("client", "garage"),
    ("client", ""),
    ("offers", "fibre"),
    ("offers", ""),
    ("reference", "95225"),
    ("reference", ""),
    ("created", "2019"),
    ("created", ""),
)


@dataclass
class ListFigures:
    open_ms: list[float] = field(default_factory=list)
    key_ms: list[float] = field(default_factory=list)
    open_sql_ms: list[float] = field(default_factory=list)  # the unfiltered list + exact count
    sql_ms: list[float] = field(default_factory=list)  # list + exact count, called directly
    fetch_ms: list[float] = field(default_factory=list)  # what the screen's fetch runs


class Probe:
    """Hooks on the app of a run_test(): when rows are shown, and when frames are rendered."""

    def __init__(self, app):
        from tui.widgets.record_list import RecordList

        self.loads: list[tuple[float, dict]] = []
        self.frames: list[float] = []
        display = app._display

        def _display(screen, renderable):
            if renderable is not None and not app._batch_count:  # in a batch: not sent
                self.frames.append(time.perf_counter())
            return display(screen, renderable)

        app._display = _display  # headless run_test renders every frame, then drops it here
        probe = self
        original_show = RecordList._show_page

        def show_page(record_list, payload):
            # RecordList runs its `fetch` for `wanted` = (filters, offset) and paints the rows
            # only if they are still what the user wants (tui/widgets/record_list.py).
            wanted, _ = payload
            painted = wanted is record_list._wanted
            original_show(record_list, payload)
            if painted:
                probe.loads.append((time.perf_counter(), dict(wanted[0])))

        RecordList._show_page = show_page
        self._restore = (RecordList, original_show)

    def restore(self) -> None:
        cls, show = self._restore
        cls._show_page = show

    async def shown(self, since: float, filters: dict | None, timeout: float = 20.0) -> float:
        """ms from `since` to the first frame after the rows for `filters` were shown."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            loaded = next(
                (
                    t
                    for t, f in self.loads
                    if t >= since and (filters is None or _same_filters(f, filters))
                ),
                None,
            )
            if loaded is not None:
                frame = next((t for t in self.frames if t >= loaded), None)
                if frame is not None:
                    return (frame - since) * 1000
            await asyncio.sleep(0.001)
        raise TimeoutError(f"rows for {filters} not shown")


def _same_filters(a: dict, b: dict) -> bool:
    keys = set(a) | set(b)
    return all((a.get(k) or None) == (b.get(k) or None) for k in keys)


def _time_sql(fn, *args) -> float:
    start = time.perf_counter()
    fn(*args)
    return (time.perf_counter() - start) * 1000


async def measure_lists(db: str, login: str, runs: int, size: tuple[int, int], tmp: str):
    from textual.widgets import Input

    from db.models import User
    from db.prospects import ProspectFilters, count_prospects, list_prospects
    from db.quotes import QuoteFilters, count_quotes, list_quotes
    from db.scope import Scope
    from screens.prospects import fetch_prospects
    from screens.quotes import QuotesScreen, fetch_quotes
    from tui.app import MyOpenIPApp
    from tui.cli import tune_garbage_collector
    from tui.settings import Settings
    from tui.widgets.record_list import RecordList

    settings = Settings(
        database=db, idle_lock_minutes=0, inbox=tmp, log_file=str(Path(tmp) / "bench.log")
    )
    scope = Scope.for_user(User.get(User.login == login))
    prospects, quotes = ListFigures(), ListFigures()
    prospect_filters: list[dict] = []
    quote_filters: list[dict] = []

    app = MyOpenIPApp(settings)
    tune_garbage_collector()  # as `myopenip` does before App.run (tui/cli.py run_app)
    if VERBOSE:
        import gc

        started = {}

        def gc_pause(phase, info):
            if phase == "start":
                started["t"] = time.perf_counter()
            elif (pause := (time.perf_counter() - started["t"]) * 1000) > 20:
                print(f"    gc gen{info['generation']} {pause:.0f} ms", file=sys.stderr)

        gc.callbacks.append(gc_pause)
    probe = Probe(app)
    try:
        async with app.run_test(size=size) as pilot:
            app.logged_in(scope)
            await pilot.pause(THINK)
            for _ in range(runs):
                # -- Prospects ---------------------------------------------------------------
                since = time.perf_counter()
                app.open_place("prospects")
                prospects.open_ms.append(await probe.shown(since, None))
                if VERBOSE:
                    print(f"    P open {prospects.open_ms[-1]:.0f} ms", file=sys.stderr)
                record_list = app.screen.query_one(RecordList)
                for key, text in PROSPECT_KEYS:
                    app.screen.query_one(f"#filter-{key}", Input).focus()
                    await pilot.pause(0.05)
                    for char in text:
                        since = time.perf_counter()
                        await pilot.press("backspace" if char == "\b" else char)
                        wanted = record_list.filter_values()
                        prospects.key_ms.append(await probe.shown(since, wanted))
                        prospect_filters.append(wanted)
                        if VERBOSE:
                            print(f"    P {wanted} {prospects.key_ms[-1]:.0f} ms", file=sys.stderr)
                        await asyncio.sleep(KEY_GAP)
                    await asyncio.sleep(THINK)  # the user reads the result
                app.pop_screen()
                await pilot.pause(THINK)
                # -- Mes devis ---------------------------------------------------------------
                since = time.perf_counter()
                app.open_place("quotes")
                quotes.open_ms.append(await probe.shown(since, None))
                if VERBOSE:
                    print(f"    Q open {quotes.open_ms[-1]:.0f} ms", file=sys.stderr)
                screen = app.screen
                assert isinstance(screen, QuotesScreen)
                record_list = screen.query_one(RecordList)
                await pilot.pause(0.2)  # the Commercial select fills itself
                for key, text in QUOTE_SEARCHES:
                    box = screen.query_one(f"#q-{key}", Input)
                    box.value = text
                    box.focus()
                    await pilot.pause(0.05)
                    since = time.perf_counter()
                    await pilot.press("enter")
                    wanted = record_list.filter_values()
                    quotes.key_ms.append(await probe.shown(since, wanted))
                    quote_filters.append(wanted)
                    if VERBOSE:
                        print(f"    Q {key}={text!r} {quotes.key_ms[-1]:.0f} ms", file=sys.stderr)
                    await asyncio.sleep(THINK)
                app.pop_screen()
                await pilot.pause(THINK)
    finally:
        probe.restore()

    # The same queries called directly (this thread, no UI): the bare list + exact count, and
    # the screens' own fetch (what their worker runs for each key: count capped, or none).
    size = settings.page_size

    def prospect_sql(filters: dict) -> float:
        wanted = ProspectFilters(
            **{k: filters.get(k, "") for k in ("identifiant", "name", "place")}
        )
        return _time_sql(list_prospects, scope, wanted, 0, size) + _time_sql(
            count_prospects, scope, wanted
        )

    def quote_sql(filters: dict) -> float:
        wanted = QuoteFilters(**filters)
        return _time_sql(list_quotes, scope, wanted, 0, size) + _time_sql(
            count_quotes, scope, wanted
        )

    for _ in range(runs):
        prospects.open_sql_ms.append(prospect_sql({}))
        quotes.open_sql_ms.append(quote_sql({}))
        for filters in prospect_filters[: len(prospect_filters) // runs]:
            prospects.sql_ms.append(prospect_sql(filters))
            prospects.fetch_ms.append(_time_sql(fetch_prospects, scope, dict(filters), 0, size))
        for filters in quote_filters[: len(quote_filters) // runs]:
            quotes.sql_ms.append(quote_sql(filters))
            quotes.fetch_ms.append(_time_sql(fetch_quotes, scope, dict(filters), 0, size))
    return prospects, quotes


# --- in-process: conversion and mandate ------------------------------------------------------


def measure_documents(login: str, runs: int) -> dict[str, list[float]]:
    from db.conversion import convert_to_client
    from db.database import database_proxy
    from db.documents import generate_mandate, mandate_data
    from db.errors import DomainError
    from db.mandate import render_mandate_pdf
    from db.models import BillingPoint, Company, CompanyKind, User
    from db.scope import Scope

    scope = Scope.for_user(User.get(User.login == login))
    candidates = (
        scope.companies(Company.select(Company.id))
        .join(BillingPoint, on=(BillingPoint.company == Company.id))
        .where((Company.kind == CompanyKind.PROSPECT) & (Company.creation_step >= 3))
        .order_by(Company.id.desc())
        .limit(200)
    )
    figures: dict[str, list[float]] = {"conversion": [], "mandate": [], "mandate_render": []}

    class Rollback(Exception):
        pass

    def timed_rolled_back(fn, *args) -> float | None:
        elapsed = None
        try:
            with database_proxy.atomic():
                start = time.perf_counter()
                fn(*args)
                elapsed = (time.perf_counter() - start) * 1000
                raise Rollback
        except Rollback:
            return elapsed
        except DomainError:
            return None

    convertible = None
    for (company_id,) in candidates.tuples():
        if timed_rolled_back(convert_to_client, scope, company_id) is not None:
            convertible = company_id  # the first run above was the warm-up
            break
    if convertible is not None:
        for _ in range(runs):
            figures["conversion"].append(timed_rolled_back(convert_to_client, scope, convertible))
    with_mandate = None
    for (company_id,) in candidates.tuples():
        if timed_rolled_back(generate_mandate, scope, company_id) is not None:
            with_mandate = company_id
            break
    if with_mandate is not None:
        for _ in range(runs):
            figures["mandate"].append(timed_rolled_back(generate_mandate, scope, with_mandate))
        data = mandate_data(scope, with_mandate)
        if not data.rum:  # a RUM is given at generation (rolled back above): any will do here
            data = dataclasses.replace(data, rum="++BENCH-RUM-0001")
        for _ in range(runs):
            figures["mandate_render"].append(_time_sql(render_mandate_pdf, data))
    return figures


# --- the report ------------------------------------------------------------------------------


def median(values) -> float:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def p95(values) -> float:
    values = sorted(v for v in values if v is not None)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, max(0, round(0.95 * len(values)) - 1))]


def machine() -> list[str]:
    from importlib.metadata import version

    cpu = "?"
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return [
        f"CPU: {cpu}, {os.cpu_count()} cœurs (nproc), {platform.machine()}",
        f"Python {platform.python_version()}, Textual {version('textual')}, peewee {version('peewee')}, SQLite {__import__('sqlite3').sqlite_version}",
        f"Système : {platform.system()} {platform.release()}",
    ]


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


class Table:
    HEAD = ("Mesure", "MyOpenIP", "--low-bandwidth", "Référence (même run)", "Rapport", "Cible", "")

    def __init__(self):
        self.rows: list[tuple[str, ...]] = []

    def add(self, what, ours, low="", base="", ratio="", target="", ok: bool | None = None):
        mark = "" if ok is None else ("✓" if ok else "✗")
        self.rows.append((what, ours, low, base, ratio, target, mark))

    def render(self, markdown: bool) -> str:
        if markdown:
            lines = [
                "| " + " | ".join(self.HEAD) + " |",
                "|" + "|".join("---" for _ in self.HEAD) + "|",
            ]
            lines += ["| " + " | ".join(row) + " |" for row in self.rows]
            return "\n".join(lines)
        rows = [self.HEAD, *self.rows]
        widths = [max(len(row[i]) for row in rows) for i in range(len(self.HEAD))]
        return "\n".join(
            "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows
        )


def ms(value: float) -> str:
    return f"{value:.0f} ms" if value >= 10 else f"{value:.1f} ms"


def _flat(runs: list[Session], attr: str) -> float:
    values = [getattr(s, attr) for s in runs]
    return median([v for x in values for v in (x if isinstance(x, list) else [x])])


def startup_only(argv: list[str], marker: bytes, env: dict) -> Session:
    session = Session()
    term = Term(argv, *SIZES[0], env)
    try:
        first_screen(term, marker, session)
    finally:
        term.close()
    return session


STARTS_PER_RUN = 3  # start-up is short and noisy: more samples than the full sessions


def measure_terminal(db: str, args, tmp: str, table: Table, notes: list[str]) -> None:
    starts: dict = {"app": [], "low": [], "bare": []}
    for _ in range(args.runs * STARTS_PER_RUN):  # interleaved, as below
        starts["app"].append(startup_only(app_argv(db), b"Connexion", term_env(False, tmp)))
        starts["bare"].append(startup_only(bare_argv(), b"Quitter", term_env(False, tmp)))
        starts["low"].append(startup_only(app_argv(db), b"Connexion", term_env(True, tmp)))
    app_runs: dict = {size: [] for size in SIZES}
    low_runs: dict = {size: [] for size in SIZES}
    bare_runs: dict = {size: [] for size in SIZES}
    for run in range(args.runs):  # interleaved, so that all three see the same machine load
        for size in SIZES:
            kwargs = dict(login=args.login, full_flow=True, tmp=tmp)
            app_runs[size].append(run_app_session(db, *size, low_bandwidth=False, **kwargs))
            bare_runs[size].append(run_bare_session(*size, tmp))
            low_runs[size].append(run_app_session(db, *size, low_bandwidth=True, **kwargs))
        print(f"  terminal : run {run + 1}/{args.runs}", file=sys.stderr)

    starts["app"] += app_runs[SIZES[0]]
    starts["bare"] += bare_runs[SIZES[0]]
    starts["low"] += low_runs[SIZES[0]]
    app_paint = median(s.painted for s in starts["app"]) * 1000
    bare_paint = median(s.painted for s in starts["bare"]) * 1000
    low_paint = median(s.painted for s in starts["low"]) * 1000
    table.add(
        f"Démarrage → Connexion peinte, 80×24 (dernier octet du 1er écran ; "
        f"{len(starts['app'])} démarrages)",
        ms(app_paint),
        ms(low_paint),
        f"{ms(bare_paint)} (app nue)",
        f"×{app_paint / bare_paint:.2f}",
        f"≤ ×{TARGET_START_RATIO}",
        app_paint <= TARGET_START_RATIO * bare_paint,
    )
    table.add(
        "  1re image contenant « Connexion »",
        ms(median(s.first_paint for s in starts["app"]) * 1000),
        ms(median(s.first_paint for s in starts["low"]) * 1000),
        f"{ms(median(s.first_paint for s in starts['bare']) * 1000)} (app nue)",
    )
    totals = {"normal": 0.0, "low": 0.0}
    for size in SIZES:
        label = f"{size[0]}×{size[1]}"
        for what, attr, target in (
            ("1er écran (Connexion)", "screen_bytes", None),
            ("1 caractère tapé", "typed_bytes", TARGET_TYPED_BYTES),
            ("Tab / Maj+Tab (champ suivant)", "tab_bytes", None),
            ("1 ligne descendue (Prospects)", "row_bytes", None),
            (f"{KEY_BURST} lignes, touche maintenue", "burst_bytes", None),
            (f"{IDLE:.0f} s sans rien faire (Connexion)", "idle_bytes", None),
        ):
            ours, low, bare = (_flat(r[size], attr) for r in (app_runs, low_runs, bare_runs))
            if attr != "idle_bytes":
                totals["normal"] += ours
                totals["low"] += low
            table.add(
                f"Octets {label} : {what}",
                f"{ours:.0f} o",
                f"{low:.0f} o ({_saving(ours, low)})",
                f"{bare:.0f} o (app nue)",
                f"×{ours / bare:.2f}" if bare else "",
                f"≤ {target} o" if target else "",
                (ours <= target and low <= target) if target else None,
            )
    size = SIZES[-1]
    table.add(
        f"Images pour {KEY_BURST} lignes, touche maintenue ({size[0]}×{size[1]})",
        f"{_flat(app_runs[size], 'burst_frames'):.0f}",
        f"{_flat(low_runs[size], 'burst_frames'):.0f}",
        f"{_flat(bare_runs[size], 'burst_frames'):.0f} (app nue)",
    )
    repaint = {}
    for label, runs in (("normal", app_runs), ("low", low_runs)):
        every = [s for z in SIZES for s in runs[z]]
        repaint[label] = (
            max(s.screen_full for s in every),
            max(s.open_full.get("prospects", 0) for s in every),
            max(s.open_full.get("quotes", 0) for s in every),
        )
    table.add(
        "Repeints complets à l'ouverture : Connexion · Prospects · Mes devis",
        " · ".join(map(str, repaint["normal"])),
        " · ".join(map(str, repaint["low"])),
        f"{max(s.screen_full for z in SIZES for s in bare_runs[z])} (app nue, 1er écran)",
        "",
        "≤ 1",
        max(repaint["normal"] + repaint["low"]) <= 1,
    )
    rss = median(s.peak_rss_mb for s in app_runs[size])
    low_rss = median(s.peak_rss_mb for s in low_runs[size])
    table.add(
        "Mémoire max (VmHWM), connecté, Prospects puis Mes devis ouverts",
        f"{rss:.0f} Mo",
        f"{low_rss:.0f} Mo",
        f"{median(s.peak_rss_mb for s in bare_runs[size]):.0f} Mo (app nue)",
        "",
        f"≤ {TARGET_RSS_MB} Mo",
        max(rss, low_rss) <= TARGET_RSS_MB,
    )
    table.add(
        "  mémoire à la fin (VmRSS)",
        f"{median(s.rss_mb for s in app_runs[size]):.0f} Mo",
        f"{median(s.rss_mb for s in low_runs[size]):.0f} Mo",
    )
    saving = (totals["normal"] - totals["low"]) / totals["normal"] if totals["normal"] else 0
    table.add(
        "Low-bandwidth : octets en moins, toutes mesures ci-dessus",
        "",
        f"-{saving * 100:.0f} %",
        "",
        "",
        f"≥ {TARGET_LOW_BANDWIDTH_SAVING * 100:.0f} %",
        saving >= TARGET_LOW_BANDWIDTH_SAVING,
    )
    every_low = [s for z in SIZES for s in low_runs[z]]
    every_normal = [s for z in SIZES for s in app_runs[z]]
    notes.append(
        "Low-bandwidth vérifié sur le fil : "
        f"suivi souris {'ACTIVÉ' if any(s.mouse_tracking for s in every_low) else 'absent'} "
        f"(mode normal : {'activé' if all(s.mouse_tracking for s in every_normal) else 'absent'}), "
        f"couleurs au-delà des 16 {'PRÉSENTES' if any(s.colours_over_16 for s in every_low) else 'absentes'} "
        f"(mode normal : {'présentes' if all(s.colours_over_16 for s in every_normal) else 'absentes'}), "
        f"curseur qui clignote : {_flat(low_runs[SIZES[0]], 'idle_bytes'):.0f} o en {IDLE:.0f} s "
        f"(mode normal : {_flat(app_runs[SIZES[0]], 'idle_bytes'):.0f} o)."
    )


def measure_lists_report(db: str, args, tmp: str, table: Table) -> None:
    from db.models import User
    from db.prospects import ProspectFilters, count_prospects
    from db.quotes import QuoteFilters, count_quotes
    from db.scope import Scope

    scope = Scope.for_user(User.get(User.login == args.login))
    visible = {
        "Prospects": count_prospects(scope, ProspectFilters()),
        "Mes devis": count_quotes(scope, QuoteFilters()),
    }
    prospects, quotes = asyncio.run(measure_lists(db, args.login, args.runs, (120, 40), tmp))
    for name, figs in (("Prospects", prospects), ("Mes devis", quotes)):
        open_ms = median(figs.open_ms)
        table.add(
            f"{name} ({visible[name]} lignes pour {args.login}) : ouverture → lignes peintes",
            ms(open_ms),
            "",
            f"{ms(median(figs.open_sql_ms))} (SQL liste + compte exact)",
            "",
            f"≤ {TARGET_OPEN_MS} ms",
            open_ms <= TARGET_OPEN_MS,
        )
        key_p95 = p95(figs.key_ms)
        table.add(
            f"{name} : 1 frappe de filtre → lignes peintes, médiane / p95 ({len(figs.key_ms)} frappes)",
            f"{ms(median(figs.key_ms))} / {ms(key_p95)}",
            "",
            f"{ms(median(figs.sql_ms))} / {ms(p95(figs.sql_ms))} (SQL liste + compte exact)",
            "",
            f"p95 ≤ {TARGET_KEY_P95_MS} ms",
            key_p95 <= TARGET_KEY_P95_MS,
        )
        table.add(
            f"  {name} : requête de l'écran (liste + compte plafonné), médiane / p95",
            f"{ms(median(figs.fetch_ms))} / {ms(p95(figs.fetch_ms))}",
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--db", default=DEFAULT_DB, help="base SQLite à 100 000 lignes")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--login", default="operateur", help="operateur voit toute la base")
    parser.add_argument("--markdown", action="store_true", help="tableau Markdown")
    parser.add_argument(
        "--only", default="terminal,lists,documents", help="terminal,lists,documents"
    )
    parser.add_argument("--verbose", action="store_true", help="chaque frappe mesurée")
    args = parser.parse_args(argv)
    global VERBOSE
    VERBOSE = args.verbose
    only = set(args.only.split(","))
    db = args.db
    if not Path(db).exists():
        print(f"Création de {db} (100 000 prospects, 100 000 devis)…", file=sys.stderr)
        subprocess.run(
            [
                str(BIN / "myopenip"),
                "seed-demo",
                "--path",
                db,
                "--prospects",
                "100000",
                "--quotes",
                "100000",
            ],
            check=True,
        )
    load_before = load_average()
    started = time.perf_counter()
    tmp = tempfile.mkdtemp(prefix="myopenip-bench-")
    table = Table()
    notes: list[str] = []

    from db.database import open_database

    open_database(db)

    if "terminal" in only:
        measure_terminal(db, args, tmp, table, notes)
    if "lists" in only:
        measure_lists_report(db, args, tmp, table)
    if "documents" in only:
        figures = measure_documents(args.login, args.runs)
        table.add("Transformation en client (convert_to_client)", ms(median(figures["conversion"])))
        table.add(
            "Mandat SEPA PDF (generate_mandate, enregistré)",
            ms(median(figures["mandate"])),
            "",
            f"{ms(median(figures['mandate_render']))} (rendu PDF seul)",
        )

    shutil.rmtree(tmp, ignore_errors=True)
    elapsed = time.perf_counter() - started
    print()
    print(f"MyOpenIP — bench ({args.runs} runs, médianes), base {db}, login {args.login}")
    for line in machine():
        print("  " + line)
    print(
        f"  Charge (1/5/15 min) : avant {load_before}, après {load_average()}; durée {elapsed:.0f} s"
    )
    print()
    print(table.render(args.markdown))
    for note in notes:
        print("\n" + note)
    return 0


def _saving(normal: float, low: float) -> str:
    if not normal:
        return "—"
    return f"{(low - normal) / normal * 100:+.0f} %"


if __name__ == "__main__":
    sys.exit(main())
