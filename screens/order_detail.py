"""Détail d'une commande: its client, quote, status and lines with the prices they were quoted at."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Static

from db.core import format_amount
from db.orders import get_order
from tui.toolkit.db_worker import DbWorkerMixin
from tui.toolkit.host import host, signed_in
from tui.toolkit.styles import style_sheet
from tui.toolkit.widgets.card import labelled_lines, plain
from tui.toolkit.widgets.footer import AppFooter
from tui.toolkit.widgets.header import AppHeader
from tui.toolkit.widgets.record_list import Cell

LINE_COLUMNS = (
    ("label", "Offre"),
    ("quantity", "Qté"),
    ("setup", "M.E.S. unit."),
    ("monthly", "ABO. unit."),
    ("setup_total", "M.E.S."),
    ("monthly_total", "ABO. / mois"),
)


def _right(text: str) -> Text:
    return Text(text, justify="right")


class OrderDetailScreen(DbWorkerMixin, Screen):
    CSS_PATH = style_sheet("catalogue_orders")
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Retour", id="order.back"),
        Binding("ctrl+v", "services", "Services du client", id="order.services"),
    ]

    def __init__(self, order_id: int):
        super().__init__()
        self.order_id = order_id
        self.order = None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("[b]Commande[/b]", id="order-title", classes="screen-title")
        with VerticalScroll(id="order-detail"):
            with Vertical(classes="card"):
                yield Static("COMMANDE", classes="card-title")
                yield Static("Chargement…", id="order-info")
            with Vertical(classes="card"):
                yield Static("LIGNES (prix du devis)", classes="card-title")
                yield DataTable(id="order-lines", cursor_type="row", zebra_stripes=True)
                yield Static("", id="order-totals")
        yield AppFooter()

    def on_mount(self) -> None:
        self.sub_title = "Commandes"
        table = self.query_one("#order-lines", DataTable)
        for key, label in LINE_COLUMNS:
            table.add_column(label, key=key)
        self.run_db(get_order, signed_in(self.app), self.order_id, done=self._show)

    def _show(self, order) -> None:
        self.order = order
        self.sub_title = f"Commande {order.number}"
        self.query_one("#order-title", Static).update(
            f"[b]Commande {order.number}[/b]  ·  {plain(order.client)}"
        )
        self.query_one("#order-info", Static).update(
            labelled_lines(
                ("N° commande", order.number),
                ("Client", f"{order.client} (IDENTIFIANT {order.company_id})"),
                ("N° client", order.client_number),
                ("Devis", order.quote),
                ("Date", order.created),
                ("Statut", order.status),
                ("Ambassadeur", order.reseller),
                ("Commandé par", order.created_by),
                width=22,
            )
        )
        table = self.query_one("#order-lines", DataTable)
        table.clear()
        for line in order.lines:
            table.add_row(
                Cell(line.label),
                _right(str(line.quantity)),
                _right(format_amount(line.setup_fee)),
                _right(format_amount(line.monthly_fee)),
                _right(format_amount(line.setup_total)),
                _right(format_amount(line.monthly_total)),
            )
        self.query_one("#order-totals", Static).update(
            f"[b]Total[/b]  M.E.S. {format_amount(order.setup_total)}  ·  "
            f"ABO. {format_amount(order.monthly_total)} / mois"
        )
        table.focus()

    def action_services(self) -> None:
        if self.order is not None:
            host(self.app).open_place(
                "services", client=self.order.client_number or self.order.client
            )
