"""What the terminal shows, cell by cell, and the fewest bytes that bring it to Textual's frame.

Textual writes every frame as if the terminal had to be told each cell it covers: a new screen
is the whole screen again, a dimmed backdrop is every cell again. `ScreenWriter` does what
curses does instead. It keeps two grids of cells (character + style):

* `target`: what the terminal would hold had Textual's bytes been sent as they are;
* `shown`: what the terminal holds after the bytes actually sent.

`feed(data)` reads one write of Textual's driver into `target` and returns the bytes that make
`shown` equal to it: for each line that changed, the runs of cells that differ, the cursor
moved over the rest; a blank end of line becomes "erase to end of line" (ESC[K), a long blank
run inside a line "erase characters" (ESC[nX); a style is sent as the change from the one in
effect. What it does not model it passes through, in order, and forgets what it no longer
knows (a cell it does not know is sent again the next time Textual draws it). A cell of
`shown` is None when the terminal's content there is unknown (start, after `forget`).

The sequences Textual writes and how they are read: cursor moves (CUP `ESC[r;cH`, CUU/CUD/CUF/
CUB, CHA, VPA, CR, LF, BS), SGR, text (wide characters take two cells, zero-width ones join the
cell before), synchronized output (`ESC[?2026h/l`: a frame that turns out to change nothing
sends nothing), cursor show/hide, the alternate screen (`ESC[?1049h`: blank; once it is left,
`ESC[?1049l`, everything passes through unchanged until it is entered again), EL/ED/ECH
(applied to both grids). Other private modes, queries and OSC strings pass through unchanged;
anything else that may move the cursor or change cells (scrolling, insert/delete, save/restore
cursor, reset) passes through and makes the whole screen unknown.

Erasing with a background colour (ESC[K / ESC[nX under a coloured pen) relies on the
terminal's "back colour erase" (terminfo `bce`, which xterm-256color declares); without it
only cells in the terminal's default colours are erased, the rest is written out.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rich.cells import get_character_cell_size

SYNC_START = "\x1b[?2026h"
SYNC_END = "\x1b[?2026l"
ALT_SCREEN_ON = "\x1b[?1049h"
GAP = 3  # unchanged cells (known) rewritten rather than jumped over, up to this many
ERASE_RUN_MIN = 12  # a blank run inside a line this long is erased (ECH) rather than written
TAIL_MIN = 4  # a blank end of line this long is erased (EL) rather than written

_TOKEN = re.compile(
    r"(?P<text>[^\x00-\x1f\x7f\x1b]+)"
    r"|\x1b\[(?P<params>[0-?]*)(?P<inter>[ -/]*)(?P<final>[@-~])"
    r"|(?P<osc>\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?)"
    r"|(?P<esc>\x1b[ -/]*[0-~]?)"
    r"|(?P<ctrl>[\x00-\x1f\x7f])",
    re.DOTALL,
)

# -- styles ------------------------------------------------------------------------------------
# A style is (foreground, background, flags): colours as their SGR parameters ("" = the
# terminal's default, "31", "38;5;253", "38;2;1;2;3"), flags a sorted tuple of SGR codes
# ("1" bold, "7" reverse...). Each gets a small int, so that a line compares as a list of ints.
DEFAULT_STYLE = ("", "", ())
_styles: list[tuple] = [DEFAULT_STYLE]
_style_ids: dict[tuple, int] = {DEFAULT_STYLE: 0}
DEFAULT = 0
_OFF = {"22": ("1", "2"), "23": ("3",), "24": ("4", "21"), "25": ("5", "6"), "27": ("7",)}
_OFF.update({"28": ("8",), "29": ("9",), "54": ("51", "52"), "55": ("53",)})
_OFF_CODE = {flag: code for code, flags in _OFF.items() for flag in flags}
_ERASABLE_FLAGS = {"1", "2", "3"}  # invisible on a blank cell: bold, dim, italic


def _style_id(style: tuple) -> int:
    found = _style_ids.get(style)
    if found is None:
        found = _style_ids[style] = len(_styles)
        _styles.append(style)
    return found


@lru_cache(maxsize=4096)
def apply_sgr(style_id: int, params: str) -> int:
    """The style after SGR `params` on top of style `style_id`."""
    fg, bg, flags = _styles[style_id]
    flags = set(flags)
    parts = params.split(";") if params else ["0"]
    index = 0
    while index < len(parts):
        part = parts[index]
        if part in ("", "0"):
            fg, bg, flags = "", "", set()
        elif part in ("38", "48", "58"):
            mode = parts[index + 1] if index + 1 < len(parts) else ""
            size = 3 if mode == "5" else 5 if mode == "2" else 1
            value = ";".join(parts[index : index + size])
            index += size - 1
            if part == "38":
                fg = value
            elif part == "48":
                bg = value
            else:
                flags = {f for f in flags if not f.startswith("58;")} | {value}
        elif part.isdigit() and (30 <= int(part) <= 37 or 90 <= int(part) <= 97):
            fg = part
        elif part.isdigit() and (40 <= int(part) <= 47 or 100 <= int(part) <= 107):
            bg = part
        elif part == "39":
            fg = ""
        elif part == "49":
            bg = ""
        elif part in _OFF:
            flags.difference_update(_OFF[part])
        elif part == "59":
            flags = {f for f in flags if not f.startswith("58;")}
        else:
            flags.add(part)
        index += 1
    return _style_id((fg, bg, tuple(sorted(flags))))


def _params(style: tuple) -> list[str]:
    fg, bg, flags = style
    return [*flags, *([fg] if fg else []), *([bg] if bg else [])]


@lru_cache(maxsize=4096)
def sgr_change(old: int | None, new: int) -> str:
    """The shortest SGR sequence that turns style `old` (None = unknown) into `new`."""
    if old == new:
        return ""
    if new == DEFAULT:
        return "\x1b[m"
    full = "\x1b[" + ("" if old == DEFAULT else "0;") + ";".join(_params(_styles[new])) + "m"
    if old is None or old == DEFAULT:
        return full
    (old_fg, old_bg, old_flags), (fg, bg, flags) = _styles[old], _styles[new]
    codes: list[str] = []
    removed = set(old_flags) - set(flags)
    added = set(flags) - set(old_flags)
    for flag in sorted(removed):
        code = _OFF_CODE.get(flag)
        if code is None:
            return full  # no way to turn it off alone
        if code not in codes:
            codes.append(code)
        added.update(f for f in _OFF[code] if f in flags)  # 22 also turned off its pair
    codes.extend(sorted(added))
    if fg != old_fg:
        codes.append(fg or "39")
    if bg != old_bg:
        codes.append(bg or "49")
    delta = "\x1b[" + ";".join(codes) + "m"
    return delta if len(delta) < len(full) else full


def erasable(style_id: int, colour_erase: bool) -> bool:
    """True if erasing a cell under this pen leaves what a space in this style shows."""
    fg, bg, flags = _styles[style_id]
    return (colour_erase or not bg) and all(f in _ERASABLE_FLAGS for f in flags)


@lru_cache(maxsize=8192)
def char_width(char: str) -> int:
    return get_character_cell_size(char)


@lru_cache(maxsize=8192)
def all_narrow(text: str) -> bool:
    """True if every character of `text` takes one cell (box drawing, accents: most text)."""
    return all(char_width(char) == 1 for char in text)


# -- the grids -----------------------------------------------------------------------------------
class Grid:
    """Cells of a terminal: `chars[y][x]` (None = unknown, "" = right half of a wide
    character) and `styles[y][x]` (style ids)."""

    def __init__(self, width: int, height: int, char: str | None = None, style: int = DEFAULT):
        self.width, self.height = width, height
        self.chars: list[list[str | None]] = [[char] * width for _ in range(height)]
        self.styles: list[list[int]] = [[style] * width for _ in range(height)]

    def fill(self, char: str | None, style: int = DEFAULT) -> None:
        for y in range(self.height):
            self.fill_row(y, 0, self.width, char, style)

    def fill_row(self, y: int, start: int, end: int, char: str | None, style: int) -> None:
        if start >= end:
            return
        self.chars[y][start:end] = [char] * (end - start)
        self.styles[y][start:end] = [style] * (end - start)
        self._mend(y, start)
        self._mend(y, end)

    def _mend(self, y: int, x: int) -> None:
        """A wide character cut in two at x (by an erase or a write) loses its other half."""
        if 0 < x < self.width and self.chars[y][x] == "":
            if self.chars[y][x - 1] not in ("", None) and char_width(self.chars[y][x - 1][0]) == 2:
                self.chars[y][x - 1] = " "
            self.chars[y][x] = " "

    def erase(self, how: str, n: int, x: int, y: int, style: int) -> None:
        """EL (K), ED (J) or ECH (X) with parameter `n` at cursor (x, y) under pen `style`."""
        width = self.width
        if how == "X":
            self.fill_row(y, x, min(width, x + max(n, 1)), " ", style)
            return
        start, end = {0: (x, width), 1: (0, x + 1), 2: (0, width)}.get(n, (0, 0))
        self.fill_row(y, start, min(end, width), " ", style)
        if how == "J":
            rows = {0: range(y + 1, self.height), 1: range(y), 2: range(self.height)}
            for row in rows.get(n, ()):
                self.fill_row(row, 0, width, " ", style)


class ScreenWriter:
    """Turns Textual's output into the bytes that change only what changed (see module doc)."""

    def __init__(self, width: int, height: int, *, colour_erase: bool = True):
        self.colour_erase = colour_erase
        self.resize(width, height)
        self.cursor_visible = False  # Textual hides the cursor and draws its own
        self._sync_pending = False  # a SYNC_START held until the frame has something to send
        self._sync_open = False
        self._passthrough = False  # off the alternate screen (after the app): nothing modelled

    # -- state ---------------------------------------------------------------------------------
    def resize(self, width: int, height: int) -> None:
        """A new size: nothing is known of the terminal's content until Textual draws it."""
        self.width, self.height = width, height
        self.target = Grid(width, height)
        self.shown = Grid(width, height)
        self._dirty: set[int] = set()
        self.pen = DEFAULT  # Textual's pen, as read from its output
        self.x = self.y = 0  # Textual's cursor
        self.out_pen: int | None = None  # the terminal's pen (None = unknown)
        self.cx: int | None = None  # the terminal's cursor (None = unknown)
        self.cy: int | None = None

    def forget(self) -> None:
        """The terminal's content is unknown (a redraw is asked): everything is sent again."""
        self.shown.fill(None)
        self._dirty = set(range(self.height))
        self.out_pen = self.cx = self.cy = None

    def redraw(self) -> str:
        """The bytes that paint Textual's whole screen again (after `forget`)."""
        self.forget()
        out: list[str] = []
        self._flush(out)
        if self.cursor_visible:
            self._goto(self.x, self.y, out)
        body = "".join(out)
        return f"{SYNC_START}{body}{SYNC_END}" if body else ""

    # -- reading Textual's output -------------------------------------------------------------
    def feed(self, data: str) -> str:
        """The bytes to send for `data`, one write of Textual's driver."""
        if self._passthrough:
            # Back on the normal screen (the app stopped or was suspended), text wraps and
            # scrolls: sent as it is, until the app enters the alternate screen again.
            resume = data.find(ALT_SCREEN_ON)
            if resume < 0:
                return data
            self._passthrough = False
            return data[:resume] + self.feed(data[resume:])
        out: list[str] = []
        target = self.target
        width, height = self.width, self.height
        for match in _TOKEN.finditer(data):
            text = match.group("text")
            if text is not None:
                self._draw(text)
                continue
            final = match.group("final")
            if final is not None:
                params = match.group("params")
                private = params[:1] in ("?", ">", "<", "=") or match.group("inter")
                if private:
                    self._private(match.group(0), params, final, out)
                elif final == "m":
                    self.pen = apply_sgr(self.pen, params)
                elif final in ("H", "f"):
                    row, _, col = params.partition(";")
                    self.y = min(max(int(row or 1), 1), height) - 1
                    self.x = min(max(int(col or 1), 1), width) - 1
                elif final in "ABCDGd" and (params.isdigit() or params == ""):
                    n = max(int(params or 1), 1)
                    if final == "A":
                        self.y = max(self.y - n, 0)
                    elif final == "B":
                        self.y = min(self.y + n, height - 1)
                    elif final == "C":
                        self.x = min(self.x + n, width - 1)
                    elif final == "D":
                        self.x = max(self.x - n, 0)
                    elif final == "G":
                        self.x = min(n, width) - 1
                    else:
                        self.y = min(n, height) - 1
                elif final in "JKX" and (params.isdigit() or params == ""):
                    # Applied to what is shown first (its pen and cursor made Textual's), then
                    # to both grids alike.
                    self._flush(out)
                    self._goto(self.x, self.y, out)
                    self._set_pen(self.pen, out)
                    self._emit(match.group(0), out)
                    n = int(params or 0)
                    for grid in (target, self.shown):
                        grid.erase(final, n, self.x, self.y, self.pen)
                elif final in "nct":
                    self._emit(match.group(0), out)  # reports and window queries
                else:
                    self._unknown(match.group(0), out)
                continue
            if match.group("osc") is not None:
                self._emit(match.group(0), out)  # a title, a pointer shape: no cell changes
                continue
            ctrl = match.group("ctrl")
            if ctrl is not None:
                if ctrl == "\n":
                    if self.y >= height - 1:
                        self._unknown(ctrl, out)  # the screen scrolls
                    else:
                        self.y += 1
                        self.x = 0  # the pty's ONLCR makes it CR LF; Textual moves next anyway
                elif ctrl == "\r":
                    self.x = 0
                elif ctrl == "\b":
                    self.x = max(self.x - 1, 0)
                elif ctrl in "\x07\x00":
                    self._emit(ctrl, out)
                else:
                    self._unknown(ctrl, out)
                continue
            self._unknown(match.group(0), out)  # ESC 7, ESC 8, ESC c, ESC M...
        self._flush(out)
        if self.cursor_visible:
            self._goto(self.x, self.y, out)
        return "".join(out)

    def _private(self, sequence: str, params: str, final: str, out: list[str]) -> None:
        if sequence == SYNC_START:
            self._sync_pending = True
            return
        if sequence == SYNC_END:
            self._flush(out)
            if self._sync_open:
                out.append(SYNC_END)
            self._sync_open = self._sync_pending = False
            return
        if final in "hl" and params.startswith("?"):
            modes = params[1:].split(";")
            if "25" in modes:
                self._flush(out)
                if final == "h":
                    self._goto(self.x, self.y, out)
                self.cursor_visible = final == "h"
            if any(m in ("47", "1047", "1049") for m in modes):
                self._flush(out)
                self._emit(sequence, out)
                # The alternate screen starts blank; back on the normal one, who knows.
                blank = " " if final == "h" else None
                self.target.fill(blank)
                self.shown.fill(blank)
                self.cx = self.cy = self.out_pen = None
                self.pen = DEFAULT
                self.x = self.y = 0
                self._passthrough = final == "l" and "1049" in modes
                return
        self._emit(sequence, out)  # other modes, queries (DECRQM), keyboard protocol...

    def _unknown(self, sequence: str, out: list[str]) -> None:
        """A sequence that may move the cursor or change cells: sent as is, the rest forgotten."""
        self._flush(out)
        self._emit(sequence, out)
        self.target.fill(None)
        self.shown.fill(None)
        self.cx = self.cy = self.out_pen = None
        self.pen = DEFAULT
        self.x = self.y = 0

    def _draw(self, text: str) -> None:
        """Text at Textual's cursor, in Textual's pen, into `target` (clipped: no line wrap)."""
        x, y, width = self.x, self.y, self.width
        if x >= width:
            return
        chars, styles = self.target.chars[y], self.target.styles[y]
        self._dirty.add(y)
        if (text.isascii() or all_narrow(text)) and len(text) <= width - x:
            n = len(text)
            if chars[x] == "":
                self.target._mend(y, x)
            chars[x : x + n] = text[:n]
            styles[x : x + n] = [self.pen] * n
            self.x = x + n
            self.target._mend(y, x + n)
            return
        grid = self.target
        pen = self.pen
        for char in text:
            size = char_width(char)
            if size == 0:
                if x > 0 and chars[x - 1] is not None:
                    base = x - 1 if chars[x - 1] != "" or x < 2 else x - 2
                    chars[base] = (chars[base] or "") + char
                continue
            if x + size > width:  # no line wrap: the last column is written over
                x = width - size
            grid._mend(y, x)
            chars[x] = char
            styles[x] = pen
            if size == 2:
                chars[x + 1] = ""
                styles[x + 1] = pen
            x += size
            grid._mend(y, x)
        self.x = min(x, width)

    # -- writing what changed ------------------------------------------------------------------
    def _emit(self, text: str, out: list[str]) -> None:
        if self._sync_pending:
            out.append(SYNC_START)
            self._sync_pending = False
            self._sync_open = True
        out.append(text)

    def _set_pen(self, pen: int, out: list[str]) -> None:
        if pen != self.out_pen:
            self._emit(sgr_change(self.out_pen, pen), out)
            self.out_pen = pen

    def _goto(self, x: int, y: int, out: list[str]) -> None:
        cx, cy = self.cx, self.cy
        if cx == x and cy == y:
            return
        best = f"\x1b[{y + 1};{x + 1}H" if x else (f"\x1b[{y + 1}H" if y else "\x1b[H")
        if cy == y and cx is not None:
            if x > cx:
                best = min(best, "\x1b[C" if x == cx + 1 else f"\x1b[{x - cx}C", key=len)
            elif x == 0:
                best = "\r"
            else:
                back = "\b" if x == cx - 1 else f"\x1b[{cx - x}D"
                best = min(best, back, key=len)
        elif cy is not None and y == cy + 1 and x == 0:
            best = "\r\n"
        self._emit(best, out)
        self.cx, self.cy = x, y

    def _flush(self, out: list[str]) -> None:
        """Send every cell of `target` that `shown` does not hold, and record it as shown."""
        if not self._dirty:
            return
        for y in sorted(self._dirty):
            self._flush_row(y, out)
        self._dirty.clear()

    def _flush_row(self, y: int, out: list[str]) -> None:
        tc, ts = self.target.chars[y], self.target.styles[y]
        sc, ss = self.shown.chars[y], self.shown.styles[y]
        if tc == sc and ts == ss:
            return
        diff = [
            x
            for x, (a, b, c, d) in enumerate(zip(tc, sc, ts, ss, strict=True))
            if a is not None and (a != b or c != d)
        ]
        if not diff:
            return
        width = self.width
        # Where the line ends in blanks that one erase can draw.
        tail = width
        last_style = ts[-1]
        if tc[-1] == " " and erasable(last_style, self.colour_erase):
            tail = width - 1
            while tail > 0 and tc[tail - 1] == " " and ts[tail - 1] == last_style:
                tail -= 1
        runs: list[list[int]] = []
        for x in diff:
            if runs and x - runs[-1][1] <= GAP and None not in tc[runs[-1][1] : x]:
                runs[-1][1] = x + 1
            else:
                runs.append([x, x + 1])
        for start, end in runs:
            # A run never starts or ends inside a wide character (of either grid).
            while start > 0 and (tc[start] == "" or sc[start] == "") and tc[start - 1] is not None:
                start -= 1
            while end < width and (tc[end] == "" or sc[end] == ""):
                end += 1
            if end > tail and width - max(start, tail) >= TAIL_MIN:
                self._write_cells(y, start, max(start, tail), out)
                self._goto(max(start, tail), y, out)
                self._set_pen(last_style, out)
                self._emit("\x1b[K", out)
                self.shown.fill_row(y, max(start, tail), width, " ", last_style)
                break
            self._write_cells(y, start, end, out)

    def _write_cells(self, y: int, start: int, end: int, out: list[str]) -> None:
        if start >= end:
            return
        tc, ts = self.target.chars[y], self.target.styles[y]
        sc, ss = self.shown.chars[y], self.shown.styles[y]
        self._goto(start, y, out)
        x = start
        width = self.width
        colour_erase = self.colour_erase
        pieces: list[str] = []
        while x < end:
            char, style = tc[x], ts[x]
            if char is None:  # unknown in Textual's own picture: jump over it
                x += 1
                continue
            if char == " " and end - x >= ERASE_RUN_MIN and erasable(style, colour_erase):
                run = x
                while run < end and tc[run] == " " and ts[run] == style:
                    run += 1
                if run - x >= ERASE_RUN_MIN:
                    self._flush_text(pieces, out)
                    self._goto(x, y, out)
                    self._set_pen(style, out)
                    self._emit(f"\x1b[{run - x}X", out)
                    sc[x:run] = [" "] * (run - x)
                    ss[x:run] = [style] * (run - x)
                    x = run
                    continue
            if style != self.out_pen or self.cx != x or self.cy != y:
                self._flush_text(pieces, out)
                self._goto(x, y, out)
                self._set_pen(style, out)
            pieces.append(char)
            size = 2 if x + 1 < width and tc[x + 1] == "" else 1
            sc[x], ss[x] = char, style
            if size == 2:
                sc[x + 1], ss[x + 1] = "", style
            x += size
            # After the last column the cursor waits there (no wrap): its column is unsure.
            self.cx = x if x < width else None
        self._flush_text(pieces, out)
        self.shown._mend(y, start)
        self.shown._mend(y, end)

    def _flush_text(self, pieces: list[str], out: list[str]) -> None:
        if pieces:
            self._emit("".join(pieces), out)
            pieces.clear()
