"""What the form and detail screens share: the banner, live fields, unsaved edits, the record form."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Select, Static

from db import validation as v
from db.errors import ConcurrentEditError, DomainError, FieldError, ValidationErrors
from tui.db_worker import DbWorkerMixin, still_shown
from tui.widgets.dialogs import ConfirmDialog
from tui.widgets.footer import AppFooter
from tui.widgets.form import FormField, FormSection, fill_form, read_form, show_errors

RELOAD_HINT = "  Ctrl+R : recharger (vos saisies seront perdues)."


class BannerMixin:
    """A `#banner` Static under the title: hidden when empty, red for a refusal."""

    def _banner(self, text: str, error: bool = False) -> None:
        banner = self.query_one("#banner", Static)
        banner.update(text)
        banner.set_class(error, "-error")
        banner.display = bool(text)


class UnsavedEditsMixin(BannerMixin):
    """A form that saves. Set `loaded_values = read_form(self)` after filling it: Escape then asks
    before the edits go, and `_save_refused` (a save's `failed=`) keeps what was typed."""

    loaded_values: dict  # set by the screen after it fills its form
    RELOADS = False  # Ctrl+R reloads the record: a concurrent edit's refusal then points to it

    @property
    def dirty(self) -> bool:
        return bool(self.loaded_values) and read_form(self) != self.loaded_values

    def _unless_kept(self, then: Callable[[], object], question: str, yes: str, no: str) -> None:
        """`then()` at once when nothing was typed, else once the user agrees to lose it."""
        if not self.dirty:
            then()
            return

        def answer(discard: bool | None) -> None:
            if discard:
                then()

        self.app.push_screen(ConfirmDialog(question, yes=yes, no=no), answer)

    def action_leave(self) -> None:
        self._unless_kept(
            self.app.pop_screen,
            "Des modifications ne sont pas enregistrées. Les abandonner ?",
            yes="Abandonner",
            no="Rester",
        )

    def _reload_unless_kept(self, reload: Callable[[], object]) -> None:
        self._unless_kept(
            reload, "Recharger la fiche et abandonner vos saisies ?", yes="Recharger", no="Annuler"
        )

    def _save_refused(self, exc: DomainError) -> None:
        """Errors at their fields (the first one focused), anything else said once in the banner."""
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
        hint = RELOAD_HINT if self.RELOADS and isinstance(exc, ConcurrentEditError) else ""
        self._banner(exc.message + hint, error=True)


def suggest_bic(bic: FormField, iban: str) -> None:
    """Fill an empty Code Bic with the BIC of the bank the IBAN names, when it is a known one."""
    if bic.value.strip():
        return
    try:
        known = v.bic_from_iban(v.validate_iban(iban))
    except FieldError:
        return
    if known:
        bic.value = known


# A MessagePump (the base of every screen) so that Textual registers this mixin's @on handlers.
class LiveFieldsMixin(MessagePump):
    """What the société and billing forms (db.forms fields, unprefixed) work out as the user types:
    the days of "Autres" délais, the N° TVA from the SIREN, the Code Bic from the IBAN."""

    async def _mount_tva(self) -> None:
        """The computed N° TVA line, under the SIRET."""
        await self.query_one("#form-area").mount(
            Static("", id="tva"), after=self.query_one("#field-siret")
        )

    def _refresh_live_fields(self) -> None:
        """After the form is filled: what the loaded values show."""
        self._toggle_other_days()
        self._update_tva()

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
        suggest_bic(self.query_one("#field-bic", FormField), event.value)


class RecordFormScreen(LiveFieldsMixin, UnsavedEditsMixin, DbWorkerMixin, Screen):
    """A form over one record: load in a worker, Ctrl+S saves with the version it was loaded at.

    Errors show at their fields and keep what was typed; a concurrent edit is a banner naming
    who changed the record; leaving with unsaved edits asks first. Subclasses give the sections,
    `load(scope) -> (values, versions, subtitle)` and `save(scope, values, versions)`.
    """

    HEADING = ""
    SAVED = "Enregistré."
    SHOW_TVA = False  # the company form shows the computed N° TVA under the SIRET
    RELOADS = True
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
        yield AppFooter()

    async def on_mount(self) -> None:
        if self.SHOW_TVA:
            await self._mount_tva()
        self.run_db(self.load, self.app.scope, done=self._loaded, failed=self._load_failed)

    def _loaded(self, result) -> None:
        values, versions, subtitle = result
        self.versions = dict(versions)
        self.sub_title = subtitle
        fill_form(self, values)
        self.call_after_refresh(self._after_fill)

    def _after_fill(self) -> None:
        if not still_shown(self):
            return  # closed (Escape) while it was loading
        self._refresh_live_fields()
        self.loaded_values = read_form(self)
        show_errors(self, {})
        focused = self.focused
        if focused is None or not any(isinstance(n, FormField) for n in focused.ancestors):
            # Only when the user has not already moved into the form while it was loading.
            self.query(FormField).first().control.focus()

    def _load_failed(self, exc: DomainError) -> None:
        self.app.pop_screen()
        self.app.notify(exc.message, severity="error", timeout=8)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        self._banner("Enregistrement…")
        self.run_db(
            self.save,
            self.app.scope,
            read_form(self),
            dict(self.versions),
            done=self._saved,
            failed=self._save_refused,
            group="save",
        )

    def _saved(self, _result) -> None:
        self.loaded_values = read_form(self)
        self.app.pop_screen()
        self.app.notify(self.SAVED, timeout=3)

    def action_reload(self) -> None:
        self._reload_unless_kept(self._reload)

    def _reload(self) -> None:
        self._banner("")
        self.run_db(self.load, self.app.scope, done=self._loaded)
