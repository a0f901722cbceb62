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

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from itertools import zip_longest

from rich.cells import cell_len, set_cell_size
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.geometry import Region, Size
from textual.message import Message
from textual.strip import Strip
from textual.widgets import DataTable, Input, Static
from textual.widgets.data_table import DuplicateKey, Row, RowKey
from textual.worker import Worker, WorkerState

from db.core import CountLater, visible
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
        # Printable text has none of them (isprintable: no Cc, Cf, Cs, Cn, Zl, Zp): as it is.
        text = text.replace("\n", " ")
        self.text = text if text.isprintable() else visible(text)

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
    label: str | Text
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


class FilterInput(Input):
    """An Input whose typing lays nothing out: Textual's Input sets its scrollable width at
    each character, and that asks for a layout of the whole screen (8-10 ms a key on
    Prospects, before the query even starts). A box of a set size (not `auto`) only needs the
    new width for its own scrolling, which it has without the layout."""

    _typing = False

    def _watch_value(self, value: str) -> None:
        self._typing = True
        try:
            super()._watch_value(value)
        finally:
            self._typing = False

    def refresh(self, *regions, layout: bool = False, **kwargs):
        if layout and self._typing and not self.styles.auto_dimensions:
            layout = False  # the text's width, not the box's: repainted, not laid out
        return super().refresh(*regions, layout=layout, **kwargs)


def compact_input(**options) -> Input:
    """Input(compact=True) without a style pass before it is mounted: Textual's `compact`
    toggles its class from Input.__init__ with a restyle of the box (the whole style sheet
    applied to it, a few ms; a filter panel has four or five). Here the class is set without
    one: the box is styled once, when it is mounted. Typing lays nothing out (FilterInput)."""
    box = FilterInput(**options)
    box.set_reactive(Input.compact, True)
    box.set_class(True, "-textual-compact", update=False)
    return box


# A list screen's AUTO_FOCUS: the table has the focus as soon as it is mounted, rather than the
# first filter box, then the table (each focus move restyles the widgets: 3 moves were 13 ms
# of Mes devis's opening).
TABLE_FIRST = "RecordTable"


@dataclass(frozen=True)
class FilterSpec:
    key: str
    placeholder: str
    width: int | None = None


class RecordTable(DataTable):
    """The list's table; Enter opens the row, with the list's own label in the footer.

    Textual's DataTable (its keys, cursor, messages and queries) with the drawing of a list:
    a ScrollView whose `render_line` draws only the lines on the screen, each cell of plain
    text (`Cell`) cut to its column once, with no Rich rendering, markup or measuring; a page
    is put in with `set_rows`, which repaints only the lines that changed. Other cells (a
    str is markup, a Text may be styled) are drawn by DataTable as before.
    """

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

    # When ↓ / ↑ takes the cursor one row past the edge, the rows move by half the view, not
    # by one (Vim's 'scrolljump', for slow terminals): a held key repaints the whole table once
    # every half view instead of at every row, and a 1-row scroll changes every line anyway.
    SCROLL_JUMP = 0.5

    def action_cursor_down(self) -> None:
        self._jump_to(self.cursor_row + 1)
        super().action_cursor_down()

    def action_cursor_up(self) -> None:
        self._jump_to(self.cursor_row - 1)
        super().action_cursor_up()

    def _jump_to(self, row: int) -> None:
        """Scroll by half the view if row `row` (the cursor's next) is just past its edge."""
        rows = self.ordered_rows
        if (
            not self.show_cursor
            or self.cursor_type != "row"
            or self.fixed_rows
            or not 0 <= row < len(rows)
            or rows[0].height != 1
            or rows[-1].height != 1
        ):
            return
        header = self.header_height if self.show_header else 0
        shown = self.scrollable_content_region.height - header
        if shown < 4:
            return
        jump = max(1, int(shown * self.SCROLL_JUMP))
        top = int(self.scroll_y)
        if row == top + shown:  # one below the last row shown
            target = min(row - (shown - jump), len(rows) - shown)
        elif row == top - 1:  # one above the first
            target = max(0, row - jump + 1)
        else:
            return
        self.scroll_to(y=target, animate=False, force=True, immediate=True)

    # -- a page -------------------------------------------------------------------------------
    _quiet = False  # set_rows: DataTable.clear's repaint of the whole table is held back

    def refresh(self, *regions, **kwargs):
        if self._quiet and not regions and not kwargs:
            return self
        return super().refresh(*regions, **kwargs)

    def _clear_caches(self) -> None:
        if not self._quiet:
            super()._clear_caches()
            return
        # In set_rows: the lines already drawn stay drawn (the widget's StylesCache, which
        # DataTable.clear empties); set_rows marks those that change, or all of them. The
        # header alone, drawn by DataTable through Rich, took 4-8 ms to draw again per page.
        drawn = dict(self._styles_cache._cache)
        super()._clear_caches()
        self._styles_cache._cache.update(drawn)

    def set_rows(self, rows: Sequence[tuple[str, Sequence]]) -> None:
        """The table's rows become `rows` ((key, cells) each; the cursor back on the first
        row, the table scrolled to its top): only the lines on the screen whose cells, or
        whose stripe or cursor, changed are repainted."""
        before = self._shown_lines()
        scrolled = self.scroll_offset
        self._quiet = True
        try:
            self.clear()
        finally:
            self._quiet = False
        self._store_rows(rows)
        if self._new_rows:
            # Now rather than when idle (DataTable._on_idle, which then finds the size as it
            # is): the new size is laid out in the same frame as the rows, not in a second
            # layout and paint of the screen.
            new_rows = self._new_rows.copy()
            self._new_rows.clear()
            self._update_dimensions(new_rows)
        after = self._shown_lines()
        if scrolled != self.scroll_offset or before is None or after is None:
            self.refresh()
            return
        width = self.size.width
        for y, (old, new) in enumerate(zip(before, after, strict=True)):
            if old != new:
                self.refresh(Region(0, y, width, 1))

    def _store_rows(self, rows: Sequence[tuple[str, Sequence]]) -> None:
        """DataTable.add_row for a whole page at once, in a table just cleared: the same rows,
        keys and cells, without add_row's per-row work that a page does not need (the
        columns looked up twice, the cursor re-validated and the app woken, for each row):
        half of what painting a page of Mes devis cost the UI thread."""
        columns = [column.key for column in self.ordered_columns]
        for index, (key, cells) in enumerate(rows):
            if len(cells) > len(columns):
                raise ValueError("More values provided than there are columns.")
            row_key = RowKey(key)
            if row_key in self._row_locations:
                raise DuplicateKey(f"The row key {row_key!r} already exists.")
            self._row_locations[row_key] = index
            self._data[row_key] = dict(zip_longest(columns, cells))
            self.rows[row_key] = Row(row_key, 1)
            self._new_rows.add(row_key)
        if not rows:
            return
        # DataTable.clear, just before, asked for the dimensions; the row caches (ordered rows,
        # drawn rows) are keyed by DataTable's update count, moved on as add_row moves it.
        self.cursor_coordinate = self.cursor_coordinate
        if columns and self.show_cursor and self.cursor_type != "none":
            self._highlight_cursor()  # a cell is under the cursor again (as add_row does)
        self._update_count += 1
        self.check_idle()

    def _shown_lines(self) -> list | None:
        """What each line on the screen shows: (row key, its cells, stripe, cursor), or None
        when the table is not laid out or draws what this does not model."""
        if not self.size.height or self.fixed_rows or self._labelled_row_exists:
            return None
        header = 0
        if self.show_header:
            header = self.header_height
        columns = tuple(
            (c.key, c.label.plain, c.width, c.auto_width, c.content_width)
            for c in self.ordered_columns
        )
        lines: list = [("header", columns)] * header
        scroll_y = int(self.scroll_y)
        ordered = self.ordered_rows
        cursor = self.cursor_row if self.show_cursor else -1
        for y in range(self.size.height - header):
            index = scroll_y + y
            if index >= len(ordered) or ordered[index].height != 1:
                if index < len(ordered):
                    return None
                lines.append(None)
                continue
            key = ordered[index].key
            cells = tuple(str(value) for value in self._data[key].values())
            lines.append((columns, key.value, cells, index % 2, index == cursor))
        return lines

    # -- measuring ----------------------------------------------------------------------------
    def _update_dimensions(self, new_rows) -> None:
        """DataTable's, without measuring cells through Rich: a Cell is as wide as its text;
        columns of a set width are not measured at all."""
        new_rows = list(new_rows)
        rows = [self.rows.get(key) for key in new_rows]
        if any(row is not None and (row.label is not None or row.auto_height) for row in rows):
            super()._update_dimensions(new_rows)
            return
        measured = [c for c in self.ordered_columns if c.auto_width]
        widths: dict = {}
        for key in new_rows if measured else ():
            data = self._data.get(key)
            for column in measured if data is not None else ():
                value = data.get(column.key)
                if value is not None and not isinstance(value, Cell):
                    super()._update_dimensions(new_rows)  # measured by Rich
                    return
                width = cell_len(value.text) if value is not None else 0
                widths[column.key] = max(width, widths.get(column.key, 0))
        for column in measured:
            column.content_width = max(column.content_width, widths.get(column.key, 0))
        width = sum(column.get_render_width(self) for column in self.columns.values())
        height = self._total_row_height + (self.header_height if self.show_header else 0)
        self.virtual_size = Size(width + self._row_label_column_width, height)

    # -- drawing ------------------------------------------------------------------------------
    _pass: dict | None = None  # styles looked up once per render pass (_pass_styles)
    _in_pass = False

    def render_lines(self, crop: Region) -> list[Strip]:
        self._pass, self._in_pass = None, True
        try:
            return super().render_lines(crop)
        finally:
            self._pass, self._in_pass = None, False

    def _pass_styles(self) -> dict:
        if self._pass is not None:
            return self._pass
        base = self.rich_style
        fixed = self.get_component_styles("datatable--fixed").rich_style
        columns = self.ordered_columns  # rebuilt by DataTable at each call
        styles = {
            "base": base,
            "rows": (self._get_row_style(0, base), self._get_row_style(1, base)),
            "fixed": fixed + Style.from_meta({"fixed": True}),
            "columns": columns,
            "widths": [c.get_render_width(self) for c in columns],
        }
        if self._in_pass:  # a line drawn on its own (render_line called directly): not kept
            self._pass = styles
        return styles

    def render_line(self, y: int) -> Strip:
        """A line of Cells drawn here (cached per row, cursor, scroll and width), the header
        and anything else by DataTable."""
        header = self.header_height if self.show_header else 0
        if y < header or self.fixed_rows or self._labelled_row_exists:
            return super().render_line(y)
        width = self.size.width
        scroll_x, scroll_y = self.scroll_offset
        index = y - header + scroll_y
        rows = self.ordered_rows
        if index >= len(rows) or rows[0].height != 1 or rows[-1].height != 1:
            return super().render_line(y)
        styles = self._pass_styles()
        cursor = self.show_cursor and self.cursor_type == "row" and index == self.cursor_row
        hover = self.cursor_type == "row" and index == self.hover_row
        cache_key = (
            "record",
            index,
            scroll_x,
            width,
            cursor,
            hover,
            styles["base"],
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        strip = self._line_cache.get(cache_key)
        if strip is None:
            strip = self._record_line(rows[index], index, scroll_x, width, cursor, hover, styles)
            if strip is None:
                return super().render_line(y)
            self._line_cache[cache_key] = strip
        return strip

    def _record_line(self, row, index, scroll_x, width, cursor, hover, styles) -> Strip | None:
        """One row as DataTable draws it (fixed columns, then the others scrolled, then the
        row's colour to the edge), a segment per cell: its text cut to the column."""
        data = self._data.get(row.key)
        if data is None:
            return None
        columns = styles["columns"]
        fixed_columns = self.fixed_columns
        row_style = styles["rows"][index % 2]
        flags = (
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css",
        )
        component, post = self._get_styles_to_render_cell(False, False, False, *flags)
        line_style = row_style + component + post
        fixed_component, fixed_post = self._get_styles_to_render_cell(False, False, True, *flags)
        fixed_line_style = styles["fixed"] + fixed_component + fixed_post
        if fixed_columns:  # the scrolled copy of a fixed column (cropped off) is styled as such
            scrolled_fixed_style = row_style + fixed_component + fixed_post
        pad = " " * self.cell_padding
        padding = 2 * self.cell_padding
        fixed: list[Segment] = []
        scrollable: list[Segment] = []
        fixed_width = 0
        meta = Style.from_meta
        for column_index, (column, render_width) in enumerate(
            zip(columns, styles["widths"], strict=True)
        ):
            value = data.get(column.key)
            inner = render_width - padding
            if not isinstance(value, Cell) or inner < 1:
                return None
            text = value.text
            length = cell_len(text)
            if length > inner:  # cut, and said so
                text = set_cell_size(text, inner - 1) + "…"
            elif length < inner:
                text += " " * (inner - length)
            text = pad + text + pad
            where = meta({"row": index, "column": column_index})
            if column_index < fixed_columns:
                fixed.append(Segment(text, fixed_line_style + where))
                fixed_width += render_width
                if scroll_x:  # not scrolled sideways: its copy would be cropped off at once
                    scrollable.append(Segment(text, scrolled_fixed_style + where))
            else:
                scrollable.append(Segment(text, line_style + where))
        table_width = sum(styles["widths"][fixed_columns:])
        extend_component, _ = self._get_styles_to_render_cell(
            False,
            False,
            False,
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            False,
            False,
        )
        extend_style = (
            row_style + extend_component + meta({"row": index, "column": 0, "out_of_bounds": True})
        )
        scrollable.append(Segment(" " * max(0, width - table_width), extend_style))
        if scroll_x:
            x1 = scroll_x + fixed_width
            scrollable = list(Strip(scrollable).crop(x1, scroll_x + width))
        return Strip(fixed + scrollable).adjust_cell_length(width, styles["base"]).simplify()

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ):
        """A Cell as one segment: its text cut to the column (ending in "…"), padded, in the
        style DataTable gives the cell; anything else as DataTable draws it."""
        if row_index < 0 or column_index < 0:
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        row = self.rows.get(row_key)
        column_key = self._column_locations.get_key(column_index)
        value = self._data[row_key].get(column_key) if row is not None else None
        inner = width - 2 * self.cell_padding
        if row is None or row.height != 1 or inner < 1 or not isinstance(value, Cell):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        cache_key = (
            row_key,
            column_key,
            base_style,
            cursor,
            hover,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        lines = self._cell_render_cache.get(cache_key)
        if lines is None:
            is_fixed = row_index < self.fixed_rows or column_index < self.fixed_columns
            component_style, post_style = self._get_styles_to_render_cell(
                False,
                False,
                is_fixed,
                hover,
                cursor,
                self.show_cursor,
                self._show_hover_cursor,
                self.cursor_foreground_priority == "css",
                self.cursor_background_priority == "css",
            )
            style = (
                base_style
                + Style.from_meta({"row": row_index, "column": column_index})
                + component_style
                + post_style
            )
            text = value.text
            length = cell_len(text)
            if length > inner:  # cut, and said so
                text = set_cell_size(text, inner - 1) + "…"
            elif length < inner:
                text += " " * (inner - length)
            pad = " " * self.cell_padding
            lines = [[Segment(pad + text + pad, style)]]
            self._cell_render_cache[cache_key] = lines
        return lines


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
        self._cells: list | None = None  # to_cells of each row of the page (_page_cells)
        self._searching_timer = None
        self._loading = False  # a query of this list is running (one at a time)
        self._wanted: tuple | None = None  # (filters, offset) the user wants shown now
        self._worker = None
        # The total of the page shown, counted after it was painted (db.core.CountLater): the
        # count wanted, and whether one runs (one at a time; a newer one replaces a waiting one).
        self.counting = False  # the page is shown, its total not yet
        self._count_wanted: tuple | None = None  # (wanted, CountLater)
        self._count_worker = None
        # Set once the first page is shown (or could not be read): the app holds a new
        # screen's first frame until then (tui/paint_hold.py).
        self.first_page = asyncio.Event()
        self._first_load_due = False  # mounted, its first page not asked for yet
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
                    box = compact_input(placeholder=spec.placeholder, id=f"filter-{spec.key}")
                    if spec.width:
                        box.styles.width = spec.width
                    yield box
        yield RecordTable.labelled(self.open_label, **self.table_options)
        yield Static("Chargement…", classes="status")

    def on_mount(self) -> None:
        self._add_columns()
        # The first page is read once the new screen is laid out: read while the UI thread
        # mounts and lays it out, the query's thread waits for the interpreter at each row
        # SQLite steps through (Mes devis: a 12 ms page took 60-130 ms).
        self._first_load_due = True
        self.call_after_refresh(self._first_load)

    def _first_load(self) -> None:
        self._first_load_due = False
        self.reload()

    def _add_columns(self) -> None:
        table = self.query_one(DataTable)
        for column in self.columns:
            table.add_column(column.label, key=column.key, width=column.width)

    def _refit(self) -> bool:
        """The columns for this width and page (`fit_columns`, or the columns' own widths,
        minimums and priorities), decided once per page or resize; True if they changed."""
        table = self.query_one(DataTable)
        width = table.size.width or self.size.width
        if not width:
            return False
        if self.fit_columns is not None:
            columns = tuple(self.fit_columns(width, self.rows))
            self._cells = None  # to_cells may depend on the widths just decided
        else:
            columns = self._fit_by_priority(table, width)
        if columns == self.columns:
            return False
        self.columns = columns
        table.clear(columns=True)
        self._add_columns()
        return True

    def _page_cells(self) -> list:
        """The page's cells, from `to_cells`, once per page (and widths)."""
        if self._cells is None:
            self._cells = [self.to_cells(row) for row in self.rows]
        return self._cells

    def _fit_by_priority(self, table: DataTable, width: int) -> tuple[Column, ...]:
        natural = {}
        cells = self._page_cells()
        for index, column in enumerate(self.all_columns):
            if column.width is None:
                natural[column.key] = max(
                    [cell_len(str(column.label))] + [cell_len(str(row[index])) for row in cells]
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
            f"{format_total(self.total)} ligne(s) selon les filtres affichés."
            if self.total and not self.counting
            else ""
        )
        self.app.push_screen(
            ExportDialog(
                lambda path, overwrite: export(filters, path, overwrite),
                person_outbox(self.app),
                default_export_name(self.export_name),
                summary=summary,
            )
        )

    def restart(self) -> None:
        """As a new list shows itself (its screen shown again, tui/kept_screens.py): no
        filter, the first page, the table focused; the screen's first frame waits for that
        page again. The screen's resume reloads it."""
        self.first_page = asyncio.Event()
        for spec in self.filter_specs:
            self.set_filter(spec.key, "")
        self.extra_filters = {}
        self.page_offset = 0
        self.focus_table()

    # -- paging ---------------------------------------------------------------------------------
    def reload(self, *, keep_offset: bool = False) -> None:
        if self._first_load_due:
            return  # the first load is on its way and reads the filters as they are then
        if not keep_offset:
            self.page_offset = 0
        self.load_page()

    def load_page(self) -> None:
        # What the user wants to see now; a query already running picks it up when it ends
        # (unless it is reading that very page: a screen's first resume asks again).
        wanted = (self.filter_values(), self.page_offset)
        if self._loading and self._wanted == wanted:
            return
        self._wanted = wanted
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
            self.query_one(".status", Static).update("Recherche…", layout=False)

    def _load_ended(self) -> None:
        self._loading = False
        self.first_page.set()
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
        if ended and event.worker is self._count_worker:
            self._count_worker = None
            if event.state == WorkerState.ERROR and self.counting:
                self.counting = False  # run_db reported it; the status no longer waits
                self._update_status()
            if self._count_wanted is not None:
                self._start_count()

    def _show_page(self, payload) -> None:
        wanted, (rows, total) = payload
        self._load_ended()
        if wanted is not self._wanted:
            self.load_page()  # changed between the worker's last look and now: not painted
            return
        self.rows = list(rows)
        later = total if isinstance(total, CountLater) else None
        self.total = later.known if later is not None else total
        self.counting = later is not None
        self._cells = None
        with self.app.batch_update():
            self._refit()
            self._fill_rows()
            self._update_status()
        self._paint_now()
        self.post_message(self.Loaded(self))
        if later is not None:
            self._count_wanted = (wanted, later)
            # Once the rows are on the screen: the count's thread would slow their painting.
            self.call_after_refresh(self._count_if_idle)

    def _count_if_idle(self) -> None:
        if self._count_worker is None and self._count_wanted is not None:
            self._start_count()

    def _paint_now(self) -> None:
        """The rows on the terminal now, not at the screen's next frame.

        Textual paints at most 60 frames a second, each frame at its turn: the rows of a key
        waited up to 17 ms for the turn after the frame that echoed the key. The screen's
        update is run here once, as its timer would run it (layout if needed, then the
        changed lines); not while the app holds its frames (a batch, a screen being opened).
        """
        screen = self.screen
        update = getattr(screen, "_on_timer_update", None)  # Textual's, pinned (pyproject)
        if update is None or screen is not self.app.screen or self.app._batch_count:
            return
        # A widget's repaint reaches the screen only when the widget is next idle (Textual's
        # Widget._check_refresh posts it): the table and status line are handed over now, as
        # it would, unless they need a layout (left to Textual's own turn).
        widgets = (self.query_one(DataTable), self.query_one(".status", Static))
        if any(widget._layout_required for widget in widgets):
            return
        for widget in widgets:
            if widget._repaint_required and widget.display:
                widget._repaint_required = False
                screen._dirty_widgets.add(widget)
        update()

    # -- the total, counted once the page is painted ---------------------------------------
    def _start_count(self) -> None:
        pending, self._count_wanted = self._count_wanted, None
        wanted, later = pending
        if wanted is not self._wanted:
            return  # the user has moved on: that count would be shown nowhere
        self._count_worker = self.run_db(
            later.count,
            done=lambda total: self._show_count(wanted, total),
            failed=self._count_failed,
            group=f"count-{id(self)}",
            exclusive=False,
        )

    def _show_count(self, wanted: tuple, total: int) -> None:
        if wanted is self._wanted and self.counting:
            self.total, self.counting = total, False
            self._update_status()

    def _count_failed(self, exc) -> None:
        self.counting = False
        self._notify_domain_error(exc)
        self._update_status()

    def _fill_rows(self) -> None:
        # Keys are set per row so Enter reports the record, not the table's row index.
        # Plain cells: data is shown as it is (a "[" in a company name is not markup), drawn
        # by RecordTable as text cut to its column.
        shown = None  # the cells of the columns shown, when some were dropped for the width
        if self.fit_columns is None and len(self.columns) < len(self.all_columns):
            keys = [column.key for column in self.all_columns]
            shown = [keys.index(column.key) for column in self.columns]
        page = []
        for row, cells in zip(self.rows, self._page_cells(), strict=True):
            if shown is not None:
                cells = [cells[index] for index in shown]
            cells = [Cell(cell) if isinstance(cell, str) else cell for cell in cells]
            page.append((str(self.row_key(row)), cells))
        table = self.query_one(DataTable)
        if isinstance(table, RecordTable):
            table.set_rows(page)
        else:
            table.clear()
            for key, cells in page:
                table.add_row(*cells, key=key)

    class Loaded(Message):
        def __init__(self, record_list: RecordList):
            super().__init__()
            self.record_list = record_list

    def _update_status(self) -> None:
        status = self.query_one(".status", Static)
        if not self.total:
            status.update(self.empty_text, layout=False)
            return
        first, last = self.page_offset + 1, self.page_offset + len(self.rows)
        pages = ""
        if self.total > self.page_size or self.counting:
            pages = "  ·  Ctrl+↓ / Ctrl+↑ : page suivante / précédente"
        total = "…" if self.counting else format_total(self.total)  # "…": being counted
        # One line of a set height: a new text needs no layout of the screen (a key's cost).
        status.update(f"{first}–{last} sur {total}{pages}", layout=False)

    def action_next_page(self) -> None:
        more = self.counting and len(self.rows) == self.page_size  # a full page: maybe more
        if more or self.page_offset + self.page_size < self.total:
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
