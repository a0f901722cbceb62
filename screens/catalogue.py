"""Catalogue: the offers with their M.E.S. / ABO. prices; operator staff add, edit and retire them."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Static

from db.core import DomainError, format_amount
from db.exchange import export_offers
from db.quotes import (
    OFFER_FIELDS,
    OfferFilters,
    count_offers,
    get_offer,
    list_offers,
    save_offer,
    set_retired,
)
from tui.toolkit.db_worker import DbWorkerMixin
from tui.toolkit.dialogs.confirm import ConfirmDialog, MessageDialog
from tui.toolkit.host import host, signed_in
from tui.toolkit.refusal import BannerMixin
from tui.toolkit.styles import style_sheet
from tui.toolkit.widgets.card import plain
from tui.toolkit.widgets.footer import AppFooter
from tui.toolkit.widgets.form import FormField, fill_form, read_form
from tui.toolkit.widgets.header import AppHeader
from tui.toolkit.widgets.record_list import TABLE_FIRST, Column, FilterSpec, RecordList

COLUMNS = (
    Column("name", "Offre", 52, min_width=20),
    Column("setup", Text("M.E.S.", justify="right"), 12),
    Column("monthly", Text("ABO.", justify="right"), 12),
    Column("status", "Statut", 14),
)
FILTERS = (FilterSpec("name", "Offre (mots du nom)", 40),)


def _wanted(filters: dict) -> OfferFilters:
    return OfferFilters(
        name=filters.get("name", ""), include_retired=bool(filters.get("include_retired"))
    )


def fetch_offers(scope, filters: dict, offset: int, limit: int):
    wanted = _wanted(filters)
    return list_offers(scope, wanted, offset, limit), count_offers(scope, wanted)


def offer_cells(row) -> tuple:
    style = "dim" if row.retired else ""
    return (
        Text(row.name, style=style),
        Text(format_amount(row.setup_fee), justify="right", style=style),
        Text(format_amount(row.monthly_fee), justify="right", style=style),
        Text(row.status, style=style),
    )


class OfferDialog(BannerMixin, DbWorkerMixin, ModalScreen[int | None]):
    """Nouvelle offre / Modifier l'offre: the form, saved with Ctrl+S, errors at the fields."""

    CSS_PATH = style_sheet("catalogue_orders")

    BINDINGS = [
        Binding("ctrl+s", "save", "Enregistrer", id="offer.save"),
        Binding("escape", "cancel", "Annuler", id="offer.cancel"),
    ]

    def __init__(self, record=None):
        super().__init__()
        self.record = record  # db.quotes.catalogue.OfferRecord, None for a new offer
        self.loaded_values: dict = {}

    def compose(self) -> ComposeResult:
        title = "Nouvelle offre" if self.record is None else "Modifier l'offre"
        with Vertical(id="offer-box"):
            yield Static(f"[b]{title}[/b]", id="offer-title")
            for field in OFFER_FIELDS:
                yield FormField(field)
            yield Static(
                "Montants en euros HT, 2 décimales : 82,80 ou 82.80. Les devis et commandes "
                "déjà faits gardent leurs prix.",
                id="offer-help",
            )
            yield Static("", id="offer-banner")
            with Horizontal(id="offer-actions"):
                yield Button("Annuler (Échap)", id="offer-cancel", compact=True)
                yield Button(
                    "Enregistrer (Ctrl+S)", id="offer-save", variant="primary", compact=True
                )

    def on_mount(self) -> None:
        if self.record is not None:
            fill_form(self, self.record.form_values())
        self.loaded_values = read_form(self)
        self.query(FormField).first().control.focus()

    @on(Button.Pressed, "#offer-save")
    def action_save(self) -> None:
        record = self.record
        self._banner("Enregistrement…")
        self.run_db(
            save_offer,
            signed_in(self.app),
            record.id if record else None,
            read_form(self),
            record.lock_version if record else None,
            done=self._saved,
            failed=self._refused,
            group="offer-save",
        )

    def _saved(self, offer_id: int) -> None:
        self.app.notify("Offre enregistrée.", timeout=3)
        self.dismiss(offer_id)

    BANNER = "#offer-banner"
    CONCURRENT_HINT = "  Échap puis rouvrez l'offre."

    def _refused(self, exc: DomainError) -> None:
        self.show_refusal(exc)

    @on(Button.Pressed, "#offer-cancel")
    def action_cancel(self) -> None:
        if read_form(self) == self.loaded_values:
            self.dismiss(None)
            return

        def answer(leave: bool | None) -> None:
            if leave:
                self.dismiss(None)

        self.app.push_screen(
            ConfirmDialog(
                "Abandonner les modifications de l'offre ?", yes="Abandonner", no="Continuer"
            ),
            answer,
        )


class CatalogueScreen(DbWorkerMixin, Screen):
    AUTO_FOCUS = TABLE_FIRST
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Retour", id="catalogue.back"),
        Binding("ctrl+n", "new", "Nouvelle offre", id="catalogue.new"),
        Binding("ctrl+e", "edit", "Modifier", id="catalogue.edit"),
        Binding("ctrl+x", "retire", "Retirer / remettre en vente", id="catalogue.retire"),
        Binding("ctrl+t", "toggle_retired", "Offres retirées", id="catalogue.show_retired"),
    ]

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("", id="catalogue-title", classes="screen-title")
        scope = signed_in(self.app)
        yield RecordList(
            COLUMNS,
            FILTERS,
            fetch=lambda f, o, n: fetch_offers(scope, f, o, n),
            to_cells=offer_cells,
            row_key=lambda r: r.id,
            page_size=host(self.app).settings.page_size,
            empty_text="Aucune offre ne correspond aux filtres.",
            open_label="Modifier" if scope.is_operator else "Détail",
            export=lambda f, path, overwrite: export_offers(
                scope, _wanted(f), path, overwrite=overwrite
            ),
            export_name="catalogue",
        )
        yield AppFooter()

    @property
    def staff(self) -> bool:
        return signed_in(self.app).is_operator

    @property
    def records(self) -> RecordList:
        return self.query_one(RecordList)

    def on_mount(self) -> None:
        self.sub_title = "Catalogue"
        self.records.extra_filters["include_retired"] = False
        self._show_title()
        self.records.focus_table()

    def _show_title(self) -> None:
        shown = (
            "offres commercialisées et retirées"
            if self.records.extra_filters.get("include_retired")
            else "offres commercialisées"
        )
        self.query_one("#catalogue-title", Static).update(
            f"[b]Catalogue[/b]  ·  {shown}  ·  M.E.S. : mise en service · ABO. : mensuel"
        )

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in ("new", "edit", "retire"):
            return self.staff
        return True

    def action_toggle_retired(self) -> None:
        records = self.records
        records.extra_filters["include_retired"] = not records.extra_filters.get("include_retired")
        self._show_title()
        records.reload()

    @on(RecordList.Opened)
    def _opened(self, event: RecordList.Opened) -> None:
        self._open(int(event.key))

    def action_edit(self) -> None:
        key = self.records.current_key
        if key is not None:
            self._open(int(key))

    def _open(self, offer_id: int) -> None:
        self.run_db(get_offer, signed_in(self.app), offer_id, done=self._show_offer)

    def _show_offer(self, record) -> None:
        if self.staff:
            self.app.push_screen(OfferDialog(record), self._edited)
            return
        status = "retirée (plus proposée sur les nouveaux devis)" if record.retired else "en vente"
        details = (
            f"M.E.S. : {format_amount(record.setup_fee)}\n"
            f"ABO. : {format_amount(record.monthly_fee)} / mois\n"
            f"Statut : {status}"
        )
        if record.description:
            details += f"\n\n{plain(record.description, multiline=True)}"
        self.app.push_screen(MessageDialog(details, title=plain(record.name)))

    def action_new(self) -> None:
        self.app.push_screen(OfferDialog(None), self._edited)

    def _edited(self, offer_id: int | None) -> None:
        if offer_id is not None:
            self.records.reload(keep_offset=True)
        self.records.focus_table()

    def action_retire(self) -> None:
        key = self.records.current_key
        if key is not None:
            self.run_db(get_offer, signed_in(self.app), int(key), done=self._confirm_retire)

    def _confirm_retire(self, record) -> None:
        if record.retired:
            question = f"Remettre en vente « {plain(record.name)} » ? Elle sera proposée sur les nouveaux devis."
            yes = "Remettre en vente"
        else:
            question = (
                f"Retirer « {plain(record.name)} » du catalogue ? Elle ne sera plus proposée sur les "
                "nouveaux devis ; les devis et commandes existants la gardent à leur prix."
            )
            yes = "Retirer"

        def answer(confirmed: bool | None) -> None:
            if confirmed:
                self.run_db(
                    set_retired,
                    signed_in(self.app),
                    record.id,
                    not record.retired,
                    record.lock_version,
                    done=lambda _: self._retired(record),
                    group="retire",
                )

        self.app.push_screen(ConfirmDialog(question, yes=yes, no="Annuler"), answer)

    def _retired(self, record) -> None:
        self.app.notify(
            f"« {plain(record.name)} » {'remise en vente' if record.retired else 'retirée du catalogue'}.",
            timeout=4,
        )
        self.records.reload(keep_offset=True)
