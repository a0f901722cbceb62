"""Commandes: the orders (N° commande · Client · N° client · Devis · Date · Statut · M.E.S. / ABO.).

Ctrl+N makes an order from a client's signed quote (step 4), asked for by its number;
`order_quote(screen, quote_id)` does the same from any screen that shows a quote.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Input, Static

from db.core import DomainError, FieldError, crop, parse_date_range, visible
from db.exchange import export_orders
from db.files import FolderFile
from db.orders import (
    OrderFilters,
    count_orders,
    create_order_from_quote,
    find_orders,
    list_orders,
    parse_order_number,
    preview_order,
    preview_quote_order,
)
from tui.toolkit.db_worker import DbWorkerMixin
from tui.toolkit.dialogs.confirm import ConfirmDialog
from tui.toolkit.host import host, signed_in
from tui.toolkit.record_search import register_record_search
from tui.toolkit.styles import style_sheet
from tui.toolkit.widgets.card import plain
from tui.toolkit.widgets.footer import AppFooter
from tui.toolkit.widgets.header import AppHeader
from tui.toolkit.widgets.record_list import TABLE_FIRST, Column, FilterSpec, RecordList

# No cell padding: each cell starts with one space instead, so seven columns fit in 100.
COLUMNS = (
    Column("number", " N° commande", 13),
    Column("client", " Client", 18, min_width=10),
    Column("client_number", " N° client", 10, priority=1),
    Column("quote", " Devis", 15),
    Column("date", " Date", 11, priority=2),
    Column("status", " Statut", 9),
    Column("amounts", Text(" M.E.S. / ABO.", justify="right"), None),
)
FILTERS = (
    FilterSpec("number", "N° commande", 16),
    FilterSpec("client", "Client ou N° client", 30),
    FilterSpec("date", "Date (jj/mm/aaaa, mm/aaaa, aaaa, du… au…)", 44),
)
DATE_HELP = "Aussi : mm/aaaa, aaaa, ou une période 01/07/2019-31/07/2019."


def _wanted(filters: dict) -> OrderFilters:
    try:
        start, end = parse_date_range(filters.get("date", ""))
    except FieldError:
        start = end = None
    return OrderFilters(
        number=filters.get("number", ""),
        client=filters.get("client", ""),
        created_from=start,
        created_to=end,
    )


def _impossible(filters: dict) -> bool:
    """A number or a date that cannot be one: nothing matches (the screen says why)."""
    try:
        parse_order_number(filters.get("number", ""))
        parse_date_range(filters.get("date", ""))
    except FieldError:
        return True
    return False


def fetch_orders(scope, filters: dict, offset: int, limit: int):
    if _impossible(filters):
        return [], 0
    wanted = _wanted(filters)
    return list_orders(scope, wanted, offset, limit), count_orders(scope, wanted)


def export_filtered(scope, filters: dict, path: FolderFile, overwrite: bool) -> int:
    if _impossible(filters):
        raise DomainError("Corrigez les filtres avant d'exporter.")
    return export_orders(scope, _wanted(filters), path, overwrite=overwrite)


def order_cells(row) -> tuple:
    return (
        f" {row.number}",
        f" {crop(row.client, 17)}",
        f" {row.client_number}",
        f" {row.quote}",
        f" {row.created}",
        f" {row.status}",
        Text(f" {row.amounts}", justify="right"),
    )


# --- making an order -----------------------------------------------------------------------------


class QuoteNumberDialog(ModalScreen[str | None]):
    """Asks for the quote to order; reopened with what was typed and the refusal under it."""

    DEFAULT_CSS = """
    QuoteNumberDialog { align: center middle; }
    QuoteNumberDialog > Vertical { width: 72; height: auto; border: thick $accent; background: $surface; padding: 1 2; }
    QuoteNumberDialog .help { color: $text-muted; }
    QuoteNumberDialog Input { width: 100%; margin: 1 0 0 0; }
    QuoteNumberDialog #quote-error { color: $error; height: auto; }
    QuoteNumberDialog Horizontal { height: auto; margin: 1 0 0 0; align: right middle; }
    QuoteNumberDialog Button { margin: 0 0 0 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Annuler", id="order_quote.cancel")]

    def __init__(self, value: str = "", error: str = ""):
        super().__init__()
        self.value, self.error = value, error

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("[b]Commande depuis un devis[/b]")
            yield Static(
                "N° du devis signé (étape 4) d'un client, ex. DEV000095225/1 ou 95225 "
                "(sans /N : sa dernière version).",
                classes="help",
            )
            yield Input(
                self.value, placeholder="N° devis / Version", id="quote-number", compact=True
            )
            yield Static(self.error, id="quote-error")
            with Horizontal():
                yield Button("Annuler (Échap)", id="quote-cancel", compact=True)
                yield Button("Continuer (Entrée)", id="quote-ok", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#quote-ok")
    def _submit(self) -> None:
        value = self.query_one(Input).value.strip()
        if not value:
            self.query_one("#quote-error", Static).update("Indiquez le N° du devis.")
            return
        self.dismiss(value)

    @on(Button.Pressed, "#quote-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


def _confirm_and_create(screen, preview, refused=None) -> None:
    """Show what the order will hold, then create it and open it."""
    question = (
        f"Créer la commande du devis {preview.reference} ?\n\n"
        f"Client : {plain(preview.client)} ({preview.client_number})\n"
        f"{preview.lines} ligne(s) · M.E.S. / ABO. : {preview.amounts}"
    )

    def answer(confirmed: bool | None) -> None:
        if confirmed:
            screen.run_db(
                create_order_from_quote,
                screen.app.scope,
                preview.quote_id,
                done=lambda order_id: _created(screen, order_id),
                failed=refused,
                group="order-create",
            )

    screen.app.push_screen(ConfirmDialog(question, yes="Commander", no="Annuler"), answer)


def _created(screen, order_id: int) -> None:
    from screens.order_detail import OrderDetailScreen

    screen.app.notify("Commande créée.", timeout=4)
    screen.app.push_screen(OrderDetailScreen(order_id))


def ask_quote_and_order(screen, value: str = "", error: str = "") -> None:
    """Ctrl+N of Commandes: ask for a quote number, check it, confirm, create, open.

    A refusal reopens the question with the number as typed and the reason under it.
    """

    def chosen(reference: str | None) -> None:
        if not reference:
            return

        def refused(exc: DomainError) -> None:
            ask_quote_and_order(screen, reference, exc.message)

        screen.run_db(
            preview_order,
            screen.app.scope,
            reference,
            done=lambda preview: _confirm_and_create(screen, preview, refused),
            failed=refused,
            group="order-preview",
        )

    screen.app.push_screen(QuoteNumberDialog(value, error), chosen)


def order_quote(screen, quote_id: int) -> None:
    """'Commander' from any screen showing quote `quote_id` (a DbWorkerMixin screen).

    Same checks, confirmation and opening of the new order as Ctrl+N here; a refusal
    (not at step 4, not a client, already ordered) is shown as an error notification.
    """
    screen.run_db(
        preview_quote_order,
        screen.app.scope,
        quote_id,
        done=lambda preview: _confirm_and_create(screen, preview),
        group="order-preview",
    )


# --- the list ------------------------------------------------------------------------------------


class OrdersScreen(DbWorkerMixin, Screen):
    AUTO_FOCUS = TABLE_FIRST
    CSS_PATH = style_sheet("catalogue_orders")
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Retour", id="orders.back"),
        Binding("ctrl+n", "new", "Commande depuis un devis", id="orders.new"),
    ]

    def __init__(self, client: str = ""):
        super().__init__()
        self.initial_client = client

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("[b]Commandes[/b]  ·  commandes des devis signés", classes="screen-title")
        scope = signed_in(self.app)
        yield RecordList(
            COLUMNS,
            FILTERS,
            fetch=lambda f, o, n: fetch_orders(scope, f, o, n),
            to_cells=order_cells,
            row_key=lambda r: r.id,
            page_size=host(self.app).settings.page_size,
            empty_text="Aucune commande ne correspond aux filtres.",
            open_label="Détail",
            table_options={"cell_padding": 0},
            export=lambda f, path, overwrite: export_filtered(scope, f, path, overwrite),
            export_name="commandes",
        )
        yield Static("", id="orders-filter-error", classes="filter-error")
        yield AppFooter()

    def on_mount(self) -> None:
        self.sub_title = "Commandes"
        if self.initial_client:
            self.query_one(RecordList).set_filter("client", self.initial_client)
        self.query_one(RecordList).focus_table()

    def on_screen_resume(self) -> None:
        self.query_one(RecordList).reload(keep_offset=True)

    @on(RecordList.Loaded)
    def _check_filters(self) -> None:
        # Parsing a typed number or date is pure and instant: the reason shows under the list.
        values = self.query_one(RecordList).filter_values()
        message = ""
        try:
            parse_order_number(values.get("number", ""))
        except FieldError as exc:
            message = exc.message
        try:
            parse_date_range(values.get("date", ""))
        except FieldError as exc:
            message = f"{message}  {exc.message} {DATE_HELP}".strip()
        error = self.query_one("#orders-filter-error", Static)
        error.update(message)
        error.display = bool(message)

    @on(RecordList.Opened)
    def _opened(self, event: RecordList.Opened) -> None:
        from screens.order_detail import OrderDetailScreen

        self.app.push_screen(OrderDetailScreen(int(event.key)))

    def action_new(self) -> None:
        ask_quote_and_order(self)


@register_record_search
def search_orders(scope, query: str, limit: int):
    from screens.order_detail import OrderDetailScreen

    return [
        (
            visible(f"{row.number} · {row.client}"),
            f"Commande · {row.created} · devis {row.quote} · {row.amounts}",
            lambda app, oid=row.id: app.push_screen(OrderDetailScreen(oid)),
        )
        for row in find_orders(scope, query, limit)
    ]
