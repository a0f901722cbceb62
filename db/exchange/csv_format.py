"""CSV as French spreadsheets expect it: UTF-8 (with BOM), `;` separator; and every export.

Out: every list writes what it shows, filters applied, read from the database one page at a time
(never the whole table in memory) into a file of the person's outbox, by name, that appears
complete or not at all (db.files.folders).
In: db.exchange.prospect_import reads files of this format back.

Formula injection: a spreadsheet runs a cell starting with `=`, `+`, `-` or `@` (tab and
carriage return too) as a formula, so a raison sociale like `=HYPERLINK(...)` typed by anyone
would run on the computer of whoever opens the export. Every exported cell starting with one
of them is written with a single quote before it (OWASP's advice): `+33 1 23 45 67 89` is
written `'+33 1 23 45 67 89`, which spreadsheets show as text. A cell that already starts with
quotes followed by one of them gets one more quote, so the import, which removes exactly one
quote from such cells (`restore_cell`), gives back every exported value unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal

from db.core import audit
from db.core.scope import Scope
from db.files.folders import FolderFile

SEPARATOR = ";"
# Excel (French locale) reads UTF-8 only when the file starts with a BOM; reading with
# utf-8-sig accepts files with or without it.
ENCODING = "utf-8-sig"
CHUNK = 500  # rows read from the database per query when exporting

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _quoted_formula(text: str) -> bool:
    """True for a cell a spreadsheet would run, once any leading quotes are removed."""
    return text.lstrip("'").startswith(FORMULA_STARTS)


def neutralise_cell(value) -> str:
    """The cell as written to a CSV file: None -> '', '=1+1' -> "'=1+1" (see module doc)."""
    text = "" if value is None else str(value)
    return "'" + text if _quoted_formula(text) else text


def restore_cell(text: str) -> str:
    """The value of a cell read from a CSV file: "'=1+1" -> '=1+1' (neutralise_cell undone)."""
    return text[1:] if text.startswith("'") and _quoted_formula(text) else text


def french_amount(value) -> str:
    """82.8 -> '82,80': a number French spreadsheets read as a number."""
    return f"{Decimal(str(value if value is not None else 0)).quantize(Decimal('0.01'))}".replace(
        ".", ","
    )


def french_date(value: dt.date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def export_rows(
    target: FolderFile,
    header: Sequence[str],
    rows: Iterable[Sequence],
    *,
    overwrite: bool = False,
) -> int:
    """Write `header` then `rows` (any iterable, consumed once) as CSV; returns the row count.

    Every cell goes through neutralise_cell. The file appears complete or not at all (without
    `overwrite`, an existing file is never replaced).
    """

    def fill(stream) -> int:
        writer = csv.writer(stream, delimiter=SEPARATOR, lineterminator="\r\n")
        writer.writerow([neutralise_cell(cell) for cell in header])
        count = 0
        for row in rows:
            writer.writerow([neutralise_cell(cell) for cell in row])
            count += 1
        return count

    return target.write(fill, overwrite=overwrite, text=True, encoding=ENCODING)


def pages(page: Callable[[int, int], list], chunk: int | None = None) -> Iterable:
    """Every row of a paged query, one page of `chunk` rows in memory at a time."""
    chunk = chunk or CHUNK
    offset = 0
    while True:
        rows = page(offset, chunk)
        yield from rows
        if len(rows) < chunk:
            return
        offset += chunk


def export_pages(
    scope: Scope,
    list_name: str,
    target: FolderFile,
    header: Sequence[str],
    page: Callable[[int, int], list],
    to_row: Callable,
    *,
    overwrite: bool = False,
) -> int:
    """Export a list through its own paged query (its filters and scope applied); audited."""
    count = export_rows(target, header, (to_row(r) for r in pages(page)), overwrite=overwrite)
    audit.record(
        scope,
        "csv_exported",
        list_name,
        None,
        rows=count,
        file=target.name,
        folder=target.folder.kind,
    )
    return count
