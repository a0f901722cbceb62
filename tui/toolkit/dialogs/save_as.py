"""Saving a file of the person's outbox by name: 'Exporter CSV' (a list) and 'Écrire le fichier'.

The dialog shows the folder (Dossier d'envoi) and takes a file name, never a path: the name is
checked at the field (db.files.folders.check_name) before anything runs, then the write runs in a
worker. An existing name asks "Le remplacer ?" in a dialog of its own: `o` replaces, Échap keeps
the file and gives the name back to change.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from db.core.errors import DomainError, FieldError
from db.files.folders import Folder, FolderFile, check_name, inbox, outbox
from db.files.writes import OutputExists
from tui.toolkit.db_worker import DbWorkerMixin
from tui.toolkit.dialogs.confirm import ConfirmDialog

log = logging.getLogger("myopenip")


def person_outbox(app) -> Folder:
    """The logged-in person's Dossier d'envoi (what the app writes for them)."""
    return outbox(app.settings.files_dir, app.scope.login)


def person_inbox(app) -> Folder:
    """The logged-in person's Dossier de dépôt (what they put for the app to read)."""
    return inbox(app.settings.files_dir, app.scope.login)


def default_export_name(list_name: str, today: dt.date | None = None) -> str:
    """'prospects-2024-05-31.csv'."""
    today = today or dt.date.today()
    return f"{list_name}-{today:%Y-%m-%d}.csv"


class SaveAsDialog(DbWorkerMixin, ModalScreen):
    """`save(target, overwrite)` runs in a thread for the name typed; asks before replacing.

    `told(result, target)` is the notification once written; the dialog returns the result.
    """

    DEFAULT_CSS = """
    SaveAsDialog { align: center middle; }
    SaveAsDialog > Vertical { width: 80; height: auto; border: thick $accent; background: $surface; padding: 1 2; }
    SaveAsDialog .save-help { color: $text-muted; }
    SaveAsDialog Input { width: 100%; margin: 1 0 0 0; }
    SaveAsDialog #save-error { height: auto; color: $error; }
    SaveAsDialog #save-error.-busy { color: $text-muted; }
    SaveAsDialog Horizontal { height: auto; margin: 1 0 0 0; align: right middle; }
    SaveAsDialog Button { margin: 0 0 0 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Annuler", id="save.cancel")]
    BUSY_TEXT = "Écriture…"
    OK_LABEL = "Écrire (Entrée)"

    def __init__(
        self,
        save: Callable[[FolderFile, bool], object],
        folder: Folder,
        default_name: str,
        title: str,
        summary: str = "",
        what: str = "Nom du fichier",
        told: Callable[[object, FolderFile], str] | None = None,
    ):
        super().__init__()
        self.save = save
        self.folder = folder
        self.default_name = default_name
        self.title_text = title
        self.summary = summary
        self.what = what
        self.told = told or (lambda _result, target: f"Fichier écrit : {target.name}")
        self.busy = False
        self.target: FolderFile | None = None

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(f"[b]{self.title_text}[/b]")
            if self.summary:
                yield Static(self.summary, classes="save-help")
            yield Static(
                f"{self.folder.label} : [b]{self.folder.path}[/b]", id="save-folder", markup=True
            )
            yield Static(f"{self.what} (sans chemin) :", classes="save-help")
            yield Input(self.default_name, id="save-name", compact=True)
            yield Static("", id="save-error")
            with Horizontal():
                yield Button("Annuler (Échap)", id="save-cancel", compact=True)
                yield Button(self.OK_LABEL, id="save-ok", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#save-name", Input).focus()

    @on(Input.Changed, "#save-name")
    def _name_changed(self) -> None:
        if not self.busy:
            self._status("")

    @on(Input.Blurred, "#save-name")
    def _name_left(self, event: Input.Blurred) -> None:
        """A bad name is told as soon as the cursor leaves the field (Tab to the buttons)."""
        if self.busy:
            return
        try:
            check_name(event.value)
        except FieldError as exc:
            self._status(exc.message)

    @on(Input.Submitted, "#save-name")
    @on(Button.Pressed, "#save-ok")
    def action_write(self) -> None:
        self._write(overwrite=False)

    def _write(self, overwrite: bool) -> None:
        if self.busy:
            return
        try:
            self.target = FolderFile(self.folder, check_name(self.query_one("#save-name").value))
        except FieldError as exc:
            self._status(exc.message)
            self.query_one("#save-name", Input).focus()
            return
        self.busy = True
        self._status(self.BUSY_TEXT, busy=True)
        self.run_db(
            self._save,
            self.target,
            overwrite,
            done=self._written,
            failed=self._refused,
            group="save",
        )

    def _save(self, target: FolderFile, overwrite: bool):
        try:
            return self.save(target, overwrite)
        except DomainError:
            raise
        except Exception as exc:  # noqa: BLE001 - the dialog must not stay "en cours" forever
            log.exception("Écriture d'un fichier")
            raise DomainError(
                f"Erreur inattendue : {type(exc).__name__}. Le fichier n'a pas été écrit."
            ) from None

    def _written(self, result) -> None:
        self.busy = False
        self.app.notify(self.told(result, self.target), timeout=6)
        self.dismiss(result)

    def _refused(self, exc: DomainError) -> None:
        self.busy = False
        self._status(exc.message)
        if isinstance(exc, OutputExists):
            self.app.push_screen(
                ConfirmDialog(f"{exc.message}\nLe remplacer ?", yes="Remplacer", no="Garder"),
                self._replace_answered,
            )
            return
        self.query_one("#save-name", Input).focus()

    def _replace_answered(self, replace: bool | None) -> None:
        if replace:
            self._write(overwrite=True)
        else:
            self._status("Fichier existant gardé : changez le nom, ou Échap pour annuler.")
            self.query_one("#save-name", Input).focus()

    def _status(self, text: str, busy: bool = False) -> None:
        status = self.query_one("#save-error", Static)
        status.update(text)
        status.set_class(busy, "-busy")

    @on(Button.Pressed, "#save-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)


class ExportDialog(SaveAsDialog):
    """Exporter en CSV: `export(target, overwrite) -> rows written`, into the person's outbox."""

    BUSY_TEXT = "Export en cours…"
    OK_LABEL = "Exporter (Entrée)"

    def __init__(
        self,
        export: Callable[[FolderFile, bool], int],
        folder: Folder,
        default_name: str,
        title: str = "Exporter en CSV",
        summary: str = "",
    ):
        super().__init__(
            export,
            folder,
            default_name,
            title,
            summary=summary,
            what="Nom du fichier CSV (UTF-8, séparateur « ; »)",
            told=lambda count, target: (
                f"{count} ligne(s) exportée(s) dans {target.name} ({folder.label.lower()})"
            ),
        )
