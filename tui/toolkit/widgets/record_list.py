"""A filtered list that pages from SQL: filter inputs, one page of rows, and a status line.

The list never holds more than one page: each filter change or page move runs the screen's
`fetch(filters, offset, limit) -> (rows, total)` in a worker, one at a time. A keystroke
queries at once when no query is running (no fixed debounce delay to wait out); keys typed
while one runs are coalesced into a single query when it ends, in the same worker, so a burst
of keys costs two queries at most and a stale page is never painted. `total` may be a lower bound (an int with a true `at_least`
attribute, e.g. db.companies.prospects.AtLeast): counting 100,000 rows on every key costs more than the
page itself, so fetches may stop counting at a cap ("sur plus de 10 000").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from rich.cells import cell_len, set_cell_size
from rich.measure import Measurement
from rich.segment import Segment
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Input, Static
from textual.worker import Worker, WorkerState

from db.core.text import visible
from tui.toolkit.db_worker import DbWorkerMixin

# "Recherche…" only shows if a query takes longer than this: a fast answer costs no extra
# repaint (nor bytes on a slow link).
SEARCHING_DELAY = 0.25


def format_total(total: int) -> str:
    """'1 234', or 'plus de 10 000' for a count that stopped at a cap (see module doc)."""
    text = f"{int(total):,}".replace(",", " ")
    return f"plus de {text}" if getattr(total, "at_least", False) else text


class Cell:
    """One line of plain text in a table cell, cropped to the column: what a str cell shows,
    without DataTable's markup parsing and text wrapping (a third of a page's render time)."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        # A control character from the store (ESC...) is drawn as a placeholder, never sent.
        self.text = visible(text.replace("\n", " "))

    # Reads like the str it holds (tests and callers compare table cells to strings).
    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return repr(self.text)

    def __eq__(self, other) -> bool:
        return self.text == (other.text if isinstance(other, Cell) else other)

    def __lt__(self, other) -> bool:
        return self.text < (other.text if isinstance(other, Cell) else other)

    def __hash__(self) -> int:
        return hash(self.text)

    def __getattr__(self, name: str):
        if name.startswith("__") or name == "text":
            raise AttributeError(name)
        return getattr(self.text, name)  # .strip(), .startswith(), ...

    def __rich_console__(self, console, options):
        text = self.text
        if cell_len(text) > options.max_width:  # cut, and said so
            text = set_cell_size(text, max(options.max_width - 1, 0)) + "…"
        yield Segment(text)

    def __rich_measure__(self, console, options) -> Measurement:
        width = cell_len(self.text)
        return Measurement(width, width)


@dataclass(frozen=True)
class Column:
    """A list column. At a width too narrow for every column at its `width`, the columns with a
    `min_width` shrink towards it; if that is still too wide, the column with the highest
    `priority` is dropped, then the next (0: never dropped: the identifier, the state or
    amount, the action). `short` is the header shown when the column is narrower than `label`."""

    key: str
    label: str
    width: int | None = None
    min_width: int | None = None
    priority: int = 0
    short: str | None = None


def fit_to_width(
    columns: Sequence[Column], available: int, padding: int, natural: dict[str, int]
) -> tuple[Column, ...]:
    """The columns that fit `available` cells, with their widths (see Column). `natural` gives
    the width of columns without one (their longest value on the page)."""

    def full(column: Column) -> int:
        return column.width if column.width is not None else natural.get(column.key, 1)

    def least(column: Column) -> int:
        return min(column.min_width or full(column), full(column))

    kept = list(columns)
    while sum(least(c) + 2 * padding for c in kept) > available:
        droppable = [c for c in kept if c.priority]
        if not droppable:
            break
        kept.remove(max(droppable, key=lambda c: (c.priority, kept.index(c))))
    widths = {c.key: full(c) for c in kept}
    if sum(widths[c.key] + 2 * padding for c in kept) > available:
        # Shrink: each shrinkable column gets back its share of what is left above the minimums.
        widths = {c.key: least(c) for c in kept}
        spare = available - sum(w + 2 * padding for w in widths.values())
        cap = {c.key: full(c) for c in kept if full(c) > least(c)}
        total = sum(cap[key] - widths[key] for key in cap)
        if spare > 0 and total:
            for key in cap:
                widths[key] += (cap[key] - widths[key]) * spare // total
            left = available - sum(w + 2 * padding for w in widths.values())
            for key in cap:  # what integer division left, one cell each, in column order
                if left > 0 and widths[key] < cap[key]:
                    widths[key] += 1
                    left -= 1
    fitted = []
    for column in kept:
        width = widths[column.key]
        label = column.label
        if column.short and width < cell_len(str(label)):
            label = column.short
        fitted.append(replace(column, width=width, label=label))
    return tuple(fitted)


@dataclass(frozen=True)
class FilterSpec:
    key: str
    placeholder: str
    width: int | None = None


class RecordTable(DataTable):
    """The list's table; Enter opens the row, with the list's own label in the footer."""

    BINDINGS = [Binding("enter", "select_cursor", "Ouvrir", id="list.open")]

    @classmethod
    def labelled(cls, open_label: str, **options) -> RecordTable:
        # A subclass per label keeps to the public BINDINGS API (no private binding maps).
        # The first column (the identifier) stays when the table scrolls sideways.
        options.setdefault("fixed_columns", 1)
        if open_label == "Ouvrir":
            return cls(cursor_type="row", zebra_stripes=True, **options)
        table_cls = type(
            cls.__name__,
            (cls,),
            {"BINDINGS": [Binding("enter", "select_cursor", open_label, id="list.open")]},
        )
        return table_cls(cursor_type="row", zebra_stripes=True, **options)


class RecordList(DbWorkerMixin, Vertical):
    """`fetch` runs in a thread; `to_cells(row)` turns one fetched row into the table's cells.

    Without `filters` the list has no inputs of its own: the screen keeps its filter panel in
    `extra_filters` and calls `reload()` (and the list's "/" leaves the key to the screen).
    `fit_columns(width, rows)`, when given, returns the columns for the width the table has and
    the page shown; the table is rebuilt when they change (on a new page or a resize).
    `table_options` go to the DataTable (e.g. `cell_padding`, `header_height`).
    """

    DEFAULT_CSS = """
    RecordList { height: 1fr; }
    RecordList > .filters { height: 1; margin: 0 0 1 0; }
    RecordList > .filters Input { margin: 0 1 0 0; }
    RecordList > DataTable { height: 1fr; }
    RecordList > .status { height: 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("slash", "focus_filters", "Filtrer", id="list.filter"),
        # Not in the footer (the status line names them when there is more than one page),
        # so the screen's own keys keep their room at 80-100 columns.
        Binding("ctrl+down,pagedown", "next_page", "Page suiv.", id="list.next_page", show=False),
        Binding("ctrl+up,pageup", "prev_page", "Page préc.", id="list.prev_page", show=False),
        Binding("ctrl+o", "export", "Exporter CSV", id="list.export"),
    ]

    class Opened(Message):
        """Enter on a row: `key` is the row's key (an IDENTIFIANT, a quote id, ...)."""

        def __init__(self, record_list: RecordList, key: str):
            super().__init__()
            self.record_list = record_list
            self.key = key

    def __init__(
        self,
        columns: Sequence[Column],
        filters: Sequence[FilterSpec],
        fetch: Callable,
        to_cells: Callable,
        row_key: Callable,
        *,
        page_size: int = 100,
        empty_text: str = "Aucun résultat.",
        open_label: str = "Ouvrir",
        id: str | None = None,
        fit_columns: Callable | None = None,
        table_options: dict | None = None,
        export: Callable | None = None,
        export_name: str = "liste",
    ):
        super().__init__(id=id)
        self.all_columns = tuple(columns)
        self.columns = self.all_columns  # those shown at the table's width (fit_to_width)
        self.filter_specs = tuple(filters)
        self.fetch = fetch
        self.to_cells = to_cells
        self.row_key = row_key
        self.page_size = page_size
        self.empty_text = empty_text
        self.open_label = open_label
        self.page_offset = 0
        self.total = 0
        self.rows: list = []
        self._searching_timer = None
        self._loading = False  # a query of this list is running (one at a time)
        self._wanted: tuple | None = None  # (filters, offset) the user wants shown now
        self._worker = None
        self.extra_filters: dict = {}
        self.fit_columns = fit_columns
        self.table_options = dict(table_options or {})
        # `export(filters, path, overwrite) -> rows written`: every page of what the filters
        # select (not only the one shown), run in a worker; Ctrl+O asks for the file first.
        self.export = export
        self.export_name = export_name

    def compose(self) -> ComposeResult:
        if self.filter_specs:
            with Horizontal(classes="filters"):
                for spec in self.filter_specs:
                    box = Input(placeholder=spec.placeholder, id=f"filter-{spec.key}", compact=True)
                    if spec.width:
                        box.styles.width = spec.width
                    yield box
        yield RecordTable.labelled(self.open_label, **self.table_options)
        yield Static("Chargement…", classes="status")

    def on_mount(self) -> None:
        self._add_columns()
        self.reload()

    def _add_columns(self) -> None:
        table = self.query_one(DataTable)
        for column in self.columns:
            table.add_column(column.label, key=column.key, width=column.width)

    def _refit(self) -> bool:
        """The columns for this width and page (`fit_columns`, or the columns' own widths,
        minimums and priorities); True if they changed."""
        table = self.query_one(DataTable)
        width = table.size.width or self.size.width
        if not width:
            return False
        if self.fit_columns is not None:
            columns = tuple(self.fit_columns(width, self.rows))
        else:
            columns = self._fit_by_priority(table, width)
        if columns == self.columns:
            return False
        self.columns = columns
        table.clear(columns=True)
        self._add_columns()
        return True

    def _fit_by_priority(self, table: DataTable, width: int) -> tuple[Column, ...]:
        natural = {}
        for index, column in enumerate(self.all_columns):
            if column.width is None:
                values = [self.to_cells(row)[index] for row in self.rows]
                natural[column.key] = max(
                    [cell_len(str(column.label))] + [cell_len(str(value)) for value in values]
                )
        available = width - table.styles.scrollbar_size_vertical
        return fit_to_width(self.all_columns, available, table.cell_padding, natural)

    def _fit_filters(self) -> None:
        """Filter boxes at their widths, or narrower in proportion when the row is too short
        for them all (80 columns): no box pushed off the screen."""
        widths = [spec.width for spec in self.filter_specs]
        if not self.filter_specs or not all(widths) or not self.size.width:
            return
        total = sum(width + 1 for width in widths)  # each box has a margin of one
        room = self.size.width
        for spec, width in zip(self.filter_specs, widths, strict=True):
            shown = width if total <= room else max(6, width * room // total - 1)
            box = self.query_one(f"#filter-{spec.key}", Input)
            if box.styles.width is None or box.styles.width.value != shown:
                box.styles.width = shown

    def on_resize(self) -> None:
        self._fit_filters()
        if self._refit():
            table = self.query_one(DataTable)
            row = table.cursor_row
            self._fill_rows()
            if self.rows:
                table.move_cursor(row=min(row, len(self.rows) - 1))

    # -- filters -------------------------------------------------------------------------------
    def filter_values(self) -> dict[str, str]:
        values = {
            spec.key: self.query_one(f"#filter-{spec.key}", Input).value
            for spec in self.filter_specs
        }
        values.update(self.extra_filters)
        return values

    def set_filter(self, key: str, value: str) -> None:
        self.query_one(f"#filter-{key}", Input).value = value

    @on(Input.Changed, ".filters Input")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.reload()

    @on(Input.Submitted, ".filters Input")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(DataTable).focus()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "focus_filters":
            # Without inputs of its own, the list leaves "/" to the screen's filter panel.
            return bool(self.filter_specs)
        if action == "export":
            return self.export is not None  # no Ctrl+O in the footer of a list without export
        return True

    def action_focus_filters(self) -> None:
        if self.filter_specs:
            self.query_one(f"#filter-{self.filter_specs[0].key}", Input).focus()

    # -- export -------------------------------------------------------------------------------
    def action_export(self) -> None:
        from tui.toolkit.dialogs.save_as import ExportDialog, default_export_name, person_outbox

        if self.export is None:
            return
        filters = self.filter_values()  # as they are now: later typing changes nothing
        export = self.export
        summary = (
            f"{format_total(self.total)} ligne(s) selon les filtres affichés." if self.total else ""
        )
        self.app.push_screen(
            ExportDialog(
                lambda path, overwrite: export(filters, path, overwrite),
                person_outbox(self.app),
                default_export_name(self.export_name),
                summary=summary,
            )
        )

    # -- paging ---------------------------------------------------------------------------------
    def reload(self, *, keep_offset: bool = False) -> None:
        if not keep_offset:
            self.page_offset = 0
        self.load_page()

    def load_page(self) -> None:
        # What the user wants to see now; a query already running picks it up when it ends.
        self._wanted = (self.filter_values(), self.page_offset)
        if self._loading:
            return
        self._loading = True
        if self._searching_timer is None:
            self._searching_timer = self.set_timer(SEARCHING_DELAY, self._show_searching)
        self._worker = self.run_db(
            self._fetch_wanted,
            done=self._show_page,
            failed=self._load_failed,
            group=f"list-{id(self)}",
        )

    def _fetch_wanted(self) -> tuple:
        """In the worker thread: the page wanted; again with the latest filters if they changed
        while the query ran (keys typed meanwhile cost one more query, not one each), so the
        worker ends with what the user typed last and a stale page is never painted."""
        while True:
            wanted = self._wanted
            filters, offset = wanted
            result = self.fetch(filters, offset, self.page_size)
            if self._wanted is wanted:
                return wanted, result

    def _show_searching(self) -> None:
        self._searching_timer = None
        if self._loading:
            self.query_one(".status", Static).update("Recherche…")

    def _load_ended(self) -> None:
        self._loading = False
        if self._searching_timer is not None:
            self._searching_timer.stop()
            self._searching_timer = None

    def _load_failed(self, exc) -> None:
        self._load_ended()
        self._notify_domain_error(exc)
        self._update_status()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        # An unexpected error reaches neither `done` nor `failed` (run_db reports it): unblock.
        ended = event.state in (WorkerState.SUCCESS, WorkerState.ERROR)
        if ended and event.worker is self._worker and self._loading:
            self._load_ended()
            self._update_status()

    def _show_page(self, payload) -> None:
        wanted, (rows, total) = payload
        self._load_ended()
        if wanted is not self._wanted:
            self.load_page()  # changed between the worker's last look and now: not painted
            return
        self.rows, self.total = list(rows), total
        with self.app.batch_update():
            self._refit()
            self._fill_rows()
            self._update_status()
        self.post_message(self.Loaded(self))

    def _fill_rows(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        # Keys are set per row so Enter reports the record, not the table's row index.
        # Plain cells: data is shown as it is (a "[" in a company name is not markup), and
        # the table neither parses markup nor wraps text in 500 cells per page.
        shown = None  # the cells of the columns shown, when some were dropped for the width
        if self.fit_columns is None and len(self.columns) < len(self.all_columns):
            keys = [column.key for column in self.all_columns]
            shown = [keys.index(column.key) for column in self.columns]
        for row in self.rows:
            cells = self.to_cells(row)
            if shown is not None:
                cells = [cells[index] for index in shown]
            cells = (Cell(cell) if isinstance(cell, str) else cell for cell in cells)
            table.add_row(*cells, key=str(self.row_key(row)))

    class Loaded(Message):
        def __init__(self, record_list: RecordList):
            super().__init__()
            self.record_list = record_list

    def _update_status(self) -> None:
        status = self.query_one(".status", Static)
        if not self.total:
            status.update(self.empty_text)
            return
        first, last = self.page_offset + 1, self.page_offset + len(self.rows)
        pages = ""
        if self.total > self.page_size:
            pages = "  ·  Ctrl+↓ / Ctrl+↑ : page suivante / précédente"
        status.update(f"{first}–{last} sur {format_total(self.total)}{pages}")

    def action_next_page(self) -> None:
        if self.page_offset + self.page_size < self.total:
            self.page_offset += self.page_size
            self.load_page()
        else:
            self.query_one(DataTable).action_page_down()

    def action_prev_page(self) -> None:
        if self.page_offset > 0:
            self.page_offset = max(0, self.page_offset - self.page_size)
            self.load_page()
        else:
            self.query_one(DataTable).action_page_up()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.post_message(self.Opened(self, event.row_key.value))

    @property
    def current_key(self) -> str | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row is None or table.cursor_row >= table.row_count:
            return None
        return table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value

    def focus_table(self) -> None:
        self.query_one(DataTable).focus()
