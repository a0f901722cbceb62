"""Clients, Opérateurs, Ambassadeurs, Entreprises autres: one filtered, SQL-paged list per kind."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from db.companies import CompanyFilters, count_companies, list_companies
from db.core import CompanyKind, Pager, visible
from db.exchange import COMPANY_LISTS, export_companies
from screens.navigation import open_company
from tui.toolkit.host import host, signed_in
from tui.toolkit.record_search import register_record_search
from tui.toolkit.widgets.footer import AppFooter
from tui.toolkit.widgets.header import AppHeader
from tui.toolkit.widgets.record_list import TABLE_FIRST, Column, FilterSpec, RecordList

_FILTER_KEYS = ("identifiant", "client_number", "name", "place", "siren")


def _wanted(filters: dict) -> CompanyFilters:
    return CompanyFilters(**{k: filters.get(k, "") for k in _FILTER_KEYS})


def fetch_companies(
    scope, kind: str, filters: dict, offset: int, limit: int, pager: Pager | None = None
):
    wanted = _wanted(filters)
    rows = list_companies(scope, kind, wanted, offset, limit, pager=pager)  # keyset: db.core.keyset
    return rows, count_companies(scope, kind, wanted)


class CompanyListScreen(Screen):
    """A list of one kind of company; subclasses name the kind, its label and its columns."""

    AUTO_FOCUS = TABLE_FIRST

    KIND = CompanyKind.CLIENT
    LABEL = ""
    EMPTY = "Aucune entreprise ne correspond aux filtres."
    COLUMNS: tuple[Column, ...] = (
        Column("id", "IDENTIFIANT", 11),
        Column("name", "RAISON SOCIALE", 36, min_width=14),
        Column("place", "CODE POSTAL / VILLE", 24, min_width=12, priority=1, short="CP / VILLE"),
        Column("siren", "SIREN", 11),
    )
    FILTERS: tuple[FilterSpec, ...] = (
        FilterSpec("identifiant", "IDENTIFIANT", 13),
        FilterSpec("name", "RAISON SOCIALE", 30),
        FilterSpec("place", "CODE POSTAL / VILLE", 22),
        FilterSpec("siren", "SIREN", 13),
    )

    BINDINGS = [Binding("escape", "app.pop_screen", "Retour", id="companies.back")]

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(
            f"[b]{self.LABEL}[/b]  ·  Entreprises › GESTION DES ENTREPRISES",
            classes="screen-title",
        )
        scope, kind, pager = signed_in(self.app), self.KIND, Pager()
        yield RecordList(
            self.COLUMNS,
            self.FILTERS,
            fetch=lambda f, o, n: fetch_companies(scope, kind, f, o, n, pager),
            to_cells=self.cells,
            row_key=lambda r: r.id,
            page_size=host(self.app).settings.page_size,
            empty_text=self.EMPTY,
            open_label="Détail",
            export=lambda f, path, overwrite: export_companies(
                scope, kind, _wanted(f), path, overwrite=overwrite
            ),
            export_name=COMPANY_LISTS[kind],
        )
        yield AppFooter()

    @staticmethod
    def cells(row) -> tuple:
        return (str(row.id), row.name, row.place, row.siren)

    def on_mount(self) -> None:
        self.sub_title = self.LABEL
        self.query_one(RecordList).focus_table()

    def on_screen_resume(self) -> None:
        self.query_one(RecordList).reload(keep_offset=True)

    @on(RecordList.Opened)
    def _opened(self, event: RecordList.Opened) -> None:
        open_company(self.app, int(event.key), self.KIND)


class ClientsScreen(CompanyListScreen):
    KIND = CompanyKind.CLIENT
    LABEL = "Clients"
    EMPTY = "Aucun client ne correspond aux filtres."
    COLUMNS = (
        Column("id", "IDENTIFIANT", 11),
        Column("client_number", "N° client", 9),
        Column("name", "RAISON SOCIALE", 30, min_width=14),
        Column("place", "CODE POSTAL / VILLE", 22, min_width=12, priority=1, short="CP / VILLE"),
        Column("siren", "SIREN", 11),
    )
    FILTERS = (
        FilterSpec("identifiant", "IDENTIFIANT", 13),
        FilterSpec("client_number", "N° client", 12),
        FilterSpec("name", "RAISON SOCIALE", 26),
        FilterSpec("place", "CODE POSTAL / VILLE", 22),
        FilterSpec("siren", "SIREN", 13),
    )

    @staticmethod
    def cells(row) -> tuple:
        return (str(row.id), row.client_number, row.name, row.place, row.siren)


class OperatorsScreen(CompanyListScreen):
    KIND = CompanyKind.OPERATOR
    LABEL = "Opérateurs"
    EMPTY = "Aucun opérateur ne correspond aux filtres."


class ResellersScreen(CompanyListScreen):
    KIND = CompanyKind.RESELLER
    LABEL = "Ambassadeurs"
    EMPTY = "Aucun ambassadeur ne correspond aux filtres."


class OtherCompaniesScreen(CompanyListScreen):
    KIND = CompanyKind.OTHER
    LABEL = "Entreprises autres"
    EMPTY = "Aucune entreprise ne correspond aux filtres."


@register_record_search
def search_companies(scope, query: str, limit: int):
    """Palette: any company the user may see, whatever its kind (a prospect converted since is
    found as the client it is), by IDENTIFIANT, N° client (CL…) or raison sociale; the
    operator's staff read which reseller owns it."""
    from db.companies import find_companies

    return [
        (
            visible(found.label),
            visible(found.help(show_owner=scope.is_operator)),
            lambda app, hit=found.hit: open_company(app, hit.id, hit.kind, hit.creation_step),
        )
        for found in find_companies(scope, query, limit)
    ]
