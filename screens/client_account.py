"""Création du compte client (from a quote at step 4): the guide's three sections, then Enregistrer.

Enregistrer runs db.quotes.client_account.create_client_account: the sections are saved and the
prospect is converted by the same service as "Transformer en client", in one transaction.
"""

from __future__ import annotations

from dataclasses import replace

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Select, Static

from db.core import FIELDS_BY_NAME, DomainError, Field, visible
from db.documents import ATTACHABLE_KINDS, latest_attachments
from db.quotes import client_account_prefill, create_client_account, get_quote
from screens.attachments import AttachmentsMixin, attachment_row
from screens.navigation import announce_client
from tui.toolkit.db_worker import DbWorkerMixin, still_shown
from tui.toolkit.form_screen import LiveFieldsMixin, UnsavedEditsMixin
from tui.toolkit.host import signed_in
from tui.toolkit.styles import style_sheet
from tui.toolkit.widgets.card import plain
from tui.toolkit.widgets.footer import AppFooter
from tui.toolkit.widgets.form import FormField, FormSection, fill_form, read_form
from tui.toolkit.widgets.header import AppHeader


def _guide(part: str, *fields: tuple[str, str, bool]) -> tuple[Field, ...]:
    """Workflow A's fields of `part`, as (name, label, required): the guide words them differently."""
    return tuple(
        replace(FIELDS_BY_NAME[part][name], label=label, required=required)
        for name, label, required in fields
    )


BILLING_FIELDS = _guide(
    "billing",
    ("holder", "Titulaire du compte", True),
    ("email", "Email facturation", True),
    ("payment_mode", "Mode de paiement", False),
    ("payment_terms", "Délais de paiement", False),
    ("payment_terms_days", "Autres", False),
    ("iban", "Iban", False),  # required for Prélèvement: marked * while it is chosen
    ("bic", "Code Bic", False),
    # Generated when left empty (the placeholder says so): not marked required.
    ("rum", "Code rum", False),
)
IDENT_FIELDS = _guide("company", ("siren", "SIREN", False), ("siret", "SIRET", False))
ADMIN_FIELDS = _guide(
    "admin",
    ("civility", "Civilité", True),
    ("last_name", "Nom", True),
    ("first_name", "Prénom", True),
    ("phone", "Téléphone", True),
    ("email", "Email", True),
)

SECTIONS = (("billing", "billing."), ("ident", "ident."), ("admin", "admin."))


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


class ClientAccountScreen(
    LiveFieldsMixin, AttachmentsMixin, UnsavedEditsMixin, DbWorkerMixin, Screen
):
    CSS_PATH = [style_sheet("documents"), style_sheet("quotes")]
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
        yield AppHeader()
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
        yield AppFooter()

    async def on_mount(self) -> None:
        self.sub_title = "Création du compte client"
        rows = [attachment_row(kind) for kind in ATTACHABLE_KINDS]
        await self.query_one("#section-billing").mount_all(rows)
        rum = self.query_one("#input-billing-rum", Input)
        rum.placeholder = "généré si laissé vide"
        self._banner("Chargement…")
        self.run_db(
            load_form,
            signed_in(self.app),
            self.quote_id,
            done=self._loaded,
            failed=self._load_refused,
        )

    def _loaded(self, result) -> None:
        detail, prefill, attachments = result
        self.detail = detail
        self.versions = prefill["versions"]
        self.sub_title = visible(f"{detail.reference} · {detail.company_name}")
        self.query_one("#account-quote", Static).update(
            f"Devis {detail.reference} · {plain(detail.company_name)} ({detail.company_id})"
        )
        fill_form(self, _prefixed(prefill))
        self._toggle_other_days()
        self._refresh_live_fields()
        self._show_attachments(attachments)
        self._banner("")
        self.call_after_refresh(self._ready)

    def _ready(self) -> None:
        if not still_shown(self):
            return  # left (Escape) while it was loading
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
        self.show_refusal(exc)

    # -- live helpers -----------------------------------------------------------------------------
    @on(Select.Changed, "#input-billing-payment_terms")
    def _toggle_other_days(self, event=None) -> None:
        terms = self.query_one("#field-billing-payment_terms", FormField).value
        self.query_one("#field-billing-payment_terms_days", FormField).control.disabled = (
            terms != "Autres"
        )

    # -- PDF attachments (reusing the documents' file picker) ----------------------------------
    def _attachments_company(self) -> int | None:
        return self.detail.company_id if self.detail else None

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
            signed_in(self.app),
            self.quote_id,
            parts["billing"],
            parts["ident"],
            parts["admin"],
            self.versions,
            done=self._saved,
            failed=self._save_refused,
            group="save",
        )

    def _saved(self, client_number: str) -> None:
        self.saving = False
        self.loaded_values = read_form(self)
        self._banner("")
        announce_client(
            self.app,
            self.detail.company_name,
            client_number,
            title="Création du compte client",
            company_id=self.detail.company_id,
        )

    def _save_refused(self, exc: DomainError) -> None:
        self.saving = False
        # ConversionRefused, ConcurrentEditError, NotFound: said once, above the form, which
        # keeps everything typed so the user can act on the message and save again.
        super()._save_refused(exc)
