"""Shared helpers of the end-to-end tests: the tools they need, polling, and a private tmux server
holding the app in a pane of a stated size (read back with `capture-pane -p`)."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def tool(name: str) -> str:
    """The path of a system tool; outside CI a missing one skips the test, in CI it fails."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/local/sbin:/sbin")
    if found is None:
        reason = f"`{name}` is missing (scripts/ensure-system-packages installs it)"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    return found


def wait(predicate, timeout: float, interval: float = 0.1):
    """Call `predicate` until it returns something true or `timeout` seconds pass; its last result."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    return predicate()


def pane_environment() -> dict[str, str]:
    """os.environ without COLUMNS and LINES. Under pytest the process's C environment holds
    COLUMNS=80 LINES=24 (set by readline, not in os.environ); a tmux server started with them
    passes them on to the pane, and an app reading its size from them (shutil.get_terminal_size,
    as Textual does) never follows a resized pane."""
    return {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}


class Tmux:
    """A private tmux server (own socket, no user config) holding one session."""

    def __init__(self, name: str, size: tuple[int, int] = (100, 30)):
        self.base = [tool("tmux"), "-L", name, "-f", "/dev/null"]
        self.name = name
        self.size = size

    def run(self, *args: str, check: bool = True) -> str:
        done = subprocess.run(
            [*self.base, *args],
            capture_output=True,
            text=True,
            check=check,
            timeout=10,
            env=pane_environment(),
        )
        return done.stdout

    def start(self, command: str) -> None:
        width, height = (str(n) for n in self.size)
        self.run("new-session", "-d", "-s", self.name, "-x", width, "-y", height, command)

    def screen(self) -> str:
        return self.run("capture-pane", "-p", "-t", self.name, check=False)

    def lines(self) -> list[str]:
        """The pane's rows, each padded to the pane's width (capture-pane drops trailing blanks)."""
        width, height = self.size
        rows = self.screen().split("\n")[:height]
        return [row.ljust(width) for row in rows + [""] * (height - len(rows))]

    def wait_for(self, *texts: str, timeout: float = 30.0) -> str:
        found = wait(lambda: all(t in (s := self.screen()) for t in texts) and s, timeout)
        assert found, f"{texts} not on screen after {timeout} s:\n{self.screen()}"
        return found

    def wait_until(self, predicate, what: str, timeout: float = 30.0) -> str:
        """Poll the screen until `predicate(screen)` holds; `what` names it in the failure."""
        found = wait(lambda: predicate(s := self.screen()) and s, timeout)
        assert found, f"{what}: not so after {timeout} s:\n{self.screen()}"
        return found

    def expect(self, check, what: str, timeout: float = 30.0) -> list[str]:
        """The pane's rows once `check(rows)` passes (does not raise nor return False) on a
        capture identical to the one 0.15 s before it. A capture can mix two screens while the
        app repaints (tmux reads a frame in pieces, slowly under load): so `check` states what
        is expected of the whole screen and is polled until it holds; after `timeout` s its last
        failure is raised with the screen."""
        previous: list[str] = []
        failure = "the screen kept changing"

        def settled():
            nonlocal previous, failure
            rows = self.lines()
            same, previous = rows == previous, rows
            if not same:
                return False
            try:
                if check(rows) is False:
                    failure = "not so"
                    return False
            except Exception as error:  # noqa: BLE001 - a screen not there yet: polled again
                failure = f"{type(error).__name__}: {error}"
                return False
            return rows

        found = wait(settled, timeout, interval=0.15)
        assert found, f"{what}, after {timeout} s: {failure}\n" + "\n".join(self.lines())
        return found

    def choose_in_palette(self, label: str) -> None:
        """Ctrl+P, `label`, then Enter once the palette's first hit is `label` (Enter before the
        search has run would choose the first line of the unfiltered list)."""
        self.press("C-p")
        self.wait_for("🔎")
        self.write(label)

        def first_hit(rows: list[str]) -> None:
            search = next(i for i, row in enumerate(rows) if "🔎" in row)
            assert label in rows[search]
            hits = [row.strip() for row in rows[search + 1 :] if row.strip()]
            assert hits[0] == label and " › " in hits[1], hits[:2]  # its place in the menu

        self.expect(first_hit, f"{label!r} first in the palette")
        self.press("Enter")

    def write(self, text: str) -> None:
        """`text` in ONE write to the pane, as a paste, a password manager or a laggy link sends
        it: one `send-keys -l` (\\t is Tab, \\r is Enter, \\x1b starts an escape sequence)."""
        self.run("send-keys", "-t", self.name, "-l", text)

    def press(self, *keys: str) -> None:
        """tmux key names (Enter, Escape, Right, C-p, F2) in one send-keys call."""
        self.run("send-keys", "-t", self.name, *keys)

    def type(self, text: str) -> None:
        self.write(text)
        time.sleep(0.2)

    def key(self, *keys: str) -> None:
        for key in keys:
            self.press(key)
            time.sleep(0.2)

    def kill(self) -> None:
        """End the server and everything in its panes; its socket file too (tmux leaves it)."""
        socket = self.run("display-message", "-p", "#{socket_path}", check=False).strip()
        self.run("kill-server", check=False)
        if socket:
            Path(socket).unlink(missing_ok=True)
