"""A company's detail (société, sites, contacts, billing points, quotes, documents) and its edit forms."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Select, Static

from db import validation as v
from db.companies import (
    load_billing_point,
    load_company,
    save_billing_point,
    save_company,
)
from db.errors import ConcurrentEditError, DomainError, FieldError, ValidationErrors
from db.models import CompanyKind
from db.quotes import format_amount, step_label
from tui.db_worker import DbWorkerMixin
from tui.form_screen import BannerMixin, UnsavedEditsMixin
from tui.widgets.dialogs import ConfirmDialog
from tui.widgets.form import FormField, FormSection, fill_form, read_form, show_errors
from tui.widgets.record_list import RecordTable


def quote_screen_class():
    """The quote screen when it is installed (screens.quote_detail), else None."""
    try:
        from screens.quote_detail import QuoteDetailScreen
    except ImportError:
        return None
    return QuoteDetailScreen


def _lines(*pairs) -> str:
    return "\n".join(f"[dim]{label:<20}[/dim] {value or '—'}" for label, value in pairs)


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


class CompanyDetailScreen(BannerMixin, DbWorkerMixin, Screen):
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
        self.quote_screen = quote_screen_class()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="company-title", classes="screen-title")
        yield Static("", id="banner", classes="banner")
        with VerticalScroll(id="company-detail"):
            with Horizontal(id="company-cards"):
                with Vertical(classes="card"):
                    with Horizontal(classes="card-head"):
                        yield Static("📄 INFORMATIONS SOCIÉTÉ", classes="card-title")
                        yield Button("✎ Éditer", id="edit-company", compact=True, classes="link")
                    yield Static(id="company-info")
                with Vertical(classes="card"):
                    with Horizontal(classes="card-head"):
                        yield Static("📍 INFORMATIONS SITE", classes="card-title")
                        yield Button("✎ Éditer", id="edit-site", compact=True, classes="link")
                    yield Static(id="site-info")
            yield from self._table_card(
                "billing", "POINTS DE FACTURATION", RecordTable.labelled("Éditer")
            )
            yield from self._table_card("contacts", "CONTACTS", RecordTable.labelled("Éditer"))
            quotes = (
                RecordTable.labelled("Ouvrir le devis")
                if self.quote_screen
                else DataTable(cursor_type="row", zebra_stripes=True)
            )
            yield from self._table_card("quotes", "DEVIS", quotes)
            yield from self._table_card(
                "documents", "DOCUMENTS", DataTable(cursor_type="row", zebra_stripes=True)
            )
        yield Footer()

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
        self.run_db(load_company, self.app.scope, self.company_id, done=self._show)

    # -- showing ----------------------------------------------------------------------------------
    def _show(self, detail) -> None:
        first_show = self.detail is None
        self.detail = detail
        c = detail.company
        number = f"  ·  N° client {c.client_number}" if c.client_number else ""
        self.sub_title = f"{c.name} ({c.id})"
        self.query_one("#company-title", Static).update(
            f"[b]{c.name}[/b]  ·  {detail.kind_label}{number}"
            + ("  ·  [i]lecture seule[/i]" if detail.read_only else "")
        )
        since = ""
        if c.converted_at:
            since = c.converted_at.strftime("%d/%m/%Y")
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
            table.add_row(*cells, key=str(row_key))
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
            from screens.contacts import ContactFormScreen

            self.app.push_screen(ContactFormScreen(self.company_id, None))

    def _edit_prospect(self, step: int) -> None:
        from screens.prospect_wizard import ProspectWizardScreen

        self.app.push_screen(ProspectWizardScreen(self.company_id, step))

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
            from screens.contacts import ContactFormScreen

            self.app.push_screen(ContactFormScreen(self.company_id, key))
        elif table_id == "quotes-table" and self.quote_screen is not None:
            self.app.push_screen(self.quote_screen(key))


# -- edit forms -----------------------------------------------------------------------------------


class RecordFormScreen(UnsavedEditsMixin, DbWorkerMixin, Screen):
    """A form over one record: load in a worker, Ctrl+S saves with the version it was loaded at.

    Errors show at their fields and keep what was typed; a concurrent edit is a banner naming
    who changed the record; leaving with unsaved edits asks first. Subclasses give the sections,
    `load(scope) -> (values, versions, subtitle)` and `save(scope, values, versions)`.
    """

    HEADING = ""
    SAVED = "Enregistré."
    SHOW_TVA = False  # the company form shows the computed N° TVA under the SIRET
    BINDINGS = [
        Binding("ctrl+s", "save", "Enregistrer", id="form.save", priority=True),
        Binding("escape", "leave", "Retour", id="form.back"),
        Binding("ctrl+r", "reload", "Recharger", id="form.reload"),
    ]

    def __init__(self):
        super().__init__()
        self.versions: dict = {}
        self.loaded_values: dict = {}

    def sections(self) -> list[FormSection]:
        raise NotImplementedError

    def load(self, scope):
        raise NotImplementedError

    def save(self, scope, values: dict, versions: dict):
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(f"[b]{self.HEADING}[/b]", id="form-heading", classes="screen-title")
        yield Static("", id="banner", classes="banner")
        with VerticalScroll(id="form-area"):
            yield from self.sections()
        with Horizontal(id="wizard-actions"):
            yield Button("Enregistrer", id="save", variant="primary", compact=True)
        yield Footer()

    async def on_mount(self) -> None:
        if self.SHOW_TVA:
            await self.query_one("#form-area").mount(
                Static("", id="tva"), after=self.query_one("#field-siret")
            )
        self.run_db(self.load, self.app.scope, done=self._loaded, failed=self._load_failed)

    def _loaded(self, result) -> None:
        values, versions, subtitle = result
        self.versions = dict(versions)
        self.sub_title = subtitle
        fill_form(self, values)
        self.call_after_refresh(self._after_fill)

    def _after_fill(self) -> None:
        self._toggle_other_days()
        self._update_tva()
        self.loaded_values = read_form(self)
        show_errors(self, {})
        focused = self.focused
        if focused is None or not any(isinstance(n, FormField) for n in focused.ancestors):
            # Only when the user has not already moved into the form while it was loading.
            self.query(FormField).first().control.focus()

    def _load_failed(self, exc: DomainError) -> None:
        self.app.pop_screen()
        self.app.notify(exc.message, severity="error", timeout=8)

    # -- live helpers (the wizard's) ---------------------------------------------------------------
    @on(Select.Changed, "#input-payment_terms")
    def _toggle_other_days(self, event=None) -> None:
        fields = self.query("#field-payment_terms_days")
        if fields:
            terms = self.query_one("#field-payment_terms", FormField).value
            fields.first().display = terms == "Autres"

    @on(Input.Changed, "#input-siren")
    def _update_tva(self, event=None) -> None:
        tva = self.query("#tva")
        if not tva:
            return
        siren = self.query_one("#field-siren", FormField).value
        try:
            text = v.tva_from_siren(v.validate_siren(siren)) if siren.strip() else "—"
        except FieldError:
            text = "—"
        tva.first().update(f"[dim]N° TVA intracommunautaire (calculé)[/dim]  {text}")

    @on(Input.Changed, "#input-iban")
    def _suggest_bic(self, event: Input.Changed) -> None:
        bic_field = self.query_one("#field-bic", FormField)
        if bic_field.value.strip():
            return
        try:
            known = v.bic_from_iban(v.validate_iban(event.value))
        except FieldError:
            return
        if known:
            bic_field.value = known

    # -- saving -----------------------------------------------------------------------------------
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self._banner("Enregistrement…")
        self.run_db(
            self.save,
            self.app.scope,
            read_form(self),
            dict(self.versions),
            done=self._saved,
            failed=self._refused,
            group="save",
        )

    def _saved(self, _result) -> None:
        self.loaded_values = read_form(self)
        self.app.pop_screen()
        self.app.notify(self.SAVED, timeout=3)

    def _refused(self, exc: DomainError) -> None:
        if isinstance(exc, ValidationErrors):
            first = show_errors(self, exc.errors)
            self._banner(
                f"{len(exc.errors)} champ(s) à corriger : rien n'a été enregistré.", error=True
            )
            if first is not None:
                first.control.focus()
                first.scroll_visible()
            return
        show_errors(self, {})
        hint = (
            "  Ctrl+R : recharger (vos saisies seront perdues)."
            if isinstance(exc, ConcurrentEditError)
            else ""
        )
        self._banner(exc.message + hint, error=True)

    # -- leaving ----------------------------------------------------------------------------------

    def action_reload(self) -> None:
        def answer(discard: bool | None) -> None:
            if discard:
                self._banner("")
                self.run_db(self.load, self.app.scope, done=self._loaded)

        if self.dirty:
            self.app.push_screen(
                ConfirmDialog(
                    "Recharger la fiche et abandonner vos saisies ?", yes="Recharger", no="Annuler"
                ),
                answer,
            )
        else:
            answer(True)


class CompanyEditScreen(RecordFormScreen):
    """Éditer: INFORMATIONS SOCIÉTÉ and INFORMATIONS SITE of a client, ambassadeur, ..."""

    HEADING = "INFORMATIONS SOCIÉTÉ / INFORMATIONS SITE"
    SAVED = "Société et site enregistrés."
    SHOW_TVA = True

    def __init__(self, company_id: int):
        super().__init__()
        self.company_id = company_id

    def sections(self) -> list[FormSection]:
        from screens.prospect_wizard import step_sections

        return step_sections(1)

    def load(self, scope):
        detail = load_company(scope, self.company_id)
        if not detail.can_edit_company:
            raise DomainError("Vous ne pouvez pas modifier cette entreprise.")
        c = detail.company
        return detail.company_values(), detail.versions, f"{c.name} ({c.id})"

    def save(self, scope, values: dict, versions: dict):
        return save_company(scope, self.company_id, values, versions)


class BillingEditScreen(RecordFormScreen):
    """Édition du point de facturation of a client: the wizard's step 2 fields and rules."""

    HEADING = "ÉDITION DU POINT DE FACTURATION"
    SAVED = "Point de facturation enregistré."

    def __init__(self, company_id: int, billing_id: int | None):
        super().__init__()
        self.company_id = company_id
        self.billing_id = billing_id

    def sections(self) -> list[FormSection]:
        from screens.prospect_wizard import step_sections

        return step_sections(2)

    def load(self, scope):
        record = load_billing_point(scope, self.company_id, self.billing_id)
        self.billing_id = record.billing_id
        return (
            record.values,
            {"billing": record.version},
            f"{record.company_name} ({record.company_id})",
        )

    def save(self, scope, values: dict, versions: dict):
        return save_billing_point(
            scope, self.company_id, self.billing_id, values, versions.get("billing")
        )
