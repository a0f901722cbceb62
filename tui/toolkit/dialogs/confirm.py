"""Modal dialogs: a yes/no confirmation and a message, both driven from the keyboard."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class ConfirmDialog(ModalScreen[bool]):
    DEFAULT_CSS = """
    ConfirmDialog { align: center middle; }
    ConfirmDialog > Vertical { width: 64; height: auto; border: thick $accent; background: $surface; padding: 1 2; }
    ConfirmDialog Horizontal { height: auto; margin: 1 0 0 0; align: right middle; }
    ConfirmDialog Button { margin: 0 0 0 2; }
    """
    BINDINGS = [
        Binding("o", "answer(True)", "Oui", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "Non", id="confirm.no"),
    ]

    def __init__(self, message: str, yes: str = "Oui", no: str = "Non"):
        super().__init__()
        self.message, self.yes, self.no = message, yes, no

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.message)
            with Horizontal():
                yield Button(f"{self.no} (n)", id="no", compact=True)
                yield Button(f"{self.yes} (o)", id="yes", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)


class MessageDialog(ModalScreen[None]):
    DEFAULT_CSS = """
    MessageDialog { align: center middle; }
    MessageDialog > Vertical { width: 64; height: auto; border: thick $success; background: $surface; padding: 1 2; }
    MessageDialog Button { margin: 1 0 0 0; }
    """
    BINDINGS = [Binding("escape,enter", "close", "Fermer", id="message.close")]

    def __init__(self, message: str, title: str = ""):
        super().__init__()
        self.message, self.title_text = message, title

    def compose(self) -> ComposeResult:
        with Vertical():
            if self.title_text:
                yield Static(f"[b]{self.title_text}[/b]")
            yield Static(self.message)
            yield Button("OK", id="ok", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one(Button).focus()

    def on_button_pressed(self) -> None:
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
