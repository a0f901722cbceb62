"""Mes devis's results table: which columns fit the terminal's width, how wide each is, and
what each cell shows (screens/quotes.py lays the table out with them, once per page)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from dataclasses import dataclass

from db.core import crop
from tui.toolkit.widgets.record_list import Column

# --- the results table ---------------------------------------------------------------------
#
# Nine columns in 100 terminal columns: the table has no cell padding and every cell starts
# with one space instead (one column of gap, not two), headers wrap on two lines, fixed-size
# columns (number, date, step, amounts) never shrink, and the free text columns share what is
# left by weight, cut with "…". Amounts are never cut: their column takes the page's widest.


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    label: str
    value: Callable  # (QuoteRow, width) -> str
    width: int = 0  # fixed width (0: flexible)
    minimum: int = 0
    weight: int = 0
    right: bool = False
    drop: int = 0  # dropped at narrow widths, highest first (0: always shown)


def _person(name: str, width: int) -> str:
    """'Claire Bernard' -> 'C. Bernard', then 'Bernard', as the column narrows."""
    first, _, rest = name.partition(" ")
    if len(name) > width and rest:
        name = f"{first[0]}. {rest}" if len(rest) + 3 <= width else rest
    return crop(name, width)


def _step(row, width: int) -> str:
    return row.step_label if len(row.step_label) <= width else str(row.step)


SPECS = (
    ColumnSpec("reference", "N° devis / Version", lambda r, w: r.reference, width=14),
    ColumnSpec("client", "Client", lambda r, w: crop(r.client, w), minimum=10, weight=5),
    ColumnSpec("commune", "Commune", lambda r, w: crop(r.commune, w), minimum=7, weight=2, drop=1),
    ColumnSpec("offers", "Nom des offres", lambda r, w: crop(r.offers, w), minimum=8, weight=4),
    ColumnSpec("created", "Création", lambda r, w: r.created, width=10),
    ColumnSpec("step", "Étape", _step, minimum=5, weight=1),
    ColumnSpec(
        "partners", "Partenaires", lambda r, w: crop(r.partners, w), minimum=6, weight=1, drop=3
    ),
    ColumnSpec(
        "commercial",
        "Commercial",
        lambda r, w: _person(r.commercial, w),
        minimum=7,
        weight=2,
        drop=2,
    ),
    ColumnSpec("amounts", "M.E.S. / ABO.", lambda r, w: r.amounts, right=True),
)
# Where a header word may break when its column is narrower than the word.
_HYPHENATION = {"Partenaires": ("Parte", "naires"), "Commercial": ("Commer", "cial")}
SCROLLBAR = 1  # the table's vertical scrollbar (quotes.tcss)
# Columns are dropped (Partenaires, then Commercial, then Commune) until the client's name gets
# at least this many cells: at 100 columns it is the name, not the partners, that one reads.
CLIENT_ROOM = 20


def _header(label: str, width: int) -> str:
    words: list[str] = []
    for word in label.split():
        if len(word) > width and word in _HYPHENATION:
            head, tail = _HYPHENATION[word]
            words.extend((f"{head}-", tail))
        else:
            words.append(word)
    lines = textwrap.wrap(" ".join(words), width, break_long_words=False) or [""]
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
    return "\n".join(" " + crop(line, width) for line in lines)


def shown_specs(available: int, rows) -> list[ColumnSpec]:
    """The columns kept at this width (see CLIENT_ROOM), in table order."""
    specs = list(SPECS)

    def least(spec: ColumnSpec) -> int:
        if spec.key == "amounts":
            return max((len(r.amounts) for r in rows), default=16)
        if spec.key == "client":
            return CLIENT_ROOM
        return spec.width or spec.minimum

    while sum(least(s) + 1 for s in specs) > available - SCROLLBAR:
        droppable = [s for s in specs if s.drop]
        if not droppable:
            break
        specs.remove(max(droppable, key=lambda s: s.drop))
    return specs


def fit_widths(available: int, rows) -> dict[str, int]:
    """Each shown column's text width for a table `available` columns wide showing `rows`."""
    specs = shown_specs(available, rows)
    widths: dict[str, int] = {}
    for spec in specs:
        if spec.key == "amounts":
            widths[spec.key] = max((len(r.amounts) for r in rows), default=16)
        elif spec.width:
            widths[spec.key] = spec.width
        else:
            widths[spec.key] = spec.minimum
    flexible = [s for s in specs if s.weight]
    # What each flexible column could use at most: its longest value on this page.
    wanted = {
        s.key: max([len(s.value(r, 999)) for r in rows] + [s.minimum]) if rows else 99
        for s in flexible
    }
    spare = available - SCROLLBAR - sum(w + 1 for w in widths.values())
    while spare > 0:
        growing = [s for s in flexible if widths[s.key] < wanted[s.key]]
        if not growing:
            break
        total = sum(s.weight for s in growing)
        given = 0
        for s in growing:
            share = min(max(spare * s.weight // total, 1), wanted[s.key] - widths[s.key])
            share = min(share, spare - given)
            widths[s.key] += share
            given += share
        if not given:
            break
        spare -= given
    return widths


def quote_cells(row, widths: dict[str, int]) -> tuple[str, ...]:
    cells = []
    for spec in SPECS:
        if spec.key not in widths:
            continue  # dropped at this width
        width = widths[spec.key]
        text = spec.value(row, width)
        cells.append(" " + (text.rjust(width) if spec.right else text))
    return tuple(cells)


def quote_columns(widths: dict[str, int]) -> tuple[Column, ...]:
    return tuple(
        Column(spec.key, _header(spec.label, widths[spec.key]), widths[spec.key] + 1)
        for spec in SPECS
        if spec.key in widths
    )
