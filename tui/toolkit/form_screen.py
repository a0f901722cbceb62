"""What the form and detail screens share: the banner, live fields, unsaved edits, the record form."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Select, Static

from db.core import (
    DIRECT_DEBIT_REQUIRED,
    FIELDS_BY_NAME,
    REQUIRED,
    DomainError,
    FieldError,
    ValidationErrors,
    clean_admin,
    clean_billing,
    clean_company,
    visible,
)
from db.core import validation as v
from tui.toolkit.db_worker import DbWorkerMixin, still_shown
from tui.toolkit.dialogs.confirm import ConfirmDialog
from tui.toolkit.host import HandlersScreenMixin, host
from tui.toolkit.refusal import BannerMixin, summary
from tui.toolkit.widgets.footer import AppFooter
from tui.toolkit.widgets.form import (
    FormField,
    FormSection,
    fill_form,
    form_fields,
    read_form,
    show_errors,
)
from tui.toolkit.widgets.header import AppHeader

RELOAD_HINT = "  Ctrl+R : recharger (vos saisies seront perdues)."
CLEANERS: dict[str, Callable[[dict[str, Any]], tuple[dict[str, Any], dict[str, str]]]] = {
    "company": clean_company,
    "billing": clean_billing,
    "admin": clean_admin,
}


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
            host(self.app).go_up,
            "Des modifications ne sont pas enregistrées.\nLes abandonner ?",
            yes="Abandonner",
            no="Rester",
        )

    def _reload_unless_kept(self, reload: Callable[[], object]) -> None:
        self._unless_kept(
            reload, "Recharger la fiche et abandonner vos saisies ?", yes="Recharger", no="Annuler"
        )

    @property
    def CONCURRENT_HINT(self) -> str:  # type: ignore[override]  # noqa: N802 - BannerMixin's class attribute; read only, per screen here (RELOADS)
        return RELOAD_HINT if self.RELOADS else ""

    def _save_refused(self, exc: DomainError) -> None:
        """Errors at their fields (the first one focused), anything else said once in the banner."""
        self._summary_shown = isinstance(exc, ValidationErrors)
        self.show_refusal(exc)


def _suggested_bic(iban: str) -> str:
    """The BIC of the bank the IBAN names, when it is a valid IBAN of a known bank, else ""."""
    if not iban.strip():
        return ""
    try:
        return v.bic_from_iban(v.validate_iban(iban)) or ""
    except FieldError:
        return ""


def follow_iban(bic: FormField, previous_iban: str, iban: str) -> None:
    """The Code Bic follows the IBAN while the user has not typed one of their own: while it is
    empty or still the BIC the previous IBAN suggested (DE → FR: the German BIC goes)."""
    current = str(bic.value).strip()
    if current and current != _suggested_bic(previous_iban):
        return  # typed by the user: theirs to keep
    suggested = _suggested_bic(iban)
    if suggested != current:
        bic.value = suggested


def _part_of(names) -> str:
    """Which db.core.forms part (company, billing, admin) a group of field names belongs to."""
    return max(FIELDS_BY_NAME, key=lambda part: len(set(names) & FIELDS_BY_NAME[part].keys()))


def form_errors(fields: dict[str, FormField]) -> dict[str, str]:
    """What db.core.forms says of the values the form holds now, keyed like the form's fields.

    Fields are grouped by prefix ('billing.', 'admin.', none) and each group is cleaned by its
    part's rules (cross-field ones too: SIRET and SIREN, BIC and IBAN). A form that words a
    field as required or not (Création du compte client) is checked as it says.
    """
    groups: dict[str, dict[str, FormField]] = {}
    for key, f in fields.items():
        prefix, _, name = key.rpartition(".")
        groups.setdefault(prefix, {})[name] = f
    errors: dict[str, str] = {}
    for group in groups.values():
        part = _part_of(group)
        _, found = CLEANERS[part]({name: f.value for name, f in group.items()})
        for name, f in group.items():
            message = found.get(name)
            empty = not str(f.value).strip()
            rules_field = FIELDS_BY_NAME[part].get(name)
            if empty and f.field.required:
                message = REQUIRED
            elif message == REQUIRED and rules_field is not None and rules_field.required:
                message = None if not f.field.required else message
            if message:
                errors[f.key] = message
    return errors


# A MessagePump (the base of every screen) so that Textual registers this mixin's @on handlers.
class LiveFieldsMixin(HandlersScreenMixin):
    """What a form built from db.core.forms fields works out as the user types: each field checked
    when the cursor leaves it and its message gone as soon as it is right, the days of "Autres"
    délais, the N° TVA from the SIREN, the Code Bic from the IBAN, Iban * / Code Bic * for
    Prélèvement only."""

    if TYPE_CHECKING:  # BannerMixin's, mixed in by the same screens

        def _banner(self, text: str, error: bool = False) -> None: ...

    _summary_shown = False  # the banner holds the "N champ(s) à corriger" of a refused save

    async def _mount_tva(self) -> None:
        """The computed N° TVA line, under the SIRET."""
        await self.query_one("#form-area").mount(
            Static("", id="tva"), after=self.query_one("#field-siret")
        )

    def _refresh_live_fields(self) -> None:
        """After the form is filled: what the loaded values show."""
        self._toggle_other_days()
        self._update_tva()
        self._mark_direct_debit()
        self._ibans = {
            key: str(f.value) for key, f in form_fields(self).items() if _is(key, "iban")
        }

    @on(Select.Changed, "#input-payment_terms")
    def _toggle_other_days(self, event=None) -> None:
        fields = self.query("#field-payment_terms_days")
        if fields:
            terms = self.query_one("#field-payment_terms", FormField).value
            fields.first().display = terms == "Autres"

    @on(Select.Changed)
    def _mark_direct_debit(self, event=None) -> None:
        """Iban * and Code Bic * while the Mode de Paiement is Prélèvement (SEPA needs them)."""
        fields = form_fields(self)
        for key, f in fields.items():
            if not _is(key, "payment_mode"):
                continue
            prefix = key[: -len("payment_mode")]
            direct_debit = f.value == "Prélèvement"
            for name in DIRECT_DEBIT_REQUIRED:
                other = fields.get(prefix + name)
                if other is not None and not other.field.required:
                    other.set_required(direct_debit)

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
        # Laid out as a field's row (a 28-cell caption), so that it fits at 80 columns.
        cast(Static, tva.first()).update(
            f"[dim]{'N° TVA intracommunautaire':<28}[/dim]{text}  [dim](calculé)[/dim]"
        )

    @on(Input.Changed)
    def _follow_iban(self, event: Input.Changed) -> None:
        field = _field_of(event.input)
        if field is None or not _is(field.key, "iban"):
            return
        ibans = getattr(self, "_ibans", None)
        if ibans is None:
            ibans = self._ibans = {}
        previous = ibans.get(field.key, "")
        ibans[field.key] = event.value
        bic = form_fields(self).get(field.key[: -len("iban")] + "bic")
        if bic is not None:
            follow_iban(bic, previous, event.value)

    # -- each field checked as the cursor leaves it ----------------------------------------------
    @on(events.DescendantBlur)
    def _check_left_field(self, event: events.DescendantBlur) -> None:
        field = _field_of(event.widget)
        if field is None or not field.is_attached or not self.is_current:
            return  # a dialog opened over the form, or the step is being replaced
        if not getattr(self, "loaded_values", None):
            return  # still loading: the values are not the user's yet
        self._live_check(field, show=True)

    @on(Input.Changed)
    @on(Select.Changed)
    def _recheck_invalid(self, event) -> None:
        field = _field_of(event.control)
        if field is not None and field.has_class("-invalid"):
            self._live_check(field, show=False)

    def _live_check(self, field: FormField, *, show: bool) -> None:
        """The field's message shown (`show`) or cleared once right; any other field shown wrong
        whose error has gone with this change (a BIC that agrees with the corrected IBAN) too."""
        fields = form_fields(self)
        errors = form_errors(fields)
        if show or field.key not in errors:
            field.set_error(errors.get(field.key))
        for key, other in fields.items():
            if other is not field and other.has_class("-invalid") and key not in errors:
                other.set_error(None)
        if self._summary_shown:
            wrong = sum(1 for f in fields.values() if f.has_class("-invalid"))
            if wrong:
                self._banner(summary(wrong), error=True)
            else:
                self._summary_shown = False
                self._banner("")


def _is(key: str, name: str) -> bool:
    return key == name or key.endswith("." + name)


def _field_of(widget) -> FormField | None:
    """The FormField a control belongs to (None for a filter, a button...)."""
    for node in (widget, *widget.ancestors):
        if isinstance(node, FormField):
            return node
    return None


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
        yield AppHeader()
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
        self.run_db(self.load, host(self.app).scope, done=self._loaded, failed=self._load_failed)

    def _loaded(self, result) -> None:
        values, versions, subtitle = result
        self.versions = dict(versions)
        self.sub_title = visible(subtitle)
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
            host(self.app).scope,
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
        self.run_db(self.load, host(self.app).scope, done=self._loaded)
