"""What goes on the wire: Textual's terminal output without its redundant escape sequences.

Rich writes every styled run of text as `ESC[<style>m text ESC[0m`, even when the next run has
the very same style, and writes the terminal's default colours (`ESC[39;49m`) after a reset
that already restored them. On a list row or a form line that is most of the bytes. `compact`
rewrites one write of the driver so the terminal gets each style change once and nothing that
changes nothing; what ends up on the screen is identical:

* a reset followed by the style that was already in effect is dropped (runs merge);
* a style equal to the default colours right after a reset is dropped;
* a cursor move immediately followed by another cursor move is dropped;
* every write still ends in the reset state, as Textual's own writes do.

`screen_diff_driver(base)` (MyOpenIPApp.get_driver_class) makes a subclass of Textual's
driver class that sends only the cells that changed (tui/screen_diff.py: a model of what the
terminal shows, diffed against each frame, as curses does; issue 16); F5 (`redraw_terminal`)
sends the whole screen again. `MYOPENIP_SCREEN_DIFF=0` falls back to `compacting_driver(base)`,
which only compacts each write (the bench's baseline). The headless driver of `run_test` is
untouched.
"""

from __future__ import annotations

import os
import re
import struct
import threading
from pathlib import Path

_TOKEN = re.compile(r"\x1b\[([0-9;?<>=$ ]*)([@-~])|[^\x1b]+|\x1b", re.DOTALL)
_DEFAULT_COLOURS = {"39", "49"}
RESET = "\x1b[0m"


def _apply(current: str, params: str) -> str:
    """The style after SGR `params` on top of `current` (both as SGR parameter strings)."""
    parts = params.split(";") if params else ["0"]
    style = current
    for index, part in enumerate(parts):
        if part in ("", "0") and not _in_colour(parts, index):
            style = ""
        else:
            style = f"{style};{part}" if style else part
    if style and all(part in _DEFAULT_COLOURS for part in style.split(";")):
        return ""  # default colours only: the same as the reset state
    return style


def _in_colour(parts: list[str], index: int) -> bool:
    """True if parts[index] is an argument of 38;5;n / 38;2;r;g;b (a 0 there is a colour)."""
    for back in (2, 3, 4):
        start = index - back
        if start >= 0 and parts[start] in ("38", "48", "58"):
            mode = parts[start + 1] if start + 1 < len(parts) else ""
            if (mode == "5" and back == 2) or (mode == "2" and back in (2, 3, 4)):
                return True
    return False


def compact(data: str) -> str:
    """`data` (one write of Textual's driver) with the same effect in fewer bytes."""
    if "\x1b[" not in data:
        return data
    out: list[str] = []
    emit = out.append
    state = ""  # the style the terminal has ("" = reset); Textual's writes start and end reset
    wanted = ""  # the style the next text needs
    pending_move: str | None = None
    for match in _TOKEN.finditer(data):
        params, final = match.group(1), match.group(2)
        if final == "m" and params is not None and "?" not in params:
            wanted = _apply(wanted, params)
            continue
        if final == "H" and params is not None:
            pending_move = match.group(0)  # a later move before any text replaces it
            continue
        if pending_move is not None:
            emit(pending_move)
            pending_move = None
        if wanted != state:
            emit(
                RESET
                if not wanted
                else (f"\x1b[{wanted}m" if not state else f"{RESET}\x1b[{wanted}m")
            )
            state = wanted
        emit(match.group(0))
    if pending_move is not None:
        emit(pending_move)
    if state:
        emit(RESET)
    return "".join(out)


def compacting_driver(base: type) -> type:
    """A subclass of the driver class `base` whose writes go through `compact`."""

    class CompactingDriver(base):
        def write(self, data: str) -> None:
            super().write(compact(data))

    CompactingDriver.__name__ = f"Compacting{base.__name__}"
    CompactingDriver.__qualname__ = CompactingDriver.__name__
    return CompactingDriver


SCREEN_DIFF_ENV = "MYOPENIP_SCREEN_DIFF"  # "0": Textual's frames as they are (compacted)
_BCE = 28  # index of the "bce" flag among terminfo's booleans
_TERMINFO_DIRS = ("/etc/terminfo", "/lib/terminfo", "/usr/share/terminfo", "/usr/lib/terminfo")


def back_colour_erase(term: str | None = None) -> bool:
    """True if terminal `term` (default $TERM) erases in the pen's background colour.

    Read from its compiled terminfo entry (curses keeps the first terminal it was set up for,
    process-wide, so it is not asked). Unknown terminal: False, the safe answer.
    """
    term = term if term is not None else os.environ.get("TERM", "")
    if not term or "/" in term or term.startswith("."):
        return False
    dirs = [os.environ.get("TERMINFO", ""), str(Path.home() / ".terminfo")]
    dirs += os.environ.get("TERMINFO_DIRS", "").split(":") + list(_TERMINFO_DIRS)
    for base in filter(None, dirs):
        for sub in (term[0], f"{ord(term[0]):x}"):
            try:
                data = (Path(base) / sub / term).read_bytes()
            except OSError:
                continue
            if len(data) < 12:
                return False
            magic, names, booleans = struct.unpack("<hhh", data[:6])
            if magic not in (0o432, 0o1036) or booleans <= _BCE:
                return False
            return data[12 + names + _BCE] == 1
    return False


def screen_diff_driver(base: type) -> type:
    """A subclass of the driver class `base` that sends only what changed on the screen.

    Its writes go through a `ScreenWriter` (tui/screen_diff.py) of the app's size: a new size,
    a new start (or a resume: the alternate screen starts blank) and `redraw` make it paint
    everything again. `MYOPENIP_SCREEN_DIFF=0` turns it off (the bench's baseline): writes are
    then only compacted.
    """
    if os.environ.get(SCREEN_DIFF_ENV, "1") == "0":
        return compacting_driver(base)
    from tui.screen_diff import ScreenWriter

    class ScreenDiffDriver(base):
        _screen_writer: ScreenWriter | None = None
        _screen_lock = threading.Lock()

        def _writer(self) -> ScreenWriter:
            try:
                width, height = self._app.size
            except Exception:  # noqa: BLE001 - before the app knows its size
                width, height = self._get_terminal_size()
            screen = self._screen_writer
            if screen is None:
                screen = self._screen_writer = ScreenWriter(
                    width, height, colour_erase=back_colour_erase()
                )
            elif (screen.width, screen.height) != (width, height):
                screen.resize(width, height)
            return screen

        def write(self, data: str) -> None:
            with self._screen_lock:
                out = self._writer().feed(data)
            if out:
                super().write(out)

        def redraw(self) -> None:
            """Paint the whole screen again (the terminal's content is in doubt)."""
            with self._screen_lock:
                out = self._writer().redraw()
            if out:
                super().write(out)
                self.flush()

    ScreenDiffDriver.__name__ = f"ScreenDiff{base.__name__}"
    ScreenDiffDriver.__qualname__ = ScreenDiffDriver.__name__
    return ScreenDiffDriver


def redraw_terminal(app) -> None:
    """Send the whole screen again (F5): after line noise, or a message written over it."""
    redraw = getattr(app._driver, "redraw", None)
    if redraw is not None:
        redraw()
    else:
        app.refresh(repaint=True)


def no_full_repaint_on_focus() -> None:
    """Focus moves repaint the two widgets concerned, not the whole screen.

    Textual's `Screen.focused` is a reactive with the default `repaint=True`: every Tab from
    one field to the next repaints the entire screen (10-20 KB at 120×40) although the widgets
    that lose and gain focus already refresh themselves (Widget._on_focus/_on_blur) and
    `:focus-within` containers are restyled by Screen._update_focus_styles. Textual has no
    setting for it; this turns that one flag off (Textual is pinned, see pyproject.toml).
    """
    from textual.screen import Screen

    focused = Screen.__dict__.get("focused")
    if focused is not None and hasattr(focused, "_repaint"):
        focused._repaint = False
