"""tui/wire.py: the compacted terminal output paints exactly the same screen, in fewer bytes."""

from __future__ import annotations

import random
import re

from rich.color import ColorSystem
from rich.style import Style

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
