"""Nouveau prospect, steps 1-3: Société, point de facturation, administrateur ("Enregistrer et continuer")."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Static

from db.companies import load_prospect, save_admin_step, save_billing_step, save_company_step
from db.core import DocumentKind, DomainError, visible
from db.documents import generate_mandate
from screens.attachments import AttachmentsMixin, attachment_row
from screens.company_sections import step_sections
from screens.help import key_name
from tui.toolkit.db_worker import DbWorkerMixin, still_shown
from tui.toolkit.dialogs.confirm import ConfirmDialog
from tui.toolkit.dialogs.file_picker import WriteDocumentDialog
from tui.toolkit.form_screen import LiveFieldsMixin, UnsavedEditsMixin
from tui.toolkit.host import host, signed_in
from tui.toolkit.styles import style_sheet
from tui.toolkit.widgets.card import plain
from tui.toolkit.widgets.footer import AppFooter
from tui.toolkit.widgets.form import FormField, fill_form, read_form
from tui.toolkit.widgets.header import AppHeader
from tui.toolkit.widgets.step_indicator import StepIndicator

STEP_TITLES = {
    1: "CRÉATION DE LA SOCIÉTÉ",
    2: "CRÉATION DU POINT DE FACTURATION",
    3: "CRÉATION DE L'ADMINISTRATEUR",
}
STEP_SAVERS = {1: save_company_step, 2: save_billing_step, 3: save_admin_step}


def document_rows() -> list[Horizontal]:
    """Step 2's "Mandat Sépa (PDF, 20Mo max)" (with Générer le mandat) and "RIB (PDF, 20Mo max)"."""
    generate = Button("Générer le mandat", id="generate", compact=True, classes="link")
    return [
        attachment_row(DocumentKind.MANDATE_SIGNED, generate),
        attachment_row(DocumentKind.RIB),
    ]


class ProspectWizardScreen(
    LiveFieldsMixin, AttachmentsMixin, UnsavedEditsMixin, DbWorkerMixin, Screen
):
    CSS_PATH = style_sheet("documents")
    BINDINGS = [
        Binding("ctrl+s", "save", "Enregistrer et continuer", id="wizard.save", priority=True),
        # Step 2 only (check_action); listed before Retour so they are not cut off at 100 columns.
        Binding("ctrl+g", "generate_mandate", "Générer le mandat", id="wizard.generate_mandate"),
        Binding("ctrl+o", "attach('mandat_signe')", "Joindre mandat", id="wizard.attach_mandate"),
        Binding("ctrl+b", "attach('rib')", "Joindre RIB", id="wizard.attach_rib"),
        Binding("escape", "leave", "Retour", id="wizard.back"),
        Binding("ctrl+r", "reload", "Recharger", id="wizard.reload"),
        # F6-F9: function keys reach the app over SSH from every terminal (Alt+digit arrives as
        # "¡", "™"... in Textual, Ctrl+digit not at all). Active for the saved steps only
        # (check_action), so F1 lists those; the step indicator says the keys (the footer keeps
        # its room for the step's own keys).
        Binding("f6", "goto_step(1)", "Étape 1", id="wizard.step_1", show=False),
        Binding("f7", "goto_step(2)", "Étape 2", id="wizard.step_2", show=False),
        Binding("f8", "goto_step(3)", "Étape 3", id="wizard.step_3", show=False),
        Binding("f9", "goto_step(4)", "Détail", id="wizard.step_4", show=False),
    ]
    _STEP2_ACTIONS = ("generate_mandate", "attach")
    RELOADS = True
    parent_place = "prospects"  # Escape goes up the menu tree (tui/places.py)

    def __init__(self, company_id: int | None, step: int = 1):
        super().__init__()
        self.company_id = company_id
        self.step = step
        self.record = None
        self.loaded_values: dict = {}
        self._step_generation = 0  # which _show_step call is the latest
        self._generate_after_save = False  # Ctrl+G on an unsaved step 2: "Enregistrer puis générer"

    def compose(self) -> ComposeResult:
        yield AppHeader()
        with Horizontal(id="wizard-head"):
            yield Static("[b]Nouveau prospect[/b]", id="wizard-title")
            yield StepIndicator(current=self.step, id="steps")
        yield Static(STEP_TITLES[self.step], id="step-title", classes="step-title")
        yield Static("", id="banner", classes="banner")
        yield VerticalScroll(id="form-area")
        with Horizontal(id="wizard-actions"):
            yield Button("Enregistrer et continuer", id="save", variant="primary", compact=True)
        yield AppFooter()

    async def on_mount(self) -> None:
        self.sub_title = (
            "Nouveau prospect" if self.company_id is None else f"Prospect {self.company_id}"
        )
        if self.company_id is None:
            await self._show_step(self.step)
        else:
            self._load()

    # -- loading and showing a step ---------------------------------------------------------------
    def _load(self) -> None:
        self.run_db(load_prospect, signed_in(self.app), self.company_id, done=self._loaded)

    async def _loaded(self, record) -> None:
        self.record = record
        self.sub_title = visible(f"{record.company.name} ({record.company.id})")
        await self._show_step(self.step)

    def _superseded(self, generation: int) -> bool:
        """A newer step was asked for (a reload, a save) or the screen was closed meanwhile."""
        return generation != self._step_generation or not still_shown(self)

    async def _show_step(self, step: int) -> None:
        # Mounting a step awaits; a second call (Ctrl+R while loading) or Escape can come in
        # between: the older call then stops instead of filling fields that are gone.
        self._step_generation += 1
        generation = self._step_generation
        self.step = step
        indicator = self.query_one(StepIndicator)
        indicator.current = step
        indicator.done = self.record.company.creation_step if self.record else 0
        indicator.hint = self._step_keys_hint() if indicator.done else ""
        self.query_one("#step-title", Static).update(STEP_TITLES[step])
        self._banner("")
        area = self.query_one("#form-area", VerticalScroll)
        # Await the removal so no handler sees the previous step's fields half torn down.
        await area.remove_children()
        if self._superseded(generation):
            return
        await area.mount_all(step_sections(step))
        if self._superseded(generation):
            return
        if step == 1:
            await self._mount_tva()
        if step == 2:
            section = self.query_one("#section-billing")
            await section.mount_all(document_rows(), after=self.query_one("#field-rum"))
        if self._superseded(generation):
            return
        if step == 2:
            self._load_attachments()
        self.refresh_bindings()
        self.call_after_refresh(self._fill)

    def _fill(self) -> None:
        if not still_shown(self):
            return  # left (Escape) before it was drawn
        fill_form(self, self._initial_values())
        self._refresh_live_fields()
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

    # -- saving -----------------------------------------------------------------------------------
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self._save()

    def _save(self, then_generate: bool = False) -> None:
        self._generate_after_save = then_generate
        versions = self.record.versions if self.record else None
        self._banner("Enregistrement…")
        self.run_db(
            STEP_SAVERS[self.step],
            signed_in(self.app),
            self.company_id,
            read_form(self),
            versions,
            done=self._saved,
            failed=self._save_refused,
            group="save",
        )

    def _save_refused(self, exc: DomainError) -> None:
        self._generate_after_save = False  # nothing generated from a refused save
        super()._save_refused(exc)

    def _saved(self, result) -> None:
        if self.company_id is None:
            self.company_id = result
        self.notify(f"Étape {self.step} enregistrée.", timeout=3)
        if self._generate_after_save:
            self._generate_after_save = False  # stay on step 2, then generate
            self.run_db(
                load_prospect, signed_in(self.app), self.company_id, done=self._saved_then_generate
            )
            return
        next_step = self.step + 1
        if next_step >= 4:
            host(self.app).open_screen("prospect_details", self.company_id, replace=True)
            return
        self.step = next_step
        self._load()

    async def _saved_then_generate(self, record) -> None:
        await self._loaded(record)
        self._start_generate()

    # -- going to a saved step (F6-F9) ----------------------------------------------------------
    def step_reachable(self, step: int) -> bool:
        """A saved step (or the first unfinished one), other than the one shown."""
        if self.record is None or step == self.step:
            return False
        # creation_step counts the saved steps: the next one is open, the detail (4) once all three
        # are saved.
        return step <= self.record.company.creation_step + 1

    def _step_keys_hint(self) -> str:
        """'F6…F9 : étapes 1 à 4', or the keys config.toml gave them."""
        keymap = host(self.app).settings.keymap
        keys = [
            key_name(keymap.get(f"wizard.step_{n}", f"f{5 + n}").split(",")[0])
            for n in (1, 2, 3, 4)
        ]
        if keys == ["F6", "F7", "F8", "F9"]:
            return "F6…F9 : étapes 1 à 4"
        return " ".join(keys) + " : étapes 1 à 4"

    def action_goto_step(self, step: int) -> None:
        if not self.step_reachable(step):
            return
        self._unless_kept(
            lambda: self._go_to(step),
            "Des modifications ne sont pas enregistrées.\nLes abandonner ?",
            yes="Abandonner",
            no="Rester",
        )

    def _go_to(self, step: int) -> None:
        if step >= 4:
            host(self.app).open_screen("prospect_details", self.company_id, replace=True)
            return
        self.step = step
        self._load()

    # -- documents (step 2) ------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action in self._STEP2_ACTIONS:
            return self.step == 2 and self.company_id is not None
        if action == "goto_step":
            return self.step_reachable(parameters[0])
        return True

    def _attachments_company(self) -> int | None:
        return self.company_id if self.step == 2 else None

    @on(Button.Pressed, "#generate")
    def action_generate_mandate(self) -> None:
        if self.step != 2 or self.record is None:
            return
        if self.record.billing is None or self.dirty:

            def answer(save: bool | None) -> None:
                if save:
                    self._save(then_generate=True)

            self.app.push_screen(
                ConfirmDialog(
                    "Le point de facturation n'est pas enregistré.\nEnregistrer puis générer ?",
                    yes="Enregistrer et générer",
                    no="Annuler",
                ),
                answer,
            )
            return
        self._start_generate()

    def _start_generate(self) -> None:
        self._banner("Génération du mandat…")
        self.run_db(
            generate_mandate,
            signed_in(self.app),
            self.company_id,
            done=self._generated,
            failed=self._document_refused,
            group="document",
        )

    def _generated(self, document) -> None:
        self._banner("")
        self.notify(f"Mandat généré : {plain(document.filename)}", timeout=5)
        # The RUM may have just been assigned: show it, and take the billing point's new version.
        self.run_db(load_prospect, signed_in(self.app), self.company_id, done=self._refresh_rum)
        self.app.push_screen(
            WriteDocumentDialog(
                self.app,
                document.id,
                document.filename,
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

    def _document_refused(self, exc: DomainError) -> None:
        super()._document_refused(exc)
        self.notify(exc.message, severity="error", timeout=8)

    # -- leaving ----------------------------------------------------------------------------------
    def action_reload(self) -> None:
        if self.company_id is not None:
            self._reload_unless_kept(self._load)
