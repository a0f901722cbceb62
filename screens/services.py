"""Mes services: per client and offer, the quantity, the monthly amount and since when; totals below."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from db.core import crop, format_amount
from db.exchange import export_services
from db.orders import ServiceFilters, count_services, list_services, service_totals
from tui.toolkit.db_worker import DbWorkerMixin
from tui.toolkit.host import host, signed_in
from tui.toolkit.styles import style_sheet
from tui.toolkit.widgets.footer import AppFooter
from tui.toolkit.widgets.header import AppHeader
from tui.toolkit.widgets.record_list import TABLE_FIRST, Column, FilterSpec, RecordList

# No cell padding: each cell starts with one space instead, so seven columns fit in 100.
COLUMNS = (
    Column("client", " Client", 20, min_width=10),
    Column("client_number", " N° client", 10),
    Column("offer", " Offre", 24, min_width=10),
    Column("quantity", Text(" Qté", justify="right"), 5),
    Column("monthly", Text(" Mensuel", justify="right"), 12),
    Column("since", " Depuis le", 11, priority=1),
    Column("client_total", Text(" Total client", justify="right"), 13),
)
FILTERS = (
    FilterSpec("client", "Client ou N° client", 34),
    FilterSpec("offer", "Offre", 34),
)


def _wanted(filters: dict) -> ServiceFilters:
    return ServiceFilters(client=filters.get("client", ""), offer=filters.get("offer", ""))


def fetch_services(scope, filters: dict, offset: int, limit: int):
    wanted = _wanted(filters)
    return list_services(scope, wanted, offset, limit), count_services(scope, wanted)


def service_cells(row) -> tuple:
    return (
        f" {crop(row.client, 19)}",
        f" {row.client_number}",
        f" {crop(row.offer, 23)}",
        Text(f" {row.quantity}", justify="right"),
        Text(f" {format_amount(row.monthly_amount)}", justify="right"),
        f" {row.since_label}",
        Text(f" {format_amount(row.client_monthly_total)}", justify="right"),
    )


class ServicesScreen(DbWorkerMixin, Screen):
    AUTO_FOCUS = TABLE_FIRST
    CSS_PATH = style_sheet("catalogue_orders")
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Retour", id="services.back"),
        Binding("ctrl+d", "orders", "Commandes du client", id="services.orders"),
    ]

    def __init__(self, client: str = ""):
        super().__init__()
        self.initial_client = client

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(
            "[b]Mes services[/b]  ·  services souscrits par vos clients, d'après leurs commandes",
            classes="screen-title",
        )
        scope = signed_in(self.app)
        yield RecordList(
            COLUMNS,
            FILTERS,
            fetch=lambda f, o, n: fetch_services(scope, f, o, n),
            to_cells=service_cells,
            row_key=lambda r: r.key,
            page_size=host(self.app).settings.page_size,
            empty_text="Aucun service ne correspond aux filtres.",
            open_label="Commandes",
            table_options={"cell_padding": 0},
            export=lambda f, path, overwrite: export_services(
                scope, _wanted(f), path, overwrite=overwrite
            ),
            export_name="services",
        )
        yield Static("", id="services-totals")
        yield AppFooter()

    @property
    def records(self) -> RecordList:
        return self.query_one(RecordList)

    def on_mount(self) -> None:
        self.sub_title = "Mes services"
        if self.initial_client:
            self.records.set_filter("client", self.initial_client)
        self.records.focus_table()

    def on_screen_resume(self) -> None:
        self.records.reload(keep_offset=True)

    @on(RecordList.Loaded)
    def _load_totals(self) -> None:
        self.run_db(
            service_totals,
            signed_in(self.app),
            _wanted(self.records.filter_values()),
            done=self._show_totals,
            group="services-totals",
        )

    def _show_totals(self, totals) -> None:
        self.query_one("#services-totals", Static).update(f"[b]{totals.label}[/b]")

    def _current_client(self) -> str | None:
        key = self.records.current_key
        if key is None:
            return None
        row = next((r for r in self.records.rows if r.key == key), None)
        if row is None:
            return None
        return row.client_number or row.client

    @on(RecordList.Opened)
    def _opened(self) -> None:
        self.action_orders()

    def action_orders(self) -> None:
        client = self._current_client()
        if client:
            host(self.app).open_place("orders", client=client)
