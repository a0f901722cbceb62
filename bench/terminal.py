"""The terminal bench.run plays: a process on a pseudo-terminal, every byte it writes timed.

The process runs with TERM=xterm-256color and no COLORTERM (what an SSH session usually gets);
`Term` reads all it writes, answers the synchronized-output query (DECRQM 2026) like current
terminals do, so that each frame is delimited, and types keys.
"""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import sys
import termios
import threading
import time
from contextlib import suppress
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
QUIET = 0.15  # seconds without output = the terminal has received everything

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

    def bytes_answering(self, data: bytes) -> int:
        """Send `data`; the bytes written in answer, until the output goes quiet."""
        start = self.pos
        self.send(data)
        self.wait_output(start, 2.0)
        self.wait_quiet()
        return len(self.since(start))

    def key_until(self, name: str, marker: bytes) -> int:
        """Press `name`, wait for `marker` then for quiet; the offset the answer starts at."""
        start = self.pos
        self.key(name)
        self.wait_for(marker, start)
        self.wait_quiet()
        return start

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

    def __enter__(self) -> Term:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Ctrl+Q, then SIGKILL if the process has not ended 5 s later."""
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
