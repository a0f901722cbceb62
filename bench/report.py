"""The figures of bench.run as printed: medians and p95, the table, the machine they ran on."""

from __future__ import annotations

import os
import platform
import statistics
from contextlib import suppress
from pathlib import Path


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


def percent_change(normal: float, low: float) -> str:
    """`low` against `normal`, as a signed percentage ("—" when `normal` is 0)."""
    if not normal:
        return "—"
    return f"{(low - normal) / normal * 100:+.0f} %"
