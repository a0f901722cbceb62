"""'Exporter CSV': ask where to write the list (prefilled in the inbox), then export in a worker."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
from collections.abc import Callable
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from db.errors import DomainError
from db.files import OutputExists
from tui.db_worker import DbWorkerMixin
from tui.widgets.dialogs import ConfirmDialog

log = logging.getLogger("myopenip")


def default_export_path(inbox: str, list_name: str, today: dt.date | None = None) -> Path:
    """'<inbox>/prospects-2024-05-31.csv'."""
    today = today or dt.date.today()
    return Path(inbox).expanduser() / f"{list_name}-{today:%Y-%m-%d}.csv"


class ExportDialog(DbWorkerMixin, ModalScreen[int | None]):
    """`export(path, overwrite) -> rows written` runs in a thread; asks before replacing a file."""

    DEFAULT_CSS = """
    ExportDialog { align: center middle; }
    ExportDialog > Vertical { width: 80; height: auto; border: thick $accent; background: $surface; padding: 1 2; }
    ExportDialog .export-help { color: $text-muted; }
    ExportDialog Input { width: 100%; margin: 1 0 0 0; }
    ExportDialog #export-error { height: auto; color: $error; }
    ExportDialog #export-error.-busy { color: $text-muted; }
    ExportDialog Horizontal { height: auto; margin: 1 0 0 0; align: right middle; }
    ExportDialog Button { margin: 0 0 0 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Annuler", id="export.cancel")]

    def __init__(
        self,
        export: Callable[[str, bool], int],
        default_path: str | Path,
        title: str = "Exporter en CSV",
        summary: str = "",
    ):
        super().__init__()
        self.export = export
        self.default_path = str(default_path)
        self.title_text = title
        self.summary = summary
        self.busy = False

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"[b]{self.title_text}[/b]")
            yield Static(
                (self.summary + "\n" if self.summary else "")
                + "Fichier CSV à écrire sur le serveur (UTF-8, séparateur « ; ») :",
                classes="export-help",
            )
            yield Input(self.default_path, id="export-path", compact=True)
            yield Static("", id="export-error")
            with Horizontal():
                yield Button("Annuler (Échap)", id="export-cancel", compact=True)
                yield Button("Exporter (Entrée)", id="export-ok", variant="primary", compact=True)

    def on_mount(self) -> None:
        # The inbox is where exports go by default: make it on first use, as the file picker does.
        # If it cannot be made, the export itself says which folder is missing.
        with contextlib.suppress(OSError):
            Path(self.default_path).expanduser().parent.mkdir(parents=True, exist_ok=True)
        self.query_one("#export-path", Input).focus()

    @on(Input.Submitted, "#export-path")
    @on(Button.Pressed, "#export-ok")
    def action_write(self) -> None:
        self._write(overwrite=False)

    def _write(self, overwrite: bool) -> None:
        if self.busy:
            return
        self.busy = True
        path = self.query_one("#export-path", Input).value.strip()
        self._status("Export en cours…", busy=True)
        self.run_db(
            self._export, path, overwrite, done=self._written, failed=self._refused, group="export"
        )

    def _export(self, path: str, overwrite: bool) -> int:
        try:
            return self.export(path, overwrite)
        except DomainError:
            raise
        except Exception as exc:  # noqa: BLE001 - the dialog must not stay "en cours" forever
            log.exception("Export CSV")
            raise DomainError(
                f"Erreur inattendue : {type(exc).__name__}. Le fichier n'a pas été écrit."
            ) from None

    def _written(self, count: int) -> None:
        self.busy = False
        path = Path(self.query_one("#export-path", Input).value.strip()).expanduser()
        self.app.notify(f"{count} ligne(s) exportée(s) dans {path}", timeout=6)
        self.dismiss(count)

    def _refused(self, exc: DomainError) -> None:
        self.busy = False
        self._status(exc.message)
        if isinstance(exc, OutputExists):

            def answer(replace: bool | None) -> None:
                if replace:
                    self._write(overwrite=True)
                else:
                    self.query_one("#export-path", Input).focus()

            self.app.push_screen(
                ConfirmDialog(f"{exc.message} Le remplacer ?", yes="Remplacer", no="Annuler"),
                answer,
            )
            return
        self.query_one("#export-path", Input).focus()

    def _status(self, text: str, busy: bool = False) -> None:
        status = self.query_one("#export-error", Static)
        status.update(text)
        status.set_class(busy, "-busy")

    @on(Button.Pressed, "#export-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
