"""Mes devis (E-boutique): the guide's filter panel, then the quotes newest first, paged in SQL."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, DataTable, Input, Label, Static

from db.core import FieldError, Pager, parse_date_range, visible
from db.exchange import export_quotes
from db.quotes import (
    STEP_OPTIONS,
    QuoteFilters,
    commercials,
    list_quotes,
    page_quotes,
    parse_reference,
)
from screens.quote_columns import fit_widths, quote_cells, quote_columns
from tui.toolkit.db_worker import DbWorkerMixin
from tui.toolkit.host import host, signed_in
from tui.toolkit.record_search import register_record_search
from tui.toolkit.styles import style_sheet
from tui.toolkit.widgets.choice import Choice
from tui.toolkit.widgets.footer import AppFooter
from tui.toolkit.widgets.header import AppHeader
from tui.toolkit.widgets.record_list import TABLE_FIRST, Column, RecordList, compact_input


def fetch_quotes(
    scope,
    filters: dict,
    offset: int,
    limit: int,
    pager: Pager | None = None,
    *,
    count_later: bool = False,
):
    wanted = QuoteFilters(**filters)
    # Counts only if needed, up to 10,000 (with `count_later`, after the page is painted); with
    # the screen's pager, pages by keyset (db.core.keyset).
    return page_quotes(scope, wanted, offset, limit, pager=pager, count_later=count_later)


def open_quote(app, quote_id: int) -> None:
    from screens.quote_detail import QuoteDetailScreen

    app.push_screen(QuoteDetailScreen(quote_id))


# --- the filter panel ----------------------------------------------------------------------

TEXT_FILTERS = (
    ("reference", "N° devis / Version", "ex. DEV000095225/1"),
    ("client_number", "N° client", ""),
    ("client", "Client", ""),
    ("offers", "Nom des offres", ""),
)


class QuoteFilter(Vertical):
    """One filter of the panel: its label, its control and its French error underneath."""

    def __init__(self, key: str, label: str, control: Widget):
        super().__init__(id=f"filter-{key}", classes="quote-filter")
        self.label, self.control = label, control

    def compose(self) -> ComposeResult:
        yield Label(self.label, classes="caption")
        yield self.control
        # The error line is mounted with the first error (one widget fewer per filter to mount).

    def set_error(self, message: str) -> None:
        found = self.query(".error")
        if found:
            found.first(Static).update(message)
        elif message:
            self.mount(Static(message, classes="error"))
        self.set_class(bool(message), "-invalid")


class QuotesScreen(DbWorkerMixin, Screen):
    CSS_PATH = style_sheet("quotes")
    AUTO_FOCUS = TABLE_FIRST
    BINDINGS = [
        Binding("escape", "back", "Retour", id="quotes.back"),
        Binding("slash", "focus_filters", "Filtrer", id="quotes.filter"),
        Binding("ctrl+n", "new", "Nouveau devis", id="quotes.new"),
    ]

    def __init__(self):
        super().__init__()
        self.widths = fit_widths(100, [])
        self._focus_results = False
        self._opened_key: str | None = None  # the row to put the cursor back on when back here
        self._resumed = False

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("[b]Mes devis[/b]  ·  E-boutique", classes="screen-title")
        with Vertical(id="quote-filters"):
            with Horizontal(classes="filter-row"):
                for key, label, placeholder in TEXT_FILTERS:
                    box = compact_input(id=f"q-{key}", placeholder=placeholder)
                    yield QuoteFilter(key, label, box)
            with Horizontal(classes="filter-row"):
                created = compact_input(id="q-created", placeholder="jj/mm/aaaa ou du … au …")
                yield QuoteFilter("created", "Création", created)
                # Choice, not Select: one widget each until opened (a light mount).
                yield QuoteFilter(
                    "step", "Étape", Choice(STEP_OPTIONS, prompt="Toutes", id="q-step")
                )
                yield QuoteFilter(
                    "commercial", "Commercial", Choice([], prompt="Tous", id="q-commercial")
                )
                with Vertical(classes="quote-filter search"):
                    yield Label(" ", classes="caption")
                    yield Button("Rechercher", id="search", variant="error", compact=True)
        scope = signed_in(self.app)
        pager = Pager()
        yield RecordList(
            quote_columns(self.widths),
            (),
            fetch=lambda f, o, n: fetch_quotes(scope, f, o, n, pager, count_later=True),
            to_cells=lambda row: quote_cells(row, self.widths),
            row_key=lambda row: row.id,
            page_size=host(self.app).settings.page_size,
            empty_text="Aucun devis ne correspond aux filtres.",
            open_label="Ouvrir",
            fit_columns=self._fit,
            table_options={"cell_padding": 0, "header_height": 2},
            id="quote-list",
            export=lambda f, path, overwrite: export_quotes(
                scope, QuoteFilters(**f), path, overwrite=overwrite
            ),
            export_name="devis",
        )
        yield AppFooter()

    def on_mount(self) -> None:
        self.sub_title = "Mes devis"
        self.query_one(RecordList).focus_table()
        self.run_db(commercials, signed_in(self.app), done=self._commercials, group="commercials")

    def on_screen_resume(self) -> None:
        if self._resumed:  # the first time, the list loads itself
            self.query_one(RecordList).reload(keep_offset=True)
        self._resumed = True

    def reopen(self) -> None:
        """Shown again from the menu (tui/kept_screens.py): as if new, the commercials read
        again (an account may have been added meanwhile)."""
        for key, _, _ in TEXT_FILTERS:
            self.query_one(f"#q-{key}", Input).value = ""
        self.query_one("#q-created", Input).value = ""
        for choice in self.query(Choice):
            choice.clear(tell=False)  # no search per choice cleared: one, at resume
        for box in self.query(QuoteFilter):
            box.set_error("")
        self._focus_results = False
        self._opened_key = None
        self.query_one(RecordList).restart()
        self.run_db(commercials, signed_in(self.app), done=self._commercials, group="commercials")

    def _fit(self, width: int, rows) -> tuple[Column, ...]:
        self.widths = fit_widths(width, rows)
        return quote_columns(self.widths)

    def _commercials(self, users: list[tuple[int, str]]) -> None:
        # The choice made meanwhile stays if it is one of them (Choice.set_options).
        self.query_one("#q-commercial", Choice).set_options(
            [(name, user_id) for user_id, name in users]
        )

    # -- searching --------------------------------------------------------------------------
    def read_filters(self) -> tuple[dict, dict[str, str]]:
        """The panel as QuoteFilters arguments, and the French errors of what does not parse."""
        values = {key: self.query_one(f"#q-{key}", Input).value for key, _, _ in TEXT_FILTERS}
        errors: dict[str, str] = {}
        try:
            parse_reference(values["reference"])
        except FieldError as exc:
            errors["reference"] = exc.message
        try:
            start, end = parse_date_range(self.query_one("#q-created", Input).value)
        except FieldError as exc:
            errors["created"] = exc.message
            start = end = None
        values.update(
            created_from=start,
            created_to=end,
            step=self.query_one("#q-step", Choice).value,
            commercial_id=self.query_one("#q-commercial", Choice).value,
        )
        return values, errors

    def action_search(self, focus_results: bool = False) -> None:
        values, errors = self.read_filters()
        first = None
        for box in self.query(QuoteFilter):
            key = box.id.removeprefix("filter-")
            box.set_error(errors.get(key, ""))
            if key in errors and first is None:
                first = box
        if first is not None:
            first.control.focus()
            return
        record_list = self.query_one(RecordList)
        record_list.extra_filters = values
        self._focus_results = focus_results
        record_list.reload()

    @on(Input.Submitted, "#quote-filters Input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_search(focus_results=True)

    @on(Button.Pressed, "#search")
    def _search_pressed(self) -> None:
        self.action_search(focus_results=True)

    @on(Choice.Changed, "#quote-filters Choice")
    def _select_changed(self, event: Choice.Changed) -> None:
        event.stop()
        self.action_search()

    @on(RecordList.Loaded)
    def _loaded(self, event: RecordList.Loaded) -> None:
        record_list = event.record_list
        if self._focus_results and record_list.rows:
            record_list.focus_table()
        self._focus_results = False
        if self._opened_key is not None:
            keys = [str(row.id) for row in record_list.rows]
            if self._opened_key in keys:
                record_list.query_one(DataTable).move_cursor(row=keys.index(self._opened_key))
            self._opened_key = None

    @on(RecordList.Opened)
    def _opened(self, event: RecordList.Opened) -> None:
        self._opened_key = event.key
        open_quote(self.app, int(event.key))

    # -- keys -------------------------------------------------------------------------------
    def action_focus_filters(self) -> None:
        self.query_one("#q-reference", Input).focus()

    def action_back(self) -> None:
        focused = self.focused
        if focused is not None and focused not in self.query(DataTable):
            # From the filter panel, Échap goes back to the results first.
            self.query_one(RecordList).focus_table()
            return
        self.app.pop_screen()

    def action_new(self) -> None:
        from screens.quote_new import QuoteNewScreen

        self.app.push_screen(QuoteNewScreen())


@register_record_search
def search_quotes(scope, query: str, limit: int):
    """Palette: a quote by its number (DEV000095225/1, DEV000095225, 95225, 95225/1)."""
    try:
        number, _ = parse_reference(query)
    except FieldError:
        return []
    if number is None:
        return []
    rows = list_quotes(scope, QuoteFilters(reference=query), 0, limit)
    return [
        (
            visible(f"{row.reference} · {row.client}"),
            f"Devis · {row.created} · Étape {row.step_label} · {row.amounts}",
            lambda app, qid=row.id: open_quote(app, qid),
        )
        for row in rows
    ]
