"""A company's detail: société, sites, billing points, contacts, quotes and documents."""

from __future__ import annotations

from functools import partial

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Static

from db.companies import load_company
from db.core import CompanyKind, format_amount, format_date, visible
from db.core import validation as v
from db.quotes import step_label
from screens.company_forms import BillingEditScreen, CompanyEditScreen
from tui.toolkit.db_worker import DbWorkerMixin
from tui.toolkit.host import host, signed_in
from tui.toolkit.refusal import BannerMixin
from tui.toolkit.styles import style_sheet
from tui.toolkit.widgets.card import card, labelled_lines, plain
from tui.toolkit.widgets.footer import AppFooter
from tui.toolkit.widgets.header import AppHeader
from tui.toolkit.widgets.record_list import Cell, RecordTable

_lines = partial(labelled_lines, width=20)


TABLE_COLUMNS = {
    "billing": (
        ("Titulaire du compte", 20),
        ("Mode de Paiement", 16),
        ("Iban", 33),
        ("Code rum", 18),
    ),
    "contacts": (
        ("Civilité", 8),
        ("Nom", 14),
        ("Prénom", 11),
        ("Téléphone", 14),
        ("E-mail", 22),
        ("Administrateur", 14),
    ),
    "quotes": (
        ("N° devis / Version", 18),
        ("Création", 10),
        ("Étape", 20),
        ("Nom des offres", 14),
        ("M.E.S. / ABO.", 22),
    ),
    "documents": (("Nom", 40), ("Type", 20), ("Taille", 8), ("Date", 16)),
}


PARENT_BY_KIND = {
    "client": "clients",
    "ambassadeur": "resellers",
    "operateur": "operators",
    "prospect": "prospects",
    "autre": "others",
}


class CompanyDetailScreen(BannerMixin, DbWorkerMixin, Screen):
    CSS_PATH = style_sheet("companies")
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Retour", id="company.back"),
        Binding("ctrl+e", "edit_company", "Éditer société/site", id="company.edit"),
        Binding("ctrl+f", "edit_billing", "Point de facturation", id="company.billing"),
        Binding("ctrl+n", "new_contact", "Nouveau contact", id="company.new_contact"),
    ]

    def __init__(self, company_id: int):
        super().__init__()
        self.company_id = company_id
        self.detail = None

    @property
    def parent_place(self) -> str:
        """Escape goes up the menu tree: to the list of the company's kind (tui/places.py)."""
        kind = getattr(getattr(self.detail, "company", None), "kind", "client")
        return PARENT_BY_KIND.get(kind, "clients")

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static("", id="company-title", classes="screen-title")
        yield Static("", id="banner", classes="banner")
        with VerticalScroll(id="company-detail"):
            with Horizontal(id="company-cards"):
                yield card(
                    "📄 INFORMATIONS SOCIÉTÉ", Static(id="company-info"), edit="edit-company"
                )
                yield card("📍 INFORMATIONS SITE", Static(id="site-info"), edit="edit-site")
            yield from self._table_card(
                "billing", "POINTS DE FACTURATION", RecordTable.labelled("Éditer")
            )
            yield from self._table_card("contacts", "CONTACTS", RecordTable.labelled("Éditer"))
            yield from self._table_card("quotes", "DEVIS", RecordTable.labelled("Ouvrir le devis"))
            yield from self._table_card(
                "documents", "DOCUMENTS", DataTable(cursor_type="row", zebra_stripes=True)
            )
        yield AppFooter()

    def _table_card(self, key: str, title: str, table: DataTable):
        table.id = f"{key}-table"
        with Vertical(classes="card", id=f"{key}-card"):
            yield Static(title, classes="card-title")
            yield Static("", id=f"{key}-empty", classes="card-empty")
            yield table

    def on_mount(self) -> None:
        # Widths keep each table within 100 columns (no sideways scrolling on a small terminal).
        for key, columns in TABLE_COLUMNS.items():
            table = self.query_one(f"#{key}-table", DataTable)
            for label, width in columns:
                table.add_column(label, width=width)
        self.refresh_detail()

    def on_screen_resume(self) -> None:
        self.refresh_detail()

    def refresh_detail(self) -> None:
        self.run_db(load_company, signed_in(self.app), self.company_id, done=self._show)

    # -- showing ----------------------------------------------------------------------------------
    def _show(self, detail) -> None:
        first_show = self.detail is None
        self.detail = detail
        c = detail.company
        number = f"  ·  N° client {c.client_number}" if c.client_number else ""
        self.sub_title = visible(f"{c.name} ({c.id})")
        self.query_one("#company-title", Static).update(
            f"[b]{plain(c.name)}[/b]  ·  {detail.kind_label}{number}"
            + ("  ·  [i]lecture seule[/i]" if detail.read_only else "")
        )
        since = ""
        if c.converted_at:
            since = format_date(c.converted_at)
            since += f" par {c.converted_by}" if c.converted_by else ""
        pairs = [
            ("IDENTIFIANT", c.id),
            ("Raison sociale", c.name),
            ("SIREN", v.format_siren(c.siren) if c.siren else ""),
            ("SIRET", v.format_siret(c.siret) if c.siret else ""),
            ("N° TVA intracom.", c.vat_number),
        ]
        if c.kind == CompanyKind.CLIENT:
            pairs += [("N° client", c.client_number), ("Client depuis le", since)]
        self.query_one("#company-info", Static).update(_lines(*pairs))
        sites = []
        for site in detail.sites:
            title = "Site principal" if site.is_main else "Autre site"
            sites.append(_lines((title, site.address), ("", site.place), ("Pays", site.country)))
        self.query_one("#site-info", Static).update("\n".join(sites) or "[i]Aucun site.[/i]")
        for button in self.query("#edit-company, #edit-site").results(Button):
            button.display = detail.can_edit_company or c.kind == CompanyKind.PROSPECT

        self._fill(
            "billing",
            [(b.id, (b.holder, b.payment_mode, b.iban, b.rum)) for b in detail.billing_points],
            "Aucun point de facturation.",
        )
        self._fill(
            "contacts",
            [
                (
                    x.id,
                    (
                        x.civility,
                        x.last_name,
                        x.first_name,
                        x.phone or x.mobile,
                        x.email,
                        x.admin_label,
                    ),
                )
                for x in detail.contacts
            ],
            "Aucun contact.",
        )
        self._fill(
            "quotes",
            [
                (
                    q.id,
                    (
                        q.reference,
                        q.created,
                        step_label(q.step),
                        q.offer_names,
                        f"{format_amount(q.setup_total)} / {format_amount(q.monthly_total)}",
                    ),
                )
                for q in detail.quotes
            ],
            "Aucun devis.",
        )
        self._fill(
            "documents",
            [
                (d.id, (d.filename, d.kind_label, d.size_label, d.date_label))
                for d in detail.documents
            ],
            "Aucun document.",
        )
        # A reseller looking at its operator sees its name and address, nothing hanging off it.
        for key in ("billing", "contacts", "quotes", "documents"):
            self.query_one(f"#{key}-card").display = not detail.read_only
        if c.kind != CompanyKind.CLIENT and not detail.billing_points:
            self.query_one("#billing-card").display = False
        self.refresh_bindings()
        if first_show or self.focused is None:
            self._focus_first_table()

    def _fill(self, key: str, rows: list, empty: str) -> None:
        table = self.query_one(f"#{key}-table", DataTable)
        cursor = table.cursor_row
        table.clear()
        for row_key, cells in rows:
            # Plain cells: stored text is never markup, a control character never sent raw.
            plain_cells = (Cell(cell) if isinstance(cell, str) else cell for cell in cells)
            table.add_row(*plain_cells, key=str(row_key))
        table.display = bool(rows)
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))
        note = self.query_one(f"#{key}-empty", Static)
        note.update(f"[i]{empty}[/i]")
        note.display = not rows

    def _focus_first_table(self) -> None:
        for key in ("billing", "contacts", "quotes", "documents"):
            table = self.query_one(f"#{key}-table", DataTable)
            if table.display and table.parent.display:
                table.focus()
                return

    # -- actions ----------------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        d = self.detail
        if action == "edit_company":
            return bool(d and (d.can_edit_company or d.company.kind == CompanyKind.PROSPECT))
        if action == "edit_billing":
            return bool(d and (d.can_edit_billing or d.company.kind == CompanyKind.PROSPECT))
        if action == "new_contact":
            return bool(d and d.can_edit_contacts)
        return True

    @on(Button.Pressed, "#edit-company, #edit-site")
    def action_edit_company(self) -> None:
        if not self.check_action("edit_company", ()):
            return
        if self.detail.company.kind == CompanyKind.PROSPECT:
            self._edit_prospect(1)
            return
        self.app.push_screen(CompanyEditScreen(self.company_id))

    def action_edit_billing(self, billing_id: int | None = None) -> None:
        if not self.check_action("edit_billing", ()):
            return
        if self.detail.company.kind == CompanyKind.PROSPECT:
            self._edit_prospect(2)
            return
        if billing_id is None:
            billing_id = self._current_key("billing")
        self.app.push_screen(BillingEditScreen(self.company_id, billing_id))

    def action_new_contact(self) -> None:
        if self.check_action("new_contact", ()):
            host(self.app).open_screen("contact_form", self.company_id, None)

    def _edit_prospect(self, step: int) -> None:
        host(self.app).open_screen("prospect_wizard", self.company_id, step)

    def _current_key(self, key: str) -> int | None:
        table = self.query_one(f"#{key}-table", DataTable)
        if not table.row_count:
            return None
        row_key = table.coordinate_to_cell_key((table.cursor_row, 0)).row_key
        return int(row_key.value)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        key = int(event.row_key.value)
        table_id = event.data_table.id
        if table_id == "billing-table":
            self.action_edit_billing(key)
        elif table_id == "contacts-table" and self.check_action("new_contact", ()):
            host(self.app).open_screen("contact_form", self.company_id, key)
        elif table_id == "quotes-table":
            host(self.app).open_screen("quote_detail", key)
