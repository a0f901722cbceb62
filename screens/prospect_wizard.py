"""Nouveau prospect, steps 1-3: Société, point de facturation, administrateur ("Enregistrer et continuer")."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from db import validation as v
from db.documents import (
    ATTACHMENT_LABELS,
    attach_file,
    generate_mandate,
    latest_attachments,
)
from db.errors import ConcurrentEditError, DomainError, FieldError, ValidationErrors
from db.forms import ADMIN_FIELDS, BILLING_FIELDS, COMPANY_FIELDS
from db.models import Document
from db.prospects import load_prospect, save_admin_step, save_billing_step, save_company_step
from screens.file_picker import FilePickerScreen, WriteDocumentDialog
from tui.db_worker import DbWorkerMixin
from tui.form_screen import UnsavedEditsMixin
from tui.widgets.dialogs import ConfirmDialog
from tui.widgets.form import FormField, FormSection, fill_form, read_form, show_errors
from tui.widgets.step_indicator import StepIndicator

STEP_TITLES = {
    1: "CRÉATION DE LA SOCIÉTÉ",
    2: "CRÉATION DU POINT DE FACTURATION",
    3: "CRÉATION DE L'ADMINISTRATEUR",
}
_BILLING_ADDRESS_FROM = BILLING_FIELDS.index(next(f for f in BILLING_FIELDS if f.name == "number"))


def step_sections(step: int) -> list[FormSection]:
    if step == 1:
        return [
            FormSection("INFORMATIONS SOCIÉTÉ", COMPANY_FIELDS[:3], id="section-company"),
            FormSection("INFORMATIONS SITE", COMPANY_FIELDS[3:], id="section-site"),
        ]
    if step == 2:
        return [
            FormSection(
                "INFORMATION DE FACTURATION",
                BILLING_FIELDS[:_BILLING_ADDRESS_FROM],
                id="section-billing",
            ),
            FormSection(
                "ADRESSE DE FACTURATION",
                BILLING_FIELDS[_BILLING_ADDRESS_FROM:],
                id="section-billing-address",
            ),
        ]
    return [FormSection("ADMINISTRATEUR", ADMIN_FIELDS, id="section-admin")]


def document_rows() -> list[Horizontal]:
    """Step 2's "Mandat Sépa (PDF, 20Mo max)" (with Générer le mandat) and "RIB (PDF, 20Mo max)"."""
    rows = []
    for kind in (Document.KIND_MANDATE_SIGNED, Document.KIND_RIB):
        widgets = [
            Label(ATTACHMENT_LABELS[kind], classes="caption"),
            Static("…", id=f"doc-{kind}", classes="doc-file"),
            Button("Joindre…", id=f"attach-{kind}", compact=True, classes="link"),
        ]
        if kind == Document.KIND_MANDATE_SIGNED:
            widgets.append(Button("Générer le mandat", id="generate", compact=True, classes="link"))
        rows.append(Horizontal(*widgets, id=f"row-{kind}", classes="doc-row"))
    return rows


def open_prospect_at(app, company_id: int, step: int | None = None) -> None:
    """Open a prospect where it stands: the given step, or the first unfinished one (4 = details)."""
    from db.database import database_proxy

    with database_proxy.connection_context():
        record = load_prospect(app.scope, company_id)
    step = step or record.next_step
    if step >= 4:
        from screens.prospect_details import ProspectDetailsScreen

        app.push_screen(ProspectDetailsScreen(company_id))
    else:
        app.push_screen(ProspectWizardScreen(company_id, step))


class ProspectWizardScreen(UnsavedEditsMixin, DbWorkerMixin, Screen):
    BINDINGS = [
        Binding("ctrl+s", "save", "Enregistrer et continuer", id="wizard.save", priority=True),
        # Step 2 only (check_action); listed before Retour so they are not cut off at 100 columns.
        Binding("ctrl+g", "generate_mandate", "Générer le mandat", id="wizard.generate_mandate"),
        Binding("ctrl+o", "attach('mandat_signe')", "Joindre mandat", id="wizard.attach_mandate"),
        Binding("ctrl+b", "attach('rib')", "Joindre RIB", id="wizard.attach_rib"),
        Binding("escape", "leave", "Retour", id="wizard.back"),
        Binding("ctrl+r", "reload", "Recharger", id="wizard.reload"),
    ]
    _STEP2_ACTIONS = ("generate_mandate", "attach")

    def __init__(self, company_id: int | None, step: int = 1):
        super().__init__()
        self.company_id = company_id
        self.step = step
        self.record = None
        self.loaded_values: dict = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="wizard-head"):
            yield Static("[b]Nouveau prospect[/b]", id="wizard-title")
            yield StepIndicator(current=self.step, id="steps")
        yield Static(STEP_TITLES[self.step], id="step-title", classes="step-title")
        yield Static("", id="banner", classes="banner")
        yield VerticalScroll(id="form-area")
        with Horizontal(id="wizard-actions"):
            yield Button("Enregistrer et continuer", id="save", variant="primary", compact=True)
        yield Footer()

    async def on_mount(self) -> None:
        self.sub_title = (
            "Nouveau prospect" if self.company_id is None else f"Prospect {self.company_id}"
        )
        if self.company_id is None:
            await self._show_step(self.step)
        else:
            self.run_db(load_prospect, self.app.scope, self.company_id, done=self._loaded)

    # -- loading and showing a step ---------------------------------------------------------------
    async def _loaded(self, record) -> None:
        self.record = record
        self.sub_title = f"{record.company.name} ({record.company.id})"
        await self._show_step(self.step)

    async def _show_step(self, step: int) -> None:
        self.step = step
        indicator = self.query_one(StepIndicator)
        indicator.current = step
        indicator.done = self.record.company.creation_step if self.record else 0
        self.query_one("#step-title", Static).update(STEP_TITLES[step])
        self._banner("")
        area = self.query_one("#form-area", VerticalScroll)
        # Await the removal so no handler sees the previous step's fields half torn down.
        await area.remove_children()
        await area.mount_all(step_sections(step))
        if step == 1:
            await area.mount(Static("", id="tva"), after=self.query_one("#field-siret"))
        if step == 2:
            section = self.query_one("#section-billing")
            await section.mount_all(document_rows(), after=self.query_one("#field-rum"))
            self._load_attachments()
        self.refresh_bindings()
        # Step 2 has three more keys: the palette (still Ctrl+P) gives up its footer space to them.
        self.query_one(Footer).show_command_palette = step != 2
        self.call_after_refresh(self._fill)

    def _fill(self) -> None:
        fill_form(self, self._initial_values())
        self._toggle_other_days()
        self._update_tva()
        self.loaded_values = read_form(self)
        first = self.query(FormField).first()
        first.control.focus()

    def _initial_values(self) -> dict:
        record = self.record
        if self.step == 1:
            return record.company_values() if record else {"site_country": "France"}
        if self.step == 2:
            if record.billing:
                return record.billing_values()
            site = record.company_values()
            return {
                "holder": record.company.name,
                "payment_mode": "Prélèvement",
                "payment_terms": "À réception",
                "vat_regime": "Assujetti",
                "paper_invoice": False,
                "number": site["site_number"],
                "street": site["site_street"],
                "postcode": site["site_postcode"],
                "city": site["site_city"],
                "country": site["site_country"] or "France",
            }
        if record.admin:
            return record.admin_values()
        return {"civility": "Monsieur"}

    # -- live helpers ------------------------------------------------------------------------------
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
        values = read_form(self)
        versions = self.record.versions if self.record else None
        scope = self.app.scope
        self._banner("Enregistrement…")
        if self.step == 1:
            self.run_db(
                save_company_step,
                scope,
                self.company_id,
                values,
                versions,
                done=self._saved,
                failed=self._refused,
                group="save",
            )
        elif self.step == 2:
            self.run_db(
                save_billing_step,
                scope,
                self.company_id,
                values,
                versions,
                done=self._saved,
                failed=self._refused,
                group="save",
            )
        else:
            self.run_db(
                save_admin_step,
                scope,
                self.company_id,
                values,
                versions,
                done=self._saved,
                failed=self._refused,
                group="save",
            )

    def _saved(self, result) -> None:
        if self.company_id is None:
            self.company_id = result
        self.notify(f"Étape {self.step} enregistrée.", timeout=3)
        next_step = self.step + 1
        if next_step >= 4:
            from screens.prospect_details import ProspectDetailsScreen

            self.app.switch_screen(ProspectDetailsScreen(self.company_id))
            return
        self.step = next_step
        self.run_db(load_prospect, self.app.scope, self.company_id, done=self._loaded)

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

    # -- documents (step 2) ------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in self._STEP2_ACTIONS:
            return self.step == 2 and self.company_id is not None
        return True

    def _load_attachments(self) -> None:
        self.run_db(
            latest_attachments,
            self.app.scope,
            self.company_id,
            done=self._show_attachments,
            group="attachments",
        )

    def _show_attachments(self, latest: dict) -> None:
        for kind in (Document.KIND_MANDATE_SIGNED, Document.KIND_RIB):
            found = self.query(f"#doc-{kind}")
            if not found:
                return  # the step changed meanwhile
            row = latest.get(kind)
            found.first().update(
                f"{row.filename} [dim]({row.size_label}, {row.date_label})[/dim]"
                if row
                else "[dim]aucun fichier[/dim]"
            )

    @on(Button.Pressed, "#generate")
    def action_generate_mandate(self) -> None:
        if self.step != 2 or self.record is None:
            return
        if self.record.billing is None or self.dirty:
            self._banner("Enregistrez d'abord le point de facturation.", error=True)
            return
        self._banner("Génération du mandat…")
        self.run_db(
            generate_mandate,
            self.app.scope,
            self.company_id,
            done=self._generated,
            failed=self._document_refused,
            group="document",
        )

    def _generated(self, document) -> None:
        self._banner("")
        self.notify(f"Mandat généré : {document.filename}", timeout=5)
        # The RUM may have just been assigned: show it, and take the billing point's new version.
        self.run_db(load_prospect, self.app.scope, self.company_id, done=self._refresh_rum)
        self.app.push_screen(
            WriteDocumentDialog(
                document.id,
                Path(self.app.settings.inbox).expanduser() / document.filename,
                title=f"Mandat généré : {document.filename}",
            )
        )

    def _refresh_rum(self, record) -> None:
        if self.step != 2 or self.dirty:
            return
        self.record = record
        rum = self.query("#field-rum")
        if rum and record.billing is not None:
            rum.first().value = record.billing.rum or ""
        self.loaded_values = read_form(self)

    @on(Button.Pressed, "#attach-mandat_signe")
    def _attach_mandate(self) -> None:
        self.action_attach(Document.KIND_MANDATE_SIGNED)

    @on(Button.Pressed, "#attach-rib")
    def _attach_rib(self) -> None:
        self.action_attach(Document.KIND_RIB)

    def action_attach(self, kind: str) -> None:
        if self.step != 2 or self.company_id is None:
            return
        inbox = Path(self.app.settings.inbox).expanduser()

        def picked(path: Path | None) -> None:
            if path is None:
                return
            self._banner("Enregistrement du fichier…")
            self.run_db(
                attach_file,
                self.app.scope,
                self.company_id,
                kind,
                path,
                inbox,
                done=self._attached,
                failed=self._document_refused,
                group="document",
            )

        self.app.push_screen(FilePickerScreen(inbox, title=ATTACHMENT_LABELS[kind]), picked)

    def _attached(self, document) -> None:
        self._banner("")
        self.notify(f"{Document.LABELS[document.kind]} joint : {document.filename}", timeout=5)
        self._load_attachments()

    def _document_refused(self, exc: DomainError) -> None:
        self._banner(exc.message, error=True)
        self.notify(exc.message, severity="error", timeout=8)

    # -- leaving ----------------------------------------------------------------------------------

    def action_reload(self) -> None:
        if self.company_id is None:
            return

        def answer(discard: bool | None) -> None:
            if discard or discard is None:
                self.run_db(load_prospect, self.app.scope, self.company_id, done=self._loaded)

        if self.dirty:
            self.app.push_screen(
                ConfirmDialog(
                    "Recharger la fiche et abandonner vos saisies ?", yes="Recharger", no="Annuler"
                ),
                answer,
            )
        else:
            answer(True)
