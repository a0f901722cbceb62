"""Issue 14's target table, printed at the end of `python3 dev.py bench` with this run's figures.

bench/run.py fills a `Figures` as it measures (medians of `--runs`, p95 for the filter keys);
`render` prints one row per target: the figure, the target, and ✓ or by how much it misses.
A figure the run did not measure (`--only`, or no PostgreSQL) shows « non mesuré ».

PostgreSQL (issue 14 item 6): the run with `--database-url` sets `pg_open_ms`, `pg_key_p95_ms`
(the worse of Prospects and Mes devis, 1,000,000 rows each) and `pg_seed_s` (seed-demo with
COPY); while they are None the row says « non mesuré ».
"""

from __future__ import annotations

from dataclasses import dataclass, field

LISTS = ("Prospects", "Mes devis")

TARGET_START_RATIO = 1.10
TARGET_OPEN_MS = {"Prospects": 120, "Mes devis": 150}
TARGET_KEY_P95_MS = {"Prospects": 50, "Mes devis": 80}
TARGET_PEAK_RSS_MB = 90
TARGET_PG_OPEN_MS = 250
TARGET_PG_KEY_P95_MS = 100
TARGET_PG_SEED_S = 300

NOT_MEASURED = "non mesuré"


@dataclass
class Figures:
    start_ms: float | None = None  # Connexion painted (last byte of the first screen), median
    bare_start_ms: float | None = None  # the bare Textual app, same run
    open_ms: dict[str, float] = field(default_factory=dict)  # list -> open → rows painted
    key_p95_ms: dict[str, float] = field(default_factory=dict)  # list -> filter key, p95
    peak_rss_mb: float | None = None  # VmHWM, logged in, both lists opened (worse mode)
    pg_open_ms: float | None = None
    pg_key_p95_ms: float | None = None
    pg_seed_s: float | None = None

    @property
    def start_ratio(self) -> float | None:
        if self.start_ms is None or not self.bare_start_ms:
            return None
        return self.start_ms / self.bare_start_ms


def verdict(value: float | None, target: float, unit: str = "", ratio: bool = False) -> str:
    """✓, or ✗ and by how much `value` misses `target` (absolute and in %)."""
    if value is None:
        return NOT_MEASURED
    if value <= target:
        return "✓"
    over = value - target
    shown = f"+{over:.2f}" if ratio else f"+{over:.0f}{unit}"
    return f"✗ {shown} ({over / target * 100:+.0f} %)"


def _ms(value: float | None) -> str:
    return NOT_MEASURED if value is None else f"{value:.0f} ms"


def _pair(values: dict[str, float], targets: dict[str, int]) -> tuple[str, str, str]:
    figure = " / ".join(_ms(values.get(name)) for name in LISTS)
    target = " / ".join(f"≤ {targets[name]} ms" for name in LISTS)
    met = " / ".join(verdict(values.get(name), targets[name], " ms") for name in LISTS)
    return figure, target, met


def rows(f: Figures) -> list[tuple[str, str, str, str]]:
    ratio = f.start_ratio
    start = (
        NOT_MEASURED
        if ratio is None
        else f"×{ratio:.2f} ({f.start_ms:.0f} / {f.bare_start_ms:.0f} ms)"
    )
    table = [
        (
            "Connexion peinte, rapport à l'app Textual nue",
            start,
            f"≤ ×{TARGET_START_RATIO:.2f}",
            verdict(ratio, TARGET_START_RATIO, ratio=True),
        ),
        (
            "Prospects / Mes devis : ouverture → lignes peintes, 100 000 (SQLite)",
            *_pair(f.open_ms, TARGET_OPEN_MS),
        ),
        (
            "Frappe de filtre → lignes peintes, p95, Prospects / Mes devis",
            *_pair(f.key_p95_ms, TARGET_KEY_P95_MS),
        ),
        (
            "Mémoire max (VmHWM), connecté, les deux listes ouvertes",
            NOT_MEASURED if f.peak_rss_mb is None else f"{f.peak_rss_mb:.0f} Mo",
            f"≤ {TARGET_PEAK_RSS_MB} Mo",
            verdict(f.peak_rss_mb, TARGET_PEAK_RSS_MB, " Mo"),
        ),
    ]
    pg = (f.pg_open_ms, f.pg_key_p95_ms, f.pg_seed_s)
    if all(value is None for value in pg):
        pg_figure = pg_met = NOT_MEASURED
    else:
        seed = NOT_MEASURED if f.pg_seed_s is None else f"{f.pg_seed_s / 60:.1f} min"
        pg_figure = f"{_ms(f.pg_open_ms)} / {_ms(f.pg_key_p95_ms)} / {seed}"
        pg_met = " / ".join(
            (
                verdict(f.pg_open_ms, TARGET_PG_OPEN_MS, " ms"),
                verdict(f.pg_key_p95_ms, TARGET_PG_KEY_P95_MS, " ms"),
                verdict(f.pg_seed_s, TARGET_PG_SEED_S, " s"),
            )
        )
    table.append(
        (
            "PostgreSQL 1M+1M : ouverture / frappe p95 / seed",
            pg_figure,
            f"≤ {TARGET_PG_OPEN_MS} ms / ≤ {TARGET_PG_KEY_P95_MS} ms / "
            f"≤ {TARGET_PG_SEED_S // 60} min",
            pg_met,
        )
    )
    return table


HEAD = ("Cible (issue 14)", "Mesuré", "Objectif", "Atteint")


def render(f: Figures, markdown: bool = False) -> str:
    body = rows(f)
    if markdown:
        lines = ["| " + " | ".join(HEAD) + " |", "|" + "|".join("---" for _ in HEAD) + "|"]
        return "\n".join(lines + ["| " + " | ".join(row) + " |" for row in body])
    widths = [max(len(row[i]) for row in (HEAD, *body)) for i in range(len(HEAD))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in (HEAD, *body)
    )
