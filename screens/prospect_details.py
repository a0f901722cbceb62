"""Détails d'un prospect (step 4): the record summarised, Éditer links, and Transformer en client."""

from __future__ import annotations

from functools import partial
from typing import cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, DataTable, Static

from db.companies import convert_to_client, load_prospect, missing_for_conversion
from db.core import DomainError, visible
from db.core import validation as v
from db.documents import DocumentFilters, count_documents, list_documents
from screens.navigation import announce_client
from tui.toolkit.db_worker import DbWorkerMixin
from tui.toolkit.dialogs.confirm import ConfirmDialog
from tui.toolkit.host import host, signed_in
from tui.toolkit.refusal import BannerMixin
from tui.toolkit.styles import style_sheet
from tui.toolkit.widgets.card import card, labelled_lines, plain
from tui.toolkit.widgets.footer import AppFooter
from tui.toolkit.widgets.header import AppHeader
from tui.toolkit.widgets.record_list import Cell
from tui.toolkit.widgets.step_indicator import StepIndicator

_lines = partial(labelled_lines, width=28)


DOCUMENTS_SHOWN = 20


def load_documents(scope, company_id: int):
    wanted = DocumentFilters(company_id=company_id)
    return list_documents(scope, wanted, 0, DOCUMENTS_SHOWN), count_documents(scope, wanted)


def load_details(scope, company_id: int):
    record = load_prospect(scope, company_id)
    return record, missing_for_conversion(record)


# The guide's breadcrumb, "🏠 Édition du point de facturation prospect / Éditeur de
# l'administrateur prospect / Détail du prospect", needs 105 columns: shorter words below.
CRUMBS = (
    (105, "Édition du point de facturation prospect", "Éditeur de l'administrateur prospect"),
    (81, "Point de facturation prospect", "Administrateur prospect"),
    (0, "Point de facturation", "Administrateur"),
)


def crumb_labels(width: int) -> tuple[str, str]:
    return next((billing, admin) for least, billing, admin in CRUMBS if width >= least)


class ProspectDetailsScreen(BannerMixin, DbWorkerMixin, Screen):
    CSS_PATH = style_sheet("documents")
    parent_place = "prospects"  # Escape goes up the menu tree (tui/places.py)
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Retour", id="details.back"),
        Binding("ctrl+t", "transform", "Transformer en client", id="details.transform"),
        Binding("ctrl+e", "edit(1)", "Éditer société/site", id="details.edit_company"),
        Binding("ctrl+f", "edit(2)", "Point de facturation", id="details.edit_billing"),
        Binding("ctrl+a", "edit(3)", "Administrateur", id="details.edit_admin"),
        Binding("ctrl+w", "write_document", "Écrire le document", id="details.write_document"),
        # The wizard's step keys (F6-F8) work here too.
        Binding("f6", "edit(1)", "Éditer société/site", id="details.step_1", show=False),
        Binding("f7", "edit(2)", "Point de facturation", id="details.step_2", show=False),
        Binding("f8", "edit(3)", "Administrateur", id="details.step_3", show=False),
    ]

    def __init__(self, company_id: int):
        super().__init__()
        self.company_id = company_id
        self.record = None
        self.documents: list = []
        self.converted = False  # a client now: no longer to be loaded as a prospect

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Horizontal(id="wizard-head"):
            yield Static("[b]Détails d'un prospect[/b]", id="wizard-title")
            yield StepIndicator(current=4, done=3, id="steps")
        with Horizontal(id="breadcrumb"):
            yield Static("🏠 ")
            billing, admin = crumb_labels(self.app.size.width)
            yield Button(billing, id="crumb-billing", compact=True, classes="link")
            yield Static(" / ")
            yield Button(admin, id="crumb-admin", compact=True, classes="link")
            yield Static(" / [b]Détail du prospect[/b]")
        yield Static("", id="banner", classes="banner")
        with VerticalScroll(id="details"):
            yield card("📄 INFORMATIONS SOCIÉTÉ", Static(id="company-info"), edit="edit-company")
            yield card("📍 INFORMATIONS SITE", Static(id="site-info"), edit="edit-site")
            yield card("POINT DE FACTURATION", Static(id="billing-info"), edit="edit-billing")
            yield card("ADMINISTRATEUR", Static(id="admin-info"), edit="edit-admin")
            yield card(
                "DOCUMENTS",
                Static(id="documents-info"),
                DataTable(id="documents-table", cursor_type="row", zebra_stripes=True),
            )
        with Horizontal(id="wizard-actions"):
            yield Button("Transformer en client", id="transform", variant="success", compact=True)
        yield AppFooter()

    def on_resize(self) -> None:
        billing, admin = crumb_labels(self.app.size.width)
        for button_id, label in (("#crumb-billing", billing), ("#crumb-admin", admin)):
            button = self.query_one(button_id, Button)
            if str(button.label) != label:
                button.label = label

    def on_mount(self) -> None:
        table = self.query_one("#documents-table", DataTable)
        for key, label in (
            ("kind", "TYPE"),
            ("filename", "FICHIER"),
            ("size", "TAILLE"),
            ("date", "DATE"),
            ("by", "PAR"),
        ):
            table.add_column(label, key=key)
        table.display = False
        self.refresh_record()

    def on_screen_resume(self) -> None:
        if not self.converted:  # under the conversion's message, on its way out
            self.refresh_record()

    def refresh_record(self) -> None:
        self.run_db(load_details, signed_in(self.app), self.company_id, done=self._show)
        self.run_db(
            load_documents,
            signed_in(self.app),
            self.company_id,
            done=self._show_documents,
            group="documents",
        )

    def _show_documents(self, result) -> None:
        rows, total = result
        self.documents = rows
        table = self.query_one("#documents-table", DataTable)
        table.clear()
        for row in rows:
            table.add_row(
                row.kind_label,
                Cell(row.filename),
                row.size_label,
                row.date_label,
                Cell(row.created_by or "—"),
                key=str(row.id),
            )
        table.display = bool(rows)
        if not rows:
            info = "[i]Aucun document : générez le mandat ou joignez un fichier à l'étape 2.[/i]"
        elif total > len(rows):
            info = f"[dim]Les {len(rows)} plus récents sur {total} (tous dans Formulaires).[/dim]"
        else:
            info = "[dim]Ctrl+W ou Entrée : écrire le document choisi dans un fichier.[/dim]"
        self.query_one("#documents-info", Static).update(info)

    @on(DataTable.RowSelected, "#documents-table")
    def _document_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self._write(int(cast(str, event.row_key.value)))

    def action_write_document(self) -> None:
        table = self.query_one("#documents-table", DataTable)
        if not self.documents or table.cursor_row is None:
            self.notify("Aucun document à écrire.", timeout=3)
            return
        self._write(self.documents[table.cursor_row].id)

    def _write(self, doc_id: int) -> None:
        from screens.documents import write_out

        row = next((r for r in self.documents if r.id == doc_id), None)
        if row is not None:
            write_out(self.app, row.id, row.filename)

    def _show(self, result) -> None:
        record, missing = result
        self.record = record
        c, s, b, a = record.company, record.site, record.billing, record.admin
        self.sub_title = visible(f"{c.name} ({c.id})")
        self.query_one("#company-info", Static).update(
            _lines(
                ("IDENTIFIANT", c.id),
                ("Raison sociale", c.name),
                ("SIREN", v.format_siren(c.siren) if c.siren else ""),
                ("SIRET", v.format_siret(c.siret) if c.siret else ""),
                ("N° TVA intracommunautaire", c.vat_number),
            )
        )
        self.query_one("#site-info", Static).update(
            _lines(
                ("Adresse", f"{s.number} {s.street}".strip() if s else ""),
                ("Code Postal / Commune", f"{s.postcode} {s.city}" if s else ""),
                ("Pays", s.country if s else ""),
            )
        )
        if b:
            terms = (
                f"Autre : {b.payment_terms_days} jours"
                if b.payment_terms == "Autres"
                else b.payment_terms
            )
            billing = _lines(
                ("Titulaire du compte", b.holder),
                ("E-mail facturation", b.email),
                ("Mode de Paiement", b.payment_mode),
                ("Délais de paiement", terms),
                ("Régime de TVA", b.vat_regime),
                ("Envoyer la facture papier", "oui" if b.paper_invoice else "non"),
                ("Iban", v.mask_iban(b.iban) if b.iban else ""),
                ("Code Bic", b.bic),
                ("Code rum", b.rum),
                (
                    "Adresse de facturation",
                    f"{b.number} {b.street}, {b.postcode} {b.city}".strip(" ,"),
                ),
            )
        else:
            billing = "[i]Non renseigné (étape 2).[/i]"
        self.query_one("#billing-info", Static).update(billing)
        if a:
            admin = _lines(
                ("Civilité / Nom / Prénom", f"{a.civility} {a.last_name} {a.first_name}"),
                ("Téléphone", v.format_phone(a.phone) if a.phone else ""),
                ("Mobile", v.format_phone(a.mobile) if a.mobile else ""),
                ("E-mail", a.email),
            )
        else:
            admin = "[i]Non renseigné (étape 3).[/i]"
        self.query_one("#admin-info", Static).update(admin)
        self._banner(
            ("À compléter avant de transformer : " + ", ".join(missing) + ".") if missing else "",
            error=bool(missing),
        )

    @on(Button.Pressed, "#edit-company, #edit-site")
    def _edit_company(self) -> None:
        self.action_edit(1)

    @on(Button.Pressed, "#edit-billing, #crumb-billing")
    def _edit_billing(self) -> None:
        self.action_edit(2)

    @on(Button.Pressed, "#edit-admin, #crumb-admin")
    def _edit_admin(self) -> None:
        self.action_edit(3)

    def action_edit(self, step: int) -> None:
        host(self.app).open_screen("prospect_wizard", self.company_id, step)

    @on(Button.Pressed, "#transform")
    def action_transform(self) -> None:
        if self.record is None:
            return
        name = self.record.company.name

        def answer(yes: bool | None) -> None:
            if yes:
                version = self.record.versions["company"]
                self.run_db(
                    convert_to_client,
                    signed_in(self.app),
                    self.company_id,
                    version,
                    done=self._converted,
                    failed=self._refused,
                    group="convert",
                )

        self.app.push_screen(
            ConfirmDialog(f"Transformer « {plain(name)} » en client ?", yes="Transformer"), answer
        )

    def _converted(self, client_number: str) -> None:
        self.converted = True
        announce_client(
            self.app,
            self.record.company.name,
            client_number,
            title="Transformer en client",
            company_id=self.company_id,
        )

    def _refused(self, exc: DomainError) -> None:
        self.show_refusal(exc)
