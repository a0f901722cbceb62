"""tui/wire.py and tui/screen_diff.py: what goes to the terminal paints exactly the same screen,
in fewer bytes (compacted writes; only the cells that changed)."""

from __future__ import annotations

import random
import re

import pyte
from rich.color import ColorSystem
from rich.style import Style

from tui.screen_diff import SYNC_END, SYNC_START, ScreenWriter
from tui.wire import compact

_CSI = re.compile(r"\x1b\[([0-9;?]*)([A-Za-z])|\x1b\][^\x07]*\x07|[\s\S]", re.DOTALL)


def _sgr(attrs: dict, params: str) -> dict:
    """The attributes after SGR `params` (what a terminal does with it)."""
    parts = [int(p) if p else 0 for p in params.split(";")] if params else [0]
    i = 0
    while i < len(parts):
        code = parts[i]
        if code == 0:
            attrs = {}
        elif code in (38, 48):
            key = "fg" if code == 38 else "bg"
            if parts[i + 1] == 5:
                attrs[key] = ("256", parts[i + 2])
                i += 2
            else:
                attrs[key] = ("rgb", *parts[i + 2 : i + 5])
                i += 4
        elif code == 39:
            attrs.pop("fg", None)
        elif code == 49:
            attrs.pop("bg", None)
        elif 30 <= code <= 37 or 90 <= code <= 97:
            attrs["fg"] = ("16", code)
        elif 40 <= code <= 47 or 100 <= code <= 107:
            attrs["bg"] = ("16", code)
        elif code in (22, 23, 24, 25, 27, 28, 29):
            attrs.pop({22: 1, 23: 3, 24: 4, 25: 5, 27: 7, 28: 8, 29: 9}[code], None)
            if code == 22:
                attrs.pop(2, None)
        else:
            attrs[code] = True
        attrs = dict(attrs)
        i += 1
    return attrs


def _screen(stream: str, width: int = 40, height: int = 6) -> dict:
    """A tiny terminal: every cell's character and attributes after `stream`."""
    cells: dict = {}
    x = y = 0
    attrs: dict = {}
    for match in _CSI.finditer(stream):
        params, final = match.group(1), match.group(2)
        if final == "m":
            attrs = _sgr(attrs, params)
        elif final == "H":
            row, col = (int(p) for p in params.split(";"))
            y, x = row - 1, col - 1
        elif final is not None or match.group(0).startswith("\x1b]"):
            continue
        elif match.group(0) == "\r":
            x = 0
        elif match.group(0) == "\n":
            y += 1
        else:
            cells[(x, y)] = (match.group(0), tuple(sorted(attrs.items(), key=str)))
            x += 1
    return cells


def _final_attrs(stream: str) -> dict:
    attrs: dict = {}
    for params in re.findall(r"\x1b\[([0-9;]*)m", stream):
        attrs = _sgr(attrs, params)
    return attrs


STYLES = [
    Style(),
    Style(color="default", bgcolor="default"),
    Style(color="color(253)", bgcolor="color(235)"),
    Style(color="color(0)", bgcolor="color(16)"),
    Style(bold=True, color="color(195)", bgcolor="color(32)"),
    Style(reverse=True, color="blue"),
    Style(color="#102030", bgcolor="#000000"),
    Style(italic=True, underline=True),
    Style(color="black", bgcolor="white"),
]


def _frame(rng: random.Random, system: ColorSystem) -> str:
    parts = ["\x1b[?2026h"]
    for _ in range(rng.randint(1, 30)):
        if rng.random() < 0.2:
            parts.append(f"\x1b[{rng.randint(1, 6)};{rng.randint(1, 30)}H")
        if rng.random() < 0.05:
            parts.append("\r\n")
        text = "".join(rng.choice("ab é ") for _ in range(rng.randint(1, 5)))
        style = rng.choice(STYLES)
        parts.append(style.render(text, color_system=system) if style else text)
    parts.append(f"\x1b[{rng.randint(1, 6)};{rng.randint(1, 30)}H\x1b[?2026l")
    return "".join(parts)


def test_compacted_output_paints_the_same_cells():
    rng = random.Random(6)
    for system in (ColorSystem.EIGHT_BIT, ColorSystem.STANDARD, ColorSystem.TRUECOLOR):
        for _ in range(300):
            frame = _frame(rng, system)
            compacted = compact(frame)
            assert _screen(compacted) == _screen(frame), (frame, compacted)
            assert len(compacted) <= len(frame)
            # Each write ends as Textual's do: reset, so the next write starts from defaults.
            assert _final_attrs(compacted) == {}


def test_same_style_runs_merge_and_default_colours_vanish():
    row = "\x1b[38;5;253;48;5;234m 101 \x1b[0m\x1b[38;5;253;48;5;234m GARAGE \x1b[0m"
    assert compact(row) == "\x1b[38;5;253;48;5;234m 101  GARAGE \x1b[0m"
    assert compact("\x1b[39;49mabc\x1b[0m") == "abc"
    # A move then another move: only the last one matters.
    assert compact("\x1b[2;3H\x1b[4;5Hx") == "\x1b[4;5Hx"
    # Colour 0 (black) is a colour, not a reset.
    assert compact("\x1b[1;38;5;0mx\x1b[0m") == "\x1b[1;38;5;0mx\x1b[0m"


def test_output_without_style_codes_is_untouched():
    assert compact("\x1b[?1049h\x1b[?25l") == "\x1b[?1049h\x1b[?25l"
    assert compact("plain") == "plain"


# --- only what changed: tui/screen_diff.py ---------------------------------------------------

W, H = 40, 8
CELL_STYLES = [
    Style(),
    Style(color="color(253)", bgcolor="color(235)"),
    Style(bgcolor="color(235)"),
    Style(bold=True, color="color(195)", bgcolor="color(32)"),
    Style(reverse=True),
    Style(underline=True, color="red"),
    Style(color="#102030", bgcolor="#203040"),
    Style(dim=True, italic=True),
    Style(bold=True, strike=True, bgcolor="blue"),
]
CHARS = "ab cé─│ 日本 " + "  "


def terminal(stream: str, width: int = W, height: int = H) -> list[list[tuple]]:
    """What a terminal emulator (pyte) shows after `stream`: every cell and its attributes."""
    screen = pyte.Screen(width, height)
    pyte.Stream(screen).feed(stream)
    return cells_of(screen)


def cells_of(screen) -> list[list[tuple]]:
    keys = ("data", "fg", "bg", "bold", "italics", "underscore", "strikethrough", "reverse")
    return [
        [tuple(getattr(screen.buffer[y][x], k) for k in keys) for x in range(screen.columns)]
        for y in range(screen.lines)
    ]


class Canvas:
    """An app's picture that changes a little from frame to frame, drawn as Textual draws."""

    def __init__(self, rng: random.Random, system: ColorSystem, width: int = W, height: int = H):
        self.rng, self.system, self.width, self.height = rng, system, width, height
        self.rows = [self._row() for _ in range(height)]

    def _row(self) -> list[tuple[str, Style]]:
        cells: list[tuple[str, Style]] = []
        while len(cells) < self.width:
            style = self.rng.choice(CELL_STYLES)
            for _ in range(self.rng.randint(1, 12)):
                char = self.rng.choice(CHARS)
                if char in "日本":
                    if len(cells) + 2 > self.width:
                        continue
                    cells += [(char, style), ("", style)]
                elif len(cells) < self.width:
                    cells.append((char, style))
        return cells[: self.width]

    def mutate(self) -> dict[int, int]:
        """Change a few rows (a word, a blank end, a whole line); {row: first column changed}."""
        changed: dict[int, int] = {}
        for _ in range(self.rng.randint(0, 3)):
            y = self.rng.randrange(self.height)
            row = self.rows[y]
            what = self.rng.random()
            start = 0
            if what < 0.3:
                self.rows[y] = self._row()
            elif what < 0.6:  # the end of the line becomes blank (a shorter list)
                start = self.rng.randrange(self.width)
                if row[start][0] == "":
                    start -= 1
                style = self.rng.choice(CELL_STYLES[:3])
                row[start:] = [(" ", style)] * (self.width - start)
            else:
                new = self._row()
                start = self.rng.randrange(self.width - 4)
                end = min(self.width, start + self.rng.randint(1, 8))
                while start > 0 and (new[start][0] == "" or row[start][0] == ""):
                    start -= 1
                while end < self.width and (new[end][0] == "" or row[end][0] == ""):
                    end += 1
                row[start:end] = new[start:end]
            changed[y] = min(start, changed.get(y, self.width))
        return changed

    def line(self, y: int, start: int = 0, end: int | None = None) -> str:
        end = self.width if end is None else end
        parts, run, style = [], "", None
        for char, cell_style in self.rows[y][start:end]:
            if cell_style != style and run:
                parts.append(style.render(run, color_system=self.system) if style else run)
                run = ""
            style = cell_style
            run += char
        if run:
            parts.append(style.render(run, color_system=self.system) if style else run)
        return "".join(parts)

    def full(self) -> str:
        """A LayoutUpdate: every line, from the top left corner, separated by newlines."""
        lines = [f"\x1b[{y + 1};1H{self.line(y)}" for y in range(self.height)]
        return SYNC_START + "\n".join(lines) + f"\x1b[{H};{W}H" + SYNC_END

    def partial(self, rows: dict[int, int]) -> str:
        """A ChopsUpdate: the changed rows only (whole, or from a column before the change)."""
        parts = [SYNC_START]
        for y, changed in sorted(rows.items()):
            start = self.rng.choice([0, 0, self.rng.randrange(changed + 1)])
            if self.rows[y][start][0] == "":
                start -= 1
            parts.append(f"\x1b[{y + 1};{start + 1}H{self.line(y, start)}")
        return "".join(parts) + SYNC_END


def test_sending_only_what_changed_leaves_the_terminal_showing_the_same_screen():
    """After every frame the terminal holds exactly what Textual's full output would show."""
    rng = random.Random(16)
    for system in (ColorSystem.EIGHT_BIT, ColorSystem.STANDARD, ColorSystem.TRUECOLOR):
        for colour_erase in (True, False):
            canvas = Canvas(rng, system)
            writer = ScreenWriter(W, H, colour_erase=colour_erase)
            raw, sent = pyte.Screen(W, H), pyte.Screen(W, H)
            raw_stream, sent_stream = pyte.Stream(raw), pyte.Stream(sent)
            prelude = "\x1b[?1049h\x1b[?25l\x1b[?7l"
            raw_stream.feed(prelude)
            sent_stream.feed(writer.feed(prelude))
            raw_bytes = sent_bytes = 0
            for number in range(120):
                changed = canvas.mutate()
                frame = canvas.full() if number % 4 == 0 else canvas.partial(changed)
                out = writer.feed(frame)
                raw_stream.feed(frame)
                sent_stream.feed(out)
                raw_bytes, sent_bytes = raw_bytes + len(frame), sent_bytes + len(out)
                assert cells_of(sent) == cells_of(raw), (number, frame, out)
            assert sent_bytes < raw_bytes / 2


def test_a_frame_that_changes_nothing_sends_nothing():
    canvas = Canvas(random.Random(1), ColorSystem.EIGHT_BIT)
    writer = ScreenWriter(W, H)
    first = writer.feed(canvas.full())
    assert first.startswith(SYNC_START) and first.endswith(SYNC_END)
    assert writer.feed(canvas.full()) == ""  # not even the synchronized-output brackets
    assert writer.feed(canvas.partial({0: 0, 3: 5})) == ""


def test_a_new_screen_sends_only_the_cells_that_differ():
    writer = ScreenWriter(W, H)
    header = "\x1b[1;1H\x1b[1;38;5;195;48;5;32m MyOpenIP" + " " * 31 + "\x1b[0m"
    body = "\x1b[3;1HProspects" + " " * 31
    writer.feed(SYNC_START + header + body + SYNC_END)
    out = writer.feed(SYNC_START + header + "\x1b[3;1HDevis    " + " " * 31 + SYNC_END)
    assert "MyOpenIP" not in out  # the header did not change
    # The cursor was left on that line (after "Prospects"): a carriage return gets there.
    assert out == f"{SYNC_START}\rDevis\x1b[K{SYNC_END}"
    assert terminal(header + "\x1b[3;1HDevis") == terminal(header + body + "\x1b[3;1H\x1b[KDevis")


def test_a_shorter_list_clears_its_rows_with_erase_sequences():
    """A filter key that leaves 1 row of 6: the 5 others are erased, not written in spaces."""
    writer = ScreenWriter(W, H)
    bg = "\x1b[38;5;253;48;5;235m"
    rows = "".join(f"\x1b[{y};1H{bg}{1740 + y:>6} GARAGE {y}{' ' * 24}\x1b[0m" for y in range(2, 8))
    writer.feed(SYNC_START + rows + SYNC_END)
    blank = "".join(f"\x1b[{y};1H{bg}{' ' * W}\x1b[0m" for y in range(3, 8))
    out = writer.feed(SYNC_START + rows.split("\x1b[3;1H")[0] + blank + SYNC_END)
    assert out.count("\x1b[K") == 5 and "GARAGE" not in out
    assert len(out) < 80
    # Without back colour erase (terminfo bce), coloured blanks are written out.
    plain = ScreenWriter(W, H, colour_erase=False)
    plain.feed(SYNC_START + rows + SYNC_END)
    assert "\x1b[K" not in plain.feed(SYNC_START + blank + SYNC_END)


def test_long_blank_runs_inside_a_line_are_erased():
    writer = ScreenWriter(W, H)
    writer.feed("\x1b[1;1H" + "x" * W)
    out = writer.feed("\x1b[1;1Ha" + " " * 30 + "b" * 9)
    assert "\x1b[30X" in out
    assert terminal("\x1b[1;1H" + "x" * W + out) == terminal("\x1b[1;1Ha" + " " * 30 + "b" * 9)


def test_wide_characters_are_never_cut_in_two():
    writer = ScreenWriter(W, H)
    before = "\x1b[1;1Hab日本cd"
    after = "\x1b[1;1Hab日xcd"  # x over the left half of 本, the rest moves one cell left
    stream = writer.feed(before) + writer.feed(after)
    assert terminal(stream) == terminal(before + after)
    assert [cell[0] for cell in terminal(stream)[0][:7]] == ["a", "b", "日", "", "x", "c", "d"]


def test_unknown_content_is_painted_again_in_full():
    frame = "\x1b[1;1H" + "".join(f"\x1b[{y};1Hline {y}" for y in range(1, H + 1))
    writer = ScreenWriter(W, H)
    writer.feed(frame)
    assert writer.feed(frame) == ""
    # A sequence it does not model (insert line) makes it forget what is shown...
    assert writer.feed("\x1b[2L") == "\x1b[2L"
    assert writer.feed(frame).count("line") == H
    # ...so does a redraw (F5), which sends Textual's whole picture again by itself...
    redraw = writer.redraw()
    assert redraw.startswith(SYNC_START) and redraw.count("line") == H
    assert terminal(redraw) == terminal(frame)
    # ...and a new size (the app is drawn again at that size).
    writer.resize(W + 10, H)
    assert writer.feed(frame).count("line") == H


def test_modes_and_queries_pass_through_in_order():
    writer = ScreenWriter(W, H)
    modes = "\x1b[?1049h\x1b[?1000h\x1b[>25u\x1b[?2026$p\x1b]22;default\x07\x07"
    assert writer.feed(modes) == modes
    # Showing the cursor puts it where Textual left it.
    writer.feed("\x1b[3;5Habc\x1b[4;2H")
    assert writer.feed("\x1b[?25h") == "\x1b[4;2H\x1b[?25h"


def test_style_changes_are_sent_as_the_difference():
    writer = ScreenWriter(W, H)
    first = writer.feed("\x1b[1;1H\x1b[1;38;5;253;48;5;235mab\x1b[0m")
    # Bold off, same colours: only the change (22) is sent, not the colours again.
    out = writer.feed("\x1b[1;2H\x1b[38;5;253;48;5;235mx\x1b[0m")
    assert out == "\b\x1b[22mx"  # one column back, bold off
    assert (
        terminal(first + out)[0][:2]
        == terminal("\x1b[1;1H\x1b[1;38;5;253;48;5;235ma\x1b[0m\x1b[38;5;253;48;5;235mx")[0][:2]
    )


# --- the driver -------------------------------------------------------------------------------


class FakeDriver:
    """What screen_diff_driver needs of Textual's driver: write, flush, the app's size."""

    def __init__(self, size=(W, H)):
        self.written: list[str] = []
        self._app = type("App", (), {"size": size})()

    def write(self, data: str) -> None:
        self.written.append(data)

    def flush(self) -> None:
        pass


def test_the_driver_sends_a_repeated_frame_once_and_redraws_on_demand(monkeypatch):
    from tui.wire import screen_diff_driver

    monkeypatch.delenv("MYOPENIP_SCREEN_DIFF", raising=False)
    driver = screen_diff_driver(FakeDriver)()
    frame = "".join(f"\x1b[{y};1Hligne {y}" for y in range(1, H + 1))
    driver.write(SYNC_START)
    driver.write(frame)
    driver.write(SYNC_END)
    assert "".join(driver.written).count("ligne") == H
    driver.written.clear()
    for data in (SYNC_START, frame, SYNC_END):
        driver.write(data)
    assert driver.written == []  # nothing changed: nothing sent
    driver.redraw()  # F5
    assert "".join(driver.written).count("ligne") == H
    # A new size: everything again.
    driver.written.clear()
    driver._app.size = (W + 2, H)
    driver.write(frame)
    assert "".join(driver.written).count("ligne") == H


def test_the_screen_diff_can_be_turned_off_for_the_baseline(monkeypatch):
    from tui.wire import screen_diff_driver

    monkeypatch.setenv("MYOPENIP_SCREEN_DIFF", "0")
    driver = screen_diff_driver(FakeDriver)()
    frame = "\x1b[1;1H\x1b[1mligne\x1b[0m"
    driver.write(frame)
    driver.write(frame)
    assert driver.written == [compact(frame)] * 2


def _terminfo(folder, name: str, booleans: list[int]) -> None:
    import struct

    names = f"{name}|test terminal\0".encode()
    header = struct.pack("<6h", 0o432, len(names), len(booleans), 0, 0, 0)
    (folder / name[0]).mkdir(parents=True, exist_ok=True)
    (folder / name[0] / name).write_bytes(header + names + bytes(booleans))


def test_back_colour_erase_is_read_from_the_terminal_description(tmp_path, monkeypatch):
    from tui.wire import back_colour_erase

    _terminfo(tmp_path, "withbce", [0] * 28 + [1, 0])
    _terminfo(tmp_path, "nobce", [0] * 30)
    _terminfo(tmp_path, "short", [1] * 5)
    monkeypatch.setenv("TERMINFO", str(tmp_path))
    assert back_colour_erase("withbce") is True
    assert back_colour_erase("nobce") is False
    assert back_colour_erase("short") is False  # too few flags to say
    assert back_colour_erase("no-such-terminal-here") is False
    assert back_colour_erase("../etc/passwd") is False


def test_off_the_alternate_screen_everything_passes_through():
    """Suspended or stopped, the app's terminal wraps and scrolls: nothing is modelled there."""
    writer = ScreenWriter(W, H)
    frame = "\x1b[?1049h\x1b[1;1Hécran"
    writer.feed(frame)
    assert writer.feed("\x1b[?1049l") == "\x1b[?1049l"
    text = "une ligne bien plus longue que les quarante colonnes de ce terminal\r\n" * 30
    assert writer.feed(text) == text
    # Back on the alternate screen (resume): blank, so the frame is sent in full again.
    assert "écran" in writer.feed(frame)
