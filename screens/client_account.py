"""Création du compte client (from a quote at step 4): the guide's three sections, then Enregistrer.

Enregistrer runs db.quotes.create_client_account: the sections are saved and the prospect is
converted by the same service as "Transformer en client", in one transaction.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from db import validation as v
from db.documents import ATTACHMENT_LABELS, attach_file, latest_attachments
from db.errors import DomainError, FieldError, ValidationErrors
from db.forms import FIELDS_BY_NAME
from db.models import Document
from db.quotes import client_account_prefill, create_client_account, get_quote
from screens.file_picker import FilePickerScreen
from tui.db_worker import DbWorkerMixin
from tui.form_screen import UnsavedEditsMixin
from tui.widgets.dialogs import MessageDialog
from tui.widgets.form import FormField, FormSection, fill_form, read_form, show_errors


def _guide(part: str, name: str, label: str, required: bool):
    """The workflow-A field with this form's own label (the guide words them differently)."""
    return replace(FIELDS_BY_NAME[part][name], label=label, required=required)


BILLING_FIELDS = (
    _guide("billing", "holder", "Titulaire du compte", True),
    _guide("billing", "email", "Email facturation", True),
    _guide("billing", "payment_mode", "Mode de paiement", False),
    _guide("billing", "payment_terms", "Délais de paiement", False),
    _guide("billing", "payment_terms_days", "Autres", False),
    _guide("billing", "iban", "Iban", True),
    _guide("billing", "bic", "Code Bic", True),
    _guide("billing", "rum", "Code rum", True),
)
IDENT_FIELDS = (
    _guide("company", "siren", "SIREN", False),
    _guide("company", "siret", "SIRET", False),
)
ADMIN_FIELDS = (
    _guide("admin", "civility", "Civilité", True),
    _guide("admin", "last_name", "Nom", True),
    _guide("admin", "first_name", "Prénom", True),
    _guide("admin", "phone", "Téléphone", True),
    _guide("admin", "email", "Email", True),
)

SECTIONS = (("billing", "billing."), ("ident", "ident."), ("admin", "admin."))
KINDS = (Document.KIND_MANDATE_SIGNED, Document.KIND_RIB)


def load_form(scope, quote_id: int):
    """The quote, what is known of its prospect, and the PDFs already attached to it."""
    detail = get_quote(scope, quote_id)
    prefill = client_account_prefill(scope, quote_id)
    return detail, prefill, latest_attachments(scope, detail.company_id)


def _prefixed(prefill: dict) -> dict:
    return {
        f"{prefix}{name}": value
        for part, prefix in SECTIONS
        for name, value in prefill.get(part, {}).items()
    }


class ClientAccountScreen(UnsavedEditsMixin, DbWorkerMixin, Screen):
    BINDINGS = [
        Binding("ctrl+s", "save", "Enregistrer", id="account.save", priority=True),
        Binding("escape", "leave", "Retour", id="account.back"),
        Binding("ctrl+o", "attach('mandat_signe')", "Joindre mandat", id="account.attach_mandate"),
        Binding("ctrl+b", "attach('rib')", "Joindre RIB", id="account.attach_rib"),
    ]

    def __init__(self, quote_id: int):
        super().__init__()
        self.quote_id = quote_id
        self.detail = None
        self.versions: dict = {}
        self.loaded_values: dict = {}
        self.saving = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="account-head"):
            yield Static("[b]Création du compte client[/b]", id="wizard-title")
            yield Static("", id="account-quote")
        yield Static("", id="banner", classes="banner")
        with VerticalScroll(id="form-area"):
            yield FormSection(
                "Création du point de facturation",
                BILLING_FIELDS,
                prefix="billing.",
                id="section-billing",
            )
            yield FormSection(
                "Identification du client", IDENT_FIELDS, prefix="ident.", id="section-ident"
            )
            yield FormSection(
                "Création de l'administrateur", ADMIN_FIELDS, prefix="admin.", id="section-admin"
            )
        with Horizontal(id="wizard-actions"):
            yield Button("Enregistrer", id="save", variant="primary", compact=True)
        yield Footer()

    async def on_mount(self) -> None:
        self.sub_title = "Création du compte client"
        rows = [
            Horizontal(
                Label(ATTACHMENT_LABELS[kind], classes="caption"),
                Static("…", id=f"doc-{kind}", classes="doc-file"),
                Button("Joindre…", id=f"attach-{kind}", compact=True, classes="link"),
                id=f"row-{kind}",
                classes="doc-row",
            )
            for kind in KINDS
        ]
        await self.query_one("#section-billing").mount_all(rows)
        rum = self.query_one("#input-billing-rum", Input)
        rum.placeholder = "généré à l'enregistrement si laissé vide"
        self._banner("Chargement…")
        self.run_db(
            load_form, self.app.scope, self.quote_id, done=self._loaded, failed=self._load_refused
        )

    def _loaded(self, result) -> None:
        detail, prefill, attachments = result
        self.detail = detail
        self.versions = prefill["versions"]
        self.sub_title = f"{detail.reference} · {detail.company_name}"
        self.query_one("#account-quote", Static).update(
            f"Devis {detail.reference} · {detail.company_name} ({detail.company_id})"
        )
        fill_form(self, _prefixed(prefill))
        self._toggle_other_days()
        self._show_attachments(attachments)
        self._banner("")
        self.call_after_refresh(self._ready)

    def _ready(self) -> None:
        self.loaded_values = read_form(self)
        first_empty = next(
            (
                f
                for f in self.query(FormField)
                if not f.control.disabled and not str(f.value).strip()
            ),
            None,
        )
        (first_empty or self.query(FormField).first()).control.focus()

    def _load_refused(self, exc: DomainError) -> None:
        self._banner(exc.message, error=True)

    # -- live helpers -----------------------------------------------------------------------------
    @on(Select.Changed, "#input-billing-payment_terms")
    def _toggle_other_days(self, event=None) -> None:
        terms = self.query_one("#field-billing-payment_terms", FormField).value
        self.query_one("#field-billing-payment_terms_days", FormField).control.disabled = (
            terms != "Autres"
        )

    @on(Input.Changed, "#input-billing-iban")
    def _suggest_bic(self, event: Input.Changed) -> None:
        bic = self.query_one("#field-billing-bic", FormField)
        if bic.value.strip():
            return
        try:
            known = v.bic_from_iban(v.validate_iban(event.value))
        except FieldError:
            return
        if known:
            bic.value = known

    # -- PDF attachments (reusing the documents' file picker) ----------------------------------
    def _show_attachments(self, latest: dict) -> None:
        for kind in KINDS:
            row = latest.get(kind)
            self.query_one(f"#doc-{kind}", Static).update(
                f"{row.filename} [dim]({row.size_label}, {row.date_label})[/dim]"
                if row
                else "[dim]aucun fichier[/dim]"
            )

    @on(Button.Pressed, "#attach-mandat_signe")
    def _attach_mandate(self) -> None:
        self.action_attach(Document.KIND_MANDATE_SIGNED)

    @on(Button.Pressed, "#attach-rib")
    def _attach_rib(self) -> None:
        self.action_attach(Document.KIND_RIB)

    def action_attach(self, kind: str) -> None:
        if self.detail is None:
            return
        inbox = Path(self.app.settings.inbox).expanduser()
        company_id = self.detail.company_id

        def picked(path: Path | None) -> None:
            if path is None:
                return
            self._banner("Enregistrement du fichier…")
            self.run_db(
                attach_file,
                self.app.scope,
                company_id,
                kind,
                path,
                inbox,
                done=self._attached,
                failed=lambda exc: self._banner(exc.message, error=True),
                group="document",
            )

        self.app.push_screen(FilePickerScreen(inbox, title=ATTACHMENT_LABELS[kind]), picked)

    def _attached(self, document) -> None:
        self._banner("")
        self.notify(f"{Document.LABELS[document.kind]} joint : {document.filename}", timeout=5)
        self.run_db(
            latest_attachments,
            self.app.scope,
            self.detail.company_id,
            done=self._show_attachments,
            group="attachments",
        )

    # -- Enregistrer ------------------------------------------------------------------------------
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        if self.detail is None or self.saving:
            return
        parts: dict[str, dict] = {part: {} for part, _ in SECTIONS}
        for key, value in read_form(self).items():
            part, _, name = key.partition(".")
            parts[part][name] = value
        self.saving = True
        self._banner("Enregistrement…")
        self.run_db(
            create_client_account,
            self.app.scope,
            self.quote_id,
            parts["billing"],
            parts["ident"],
            parts["admin"],
            self.versions,
            done=self._saved,
            failed=self._refused,
            group="save",
        )

    def _saved(self, client_number: str) -> None:
        self.saving = False
        self.loaded_values = read_form(self)
        self._banner("")
        name = self.detail.company_name

        def back(_=None) -> None:
            self.app.pop_screen()

        self.app.push_screen(
            MessageDialog(
                f"« {name} » est maintenant client.\nN° client : [b]{client_number}[/b]",
                title="Création du compte client",
            ),
            back,
        )

    def _refused(self, exc: DomainError) -> None:
        self.saving = False
        if isinstance(exc, ValidationErrors):
            first = show_errors(self, exc.errors)
            self._banner(
                f"{len(exc.errors)} champ(s) à corriger : rien n'a été enregistré.", error=True
            )
            if first is not None:
                first.control.focus()
                first.scroll_visible()
            return
        # ConversionRefused, ConcurrentEditError, NotFound: said once, above the form, which
        # keeps everything typed so the user can act on the message and save again.
        show_errors(self, {})
        self._banner(exc.message, error=True)

    # -- leaving ----------------------------------------------------------------------------------
