"""Form fields built from db.core.forms.Field: a label, one control and the field's French error."""

from __future__ import annotations

from collections.abc import Iterable

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from db.core import validation as v
from db.core.forms import Field
from db.core.text import visible
from tui.toolkit.widgets.option_list import Select  # Textual's, minus a crash

PHONE_FIELDS = ("phone", "mobile", "fax")


class FormField(Vertical):
    """One field: `value` reads/writes the control, `error` shows the message under it."""

    DEFAULT_CSS = """
    FormField { height: auto; margin: 0 0 0 0; }
    FormField > Horizontal { height: auto; }
    FormField .caption { width: 28; padding: 0 1 0 0; color: $text-muted; }
    FormField Input, FormField Select { width: 1fr; }
    FormField .error { display: none; color: $error; padding: 0 0 0 28; height: auto; }
    FormField.-invalid .error { display: block; }
    FormField.-invalid .caption { color: $error; }
    """

    def __init__(
        self, field: Field, *, prefix: str = "", password: bool = False, caption: str | None = None
    ):
        self.field = field
        self.key = f"{prefix}{field.name}"
        super().__init__(id=f"field-{self.key.replace('.', '-')}")
        self._password = password
        self._caption = caption or field.caption

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Label(self._caption, classes="caption")
            yield self._make_control()
        yield Static("", classes="error")

    def _make_control(self) -> Widget:
        cid = f"input-{self.key.replace('.', '-')}"
        if self.field.kind == "select":
            return Select(
                ((c, c) for c in self.field.choices), prompt="Choisir…", id=cid, compact=True
            )
        if self.field.kind == "bool":
            return Select(
                (("non", False), ("oui", True)),
                allow_blank=False,
                value=False,
                id=cid,
                compact=True,
            )
        return Input(id=cid, password=self._password, compact=True)

    @property
    def control(self) -> Widget:
        return self.query_one("Input, Select")

    @property
    def value(self):
        control = self.control
        if isinstance(control, Select):
            return "" if control.value is Select.NULL else control.value
        return control.value

    @value.setter
    def value(self, new) -> None:
        control = self.control
        if isinstance(control, Select) and self.field.kind == "bool":
            control.value = bool(new)
        elif isinstance(control, Select):
            control.value = new if new in self.field.choices else Select.NULL
        else:
            control.value = shown_value(self.field, new)

    def set_error(self, message: str | None) -> None:
        # Plain text: a message may quote what was typed (« [ » in a RUM is not markup).
        self.query_one(".error", Static).update(Content(message or ""))
        self.set_class(bool(message), "-invalid")

    def set_required(self, required: bool) -> None:
        """The * of a field required by another's value (Iban for Prélèvement)."""
        label = self.field.label + (" *" if required else "")
        self.query_one(".caption", Label).update(label)


def shown_value(field: Field, stored) -> str:
    """A stored value as the user reads it: phones `01 47 37 00 00`, the IBAN in groups of 4."""
    if stored is None:
        return ""
    text = str(stored)
    if not text:
        return text
    if field.name in PHONE_FIELDS:
        return v.format_phone(text)
    if field.name == "iban":
        return v.format_iban(text)
    return text


class FormSection(Vertical):
    """A titled group of fields (e.g. INFORMATION DE FACTURATION)."""

    DEFAULT_CSS = """
    FormSection { height: auto; margin: 1 0 0 0; }
    FormSection > .section-title { text-style: bold; color: $accent; margin: 0 0 0 0; }
    """

    def __init__(
        self, title: str, fields: Iterable[Field], *, prefix: str = "", id: str | None = None
    ):
        super().__init__(id=id)
        self.title = title
        self.fields = tuple(fields)
        self.prefix = prefix

    def compose(self) -> ComposeResult:
        yield Label(self.title, classes="section-title")
        for field in self.fields:
            yield FormField(field, prefix=self.prefix)


def form_fields(root: Widget) -> dict[str, FormField]:
    return {f.key: f for f in root.query(FormField)}


def read_form(root: Widget) -> dict:
    return {key: f.value for key, f in form_fields(root).items()}


def fill_form(root: Widget, values: dict) -> None:
    for key, f in form_fields(root).items():
        if key in values:
            value = values[key]
            # A control character stored before the text rule shows as its placeholder (␛),
            # so the user sees it; saving then keeps the visible sign, never the control.
            f.value = visible(value, multiline=True) if isinstance(value, str) else value


def show_errors(root: Widget, errors: dict[str, str]) -> FormField | None:
    """Show each error at its field (clearing the others); returns the first invalid field."""
    first = None
    for key, f in form_fields(root).items():
        message = errors.get(key)
        f.set_error(message)
        if message and first is None:
            first = f
    return first
