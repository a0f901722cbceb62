"""`myopenip` run on a pseudo-terminal, as a user's terminal runs it (start-up tests).

The process gets a real terminal (Textual's driver needs one), TERM=xterm-256color, its own log
file and no configuration file; everything it writes is kept, and the synchronized-output query
(DECRQM 2026) is answered as current terminals do.
"""

from __future__ import annotations

import fcntl
import os
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SYNC_QUERY = b"\x1b[?2026$p"


class AppOnPty:
    def __init__(self, code: str, args: list[str], tmp_path: Path, env: dict | None = None):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        environ = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("TEXTUAL_", "MYOPENIP_", "COLORTERM", "DATABASE_URL"))
        }
        environ.update(
            TERM="xterm-256color",
            MYOPENIP_CONFIG=str(tmp_path / "absent.toml"),
            MYOPENIP_LOG_FILE=str(tmp_path / "journal" / "myopenip.log"),
            **(env or {}),
        )
        self.master = master
        self.output = bytearray()
        self.lock = threading.Lock()
        self.proc = subprocess.Popen(
            [sys.executable, "-c", code, *args],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=ROOT,
            env=environ,
            start_new_session=True,
        )
        os.close(slave)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            with self.lock:
                self.output += chunk
            if SYNC_QUERY in chunk:
                os.write(self.master, b"\x1b[?2026;2$y")

    def wait_until(self, predicate, timeout: float = 30.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            if self.proc.poll() is not None:
                time.sleep(0.2)  # what it wrote last is read
                return predicate()
            time.sleep(0.05)
        return False

    def screen_text(self) -> str:
        """What the terminal shows, as text (pyte, the terminal emulator of the dev tools)."""
        import pyte

        screen = pyte.Screen(80, 24)
        stream = pyte.ByteStream(screen)
        with self.lock:
            stream.feed(bytes(self.output))
        return "\n".join(screen.display)

    def since_exit(self, start: int) -> str:
        with self.lock:
            return bytes(self.output[start:]).decode("utf-8", "replace")

    def press(self, data: bytes) -> None:
        os.write(self.master, data)

    def close(self) -> int:
        """Ctrl+Q, then the exit code (the process is killed if it has not left 10 s later)."""
        try:
            self.press(b"\x11")
            return self.proc.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.kill()  # only the process this helper started
            return self.proc.wait()
        finally:
            self.reader.join(timeout=2)
            os.close(self.master)
