"""Only what changed goes to the terminal (tui/screen_diff.py), and it shows the same screen.

Workflows A and B (bench/workflows.py) are played through the real UI at 80×24. Every byte
Textual writes is recorded; a terminal emulator (pyte) fed with those bytes as they are — what
a terminal showed before issue 16 — and another fed with what the ScreenWriter sends instead
must hold the same cells (character, colours, attributes) after every step, and both must be
the screen the app's compositor draws at that moment.
"""

from __future__ import annotations

import pyte
import pytest
from textual.drivers import headless_driver

from bench.workflows import WORKFLOWS, pilot_keys
from tests.ui.conftest import settle
from tui.app import MyOpenIPApp
from tui.screen_diff import ScreenWriter
from tui.settings import Settings

COLS, ROWS = 80, 24
ATTRS = ("data", "fg", "bg", "bold", "italics", "underscore", "strikethrough", "reverse")


def cells(screen: pyte.Screen) -> list[list[tuple]]:
    return [
        [tuple(getattr(screen.buffer[y][x], a) for a in ATTRS) for x in range(screen.columns)]
        for y in range(screen.lines)
    ]


class Terminal:
    def __init__(self):
        self.screen = pyte.Screen(COLS, ROWS)
        self.stream = pyte.Stream(self.screen)
        self.bytes = 0

    def feed(self, data: str) -> None:
        self.bytes += len(data.encode())
        self.stream.feed(data)

    def text(self) -> str:
        return "\n".join(self.screen.display)


def recording_driver(writes: list[str]) -> type:
    """Textual's headless driver, but the app writes its frames to it (into `writes`)."""

    class RecordingDriver(headless_driver.HeadlessDriver):
        @property
        def is_headless(self) -> bool:
            return False  # so that App._display renders and writes every frame

        def write(self, data: str) -> None:
            writes.append(data)

    return RecordingDriver


def compositor_screen(app) -> Terminal:
    """The screen the app means to show now: its compositor's full render, on a new terminal."""
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    terminal = Terminal()
    terminal.feed(update.render_segments(app.console))
    return terminal


@pytest.mark.parametrize("name", sorted(WORKFLOWS))
async def test_the_terminal_shows_what_the_app_draws_after_every_step(name, demo_db, monkeypatch):
    writes: list[str] = []
    monkeypatch.setattr(headless_driver, "HeadlessDriver", recording_driver(writes))
    app = MyOpenIPApp(Settings(database=demo_db))
    raw, sent = Terminal(), Terminal()
    writer = ScreenWriter(COLS, ROWS)

    def drain() -> None:
        for data in writes:
            raw.feed(data)
            sent.feed(writer.feed(data))
        writes.clear()

    async with app.run_test(size=(COLS, ROWS)) as pilot:
        app._sync_available = True  # frames delimited as on a real terminal
        for step in WORKFLOWS[name]:
            await pilot.press(*pilot_keys(step))
            await settle(pilot)
            for _ in range(100):  # what the step waits for (a query, a screen that opens)
                drain()
                if step.until is None or step.until in raw.text():
                    break
                await pilot.pause(0.05)
            await settle(pilot)
            drain()
            if step.until is not None and step.until not in sent.text():
                pytest.fail(f"{step.label}: « {step.until} » not shown\n{raw.text()}")
            assert cells(sent.screen) == cells(raw.screen), step.label
            assert cells(sent.screen) == cells(compositor_screen(app).screen), step.label
        assert app._exception is None
    # And in far fewer bytes: the whole workflow in well under half.
    assert sent.bytes < raw.bytes / 2, (sent.bytes, raw.bytes)
