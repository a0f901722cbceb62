"""Prospects: IDENTIFIANT · RAISON SOCIALE · CODE POSTAL / VILLE · (REVENDEUR, for the operator) ·
ETAT · ACTION, filtered in SQL."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from db.companies import ProspectFilters, page_prospects
from db.core import Pager
from db.exchange import export_prospects
from tui.toolkit.host import host, signed_in
from tui.toolkit.widgets.footer import AppFooter
from tui.toolkit.widgets.header import AppHeader
from tui.toolkit.widgets.record_list import TABLE_FIRST, Column, FilterSpec, RecordList

COLUMNS = (
    Column("id", "IDENTIFIANT", 11),
    Column("name", "RAISON SOCIALE", 27, min_width=20),
    Column("place", "CODE POSTAL / VILLE", 20, min_width=12, priority=1, short="CP / VILLE"),
    Column("etat", "ETAT", 18),
    Column("action", "ACTION", 11),
)
FILTERS = (
    FilterSpec("identifiant", "IDENTIFIANT", 13),
    FilterSpec("name", "RAISON SOCIALE", 30),
    FilterSpec("place", "CODE POSTAL / VILLE", 22),
)
# The operator sees every reseller's prospects: whose each one is, and a filter on it. At 80
# columns CODE POSTAL / VILLE goes first, then REVENDEUR (its filter stays).
OPERATOR_COLUMNS = (
    *COLUMNS[:2],
    Column("place", "CODE POSTAL / VILLE", 20, min_width=12, priority=2, short="CP / VILLE"),
    Column("owner", "REVENDEUR", 18, min_width=10, priority=1),
    *COLUMNS[3:],
)
OPERATOR_FILTERS = (
    FilterSpec("identifiant", "IDENTIFIANT", 13),
    FilterSpec("name", "RAISON SOCIALE", 24),
    FilterSpec("place", "CODE POSTAL / VILLE", 20),
    FilterSpec("owner", "REVENDEUR", 18),
)


def _wanted(filters: dict) -> ProspectFilters:
    keys = ("identifiant", "name", "place", "owner")
    return ProspectFilters(**{k: filters.get(k, "") for k in keys})


def fetch_prospects(
    scope,
    filters: dict,
    offset: int,
    limit: int,
    pager: Pager | None = None,
    *,
    count_later: bool = False,
):
    # The page, then a count only if the page cannot tell the total, capped at 10,000 (with
    # `count_later`, run after the page is painted); with the screen's pager, next/previous
    # page by keyset (db.core.keyset).
    return page_prospects(
        scope, _wanted(filters), offset, limit, pager=pager, count_later=count_later
    )


def prospect_cells(row) -> tuple:
    return (str(row.id), row.name, row.place, row.etat, "Reprendre >")


def operator_prospect_cells(row) -> tuple:
    return (str(row.id), row.name, row.place, row.owner, row.etat, "Reprendre >")


def open_prospect(app, company_id: int, step: int | None = None) -> None:
    """Reprendre: the first unfinished step, or the details once steps 1-3 are saved."""
    from screens.navigation import open_prospect_at

    open_prospect_at(app, company_id, step)


class ProspectsScreen(Screen):
    AUTO_FOCUS = TABLE_FIRST
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Retour", id="prospects.back"),
        Binding("ctrl+n", "new", "Nouveau prospect", id="prospects.new"),
        Binding("ctrl+d", "details", "Détail", id="prospects.details"),
    ]

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(
            "[b]Prospects[/b]  ·  Entreprises › GESTION DES ENTREPRISES", classes="screen-title"
        )
        scope = signed_in(self.app)
        operator = scope.is_operator
        pager = Pager()
        yield RecordList(
            OPERATOR_COLUMNS if operator else COLUMNS,
            OPERATOR_FILTERS if operator else FILTERS,
            fetch=lambda f, o, n: fetch_prospects(scope, f, o, n, pager, count_later=True),
            to_cells=operator_prospect_cells if operator else prospect_cells,
            row_key=lambda r: r.id,
            page_size=host(self.app).settings.page_size,
            empty_text="Aucun prospect ne correspond aux filtres.",
            open_label="Reprendre >",
            export=lambda f, path, overwrite: export_prospects(
                scope, _wanted(f), path, overwrite=overwrite
            ),
            export_name="prospects",
        )
        yield AppFooter()

    def on_mount(self) -> None:
        self.sub_title = "Prospects"
        self.query_one(RecordList).focus_table()

    def on_screen_resume(self) -> None:
        self.query_one(RecordList).reload(keep_offset=True)

    def reopen(self) -> None:
        """Shown again from the menu (tui/kept_screens.py): as if new."""
        self.query_one(RecordList).restart()

    @on(RecordList.Opened)
    def _opened(self, event: RecordList.Opened) -> None:
        # The row read for the list says where the prospect stands: no read on the UI thread.
        rows = self.query_one(RecordList).rows
        row = next((r for r in rows if str(r.id) == event.key), None)
        open_prospect(self.app, int(event.key), min(row.creation_step + 1, 4) if row else None)

    def action_details(self) -> None:
        key = self.query_one(RecordList).current_key
        if key is not None:
            open_prospect(self.app, int(key), step=4)

    def action_new(self) -> None:
        from screens.prospect_wizard import ProspectWizardScreen

        self.app.push_screen(ProspectWizardScreen(None, 1))
