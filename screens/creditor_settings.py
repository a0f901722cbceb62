"""Paramètres créancier SEPA (operator staff): the name, ICS and address printed on the mandates
of their own operator's resellers (each operator has its own; db.documents.creditor)."""

from __future__ import annotations

from dataclasses import replace
from typing import cast

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Static

from db.core import DomainError, Field, FieldError, ValidationErrors
from db.documents import (
    CREDITOR_ADDRESS_MAX_LINES,
    CREDITOR_FIELDS,
    CreditorSettings,
    get_creditor_settings,
    set_creditor_settings,
    validate_ics,
)
from tui.toolkit.db_worker import DbWorkerMixin
from tui.toolkit.dialogs.confirm import ConfirmDialog
from tui.toolkit.form_screen import UnsavedEditsMixin
from tui.toolkit.host import signed_in
from tui.toolkit.styles import style_sheet
from tui.toolkit.widgets.footer import AppFooter
from tui.toolkit.widgets.form import FormField, FormSection, fill_form, read_form, show_errors
from tui.toolkit.widgets.header import AppHeader

_BY_NAME = {f.name: f for f in CREDITOR_FIELDS}
# The address is several printed lines: one input per line reads better than a text area.
ADDRESS_LINES = tuple(
    Field(
        f"address_{n}",
        f"{_BY_NAME['address'].label} ({n})",
        required=n == 1,
    )
    for n in range(1, CREDITOR_ADDRESS_MAX_LINES + 1)
)
FORM_FIELDS = (
    _BY_NAME["name"],
    # Short caption: the full label wraps in the form's 28-column caption.
    replace(_BY_NAME["ics"], label="ICS (identifiant SEPA)"),
    *ADDRESS_LINES,
    _BY_NAME["signature_place"],
    _BY_NAME["rum_prefix"],
)


def to_form(settings: CreditorSettings) -> dict:
    lines = settings.address.splitlines()
    # More lines than inputs (set from the command line): the extra ones join the last input.
    last = CREDITOR_ADDRESS_MAX_LINES - 1
    lines = lines[:last] + ([", ".join(lines[last:])] if lines[last:] else [])
    values = {
        "name": settings.name,
        "ics": settings.ics,
        "signature_place": settings.signature_place,
        "rum_prefix": settings.rum_prefix,
    }
    for n, field in enumerate(ADDRESS_LINES):
        values[field.name] = lines[n] if n < len(lines) else ""
    return values


def from_form(values: dict) -> CreditorSettings:
    address = "\n".join(values.get(f.name, "").strip() for f in ADDRESS_LINES)
    return CreditorSettings(
        name=values.get("name", ""),
        ics=values.get("ics", ""),
        address=address,
        signature_place=values.get("signature_place", ""),
        rum_prefix=values.get("rum_prefix", ""),
    )


class CreditorSettingsScreen(UnsavedEditsMixin, DbWorkerMixin, Screen):
    CSS_PATH = style_sheet("documents")
    BINDINGS = [
        Binding("ctrl+s", "save", "Enregistrer", id="creditor.save", priority=True),
        Binding("escape", "leave", "Retour", id="creditor.back"),
        Binding("ctrl+r", "reload", "Recharger", id="creditor.reload"),
    ]

    def __init__(self):
        super().__init__()
        self.loaded_values: dict = {}
        self.loaded: CreditorSettings | None = None

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(
            "[b]Paramètres créancier SEPA[/b]  ·  imprimés sur les mandats de votre opérateur",
            classes="screen-title",
        )
        yield Static("", id="banner", classes="banner")
        with VerticalScroll(id="creditor-form"):
            yield FormSection("CRÉANCIER", FORM_FIELDS, id="section-creditor")
        with Horizontal(id="creditor-actions"):
            yield Button("Enregistrer", id="save", variant="primary", compact=True)
        yield AppFooter()

    async def on_mount(self) -> None:
        self.sub_title = "Paramètres créancier SEPA"
        await self.query_one("#section-creditor").mount(
            Static("", id="ics-check"), after=self.query_one("#field-ics")
        )
        self.action_reload(confirm=False)

    def _loaded(self, settings: CreditorSettings) -> None:
        self.loaded = settings
        fill_form(self, to_form(settings))
        show_errors(self, {})
        self.loaded_values = read_form(self)
        self._check_ics()
        self.query_one("#input-name", Input).focus()

    @on(Input.Changed, "#input-ics")
    def _check_ics(self, event=None) -> None:
        check = self.query("#ics-check")
        if not check:
            return
        if event is not None:
            # Typing replaces the message shown at the last save with the live check below.
            self.query_one("#field-ics", FormField).set_error(None)
        value = self.query_one("#input-ics", Input).value
        if not value.strip():
            text, error = "", False
        else:
            try:
                text, error = f"✓ ICS valide : {validate_ics(value)}", False
            except FieldError as exc:
                text, error = exc.message, True
        cast(Static, check.first()).update(text)
        check.first().set_class(error, "-error")

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self._banner("Enregistrement…")
        self.run_db(
            set_creditor_settings,
            signed_in(self.app),
            from_form(read_form(self)),
            expected=self.loaded,  # refused if another operator saved meanwhile
            done=self._saved,
            failed=self._refused,
            group="save",
        )

    def _saved(self, settings: CreditorSettings) -> None:
        self.loaded = settings
        self._banner("")
        show_errors(self, {})
        fill_form(self, to_form(settings))
        self.loaded_values = read_form(self)
        self.notify("Paramètres créancier SEPA enregistrés.", timeout=3)

    CONCURRENT_HINT = "  Ctrl+R : recharger."

    def _refused(self, exc: DomainError) -> None:
        errors = dict(exc.errors) if isinstance(exc, ValidationErrors) else {}
        if "address" in errors:  # one message for the address, at its first line
            errors[ADDRESS_LINES[0].name] = errors.pop("address")
        if "ics" in errors:
            self.query_one("#ics-check", Static).update("")
        self.show_refusal(exc, errors if errors else None)

    def action_reload(self, confirm: bool = True) -> None:
        def answer(yes: bool | None) -> None:
            if yes:
                self.run_db(
                    get_creditor_settings, signed_in(self.app).operator_id, done=self._loaded
                )

        if confirm and self.dirty:
            self.app.push_screen(
                ConfirmDialog(
                    "Recharger et abandonner vos saisies ?", yes="Recharger", no="Annuler"
                ),
                answer,
            )
        else:
            answer(True)
