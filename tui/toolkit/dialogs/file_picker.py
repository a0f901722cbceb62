"""Keyboard file dialogs: picking a file of the person's inbox by name, and writing a stored
document to their outbox (both through db.files.folders: names only, never a path)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static
from textual.widgets.option_list import Option

from db.core.errors import DomainError
from db.documents.storage import format_size, write_document
from db.files.folders import FileEntry, Folder, list_files
from tui.toolkit.dialogs.save_as import SaveAsDialog, person_outbox
from tui.toolkit.widgets.option_list import OptionList  # Textual's, minus a crash

MAX_LISTED = 500  # a huge folder is filtered by name rather than listed in full


class FilePickerScreen(ModalScreen[str | None]):
    """The regular files of a folder (the inbox), by name; Enter picks one, returned by name.

    Nothing else is reachable from here: no sub-folder, no parent, no link (db.files.folders.list_files).
    """

    BINDINGS = [
        Binding("escape", "cancel", "Annuler", id="picker.cancel"),
        Binding("slash", "focus_filter", "Filtrer", id="picker.filter"),
        Binding("ctrl+r", "reload", "Actualiser", id="picker.reload"),
    ]

    def __init__(self, folder: Folder, title: str = "Choisir un fichier", hint: str = ""):
        super().__init__()
        self.folder = folder
        self.title_text = title
        self.hint = hint
        self.entries: list[FileEntry] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Static(f"[b]{self.title_text}[/b]", id="picker-title")
            yield Static(
                f"[dim]{self.folder.label}[/dim] {self.folder.path}", id="picker-path", markup=True
            )
            yield Input(placeholder="Filtrer par nom ( / )", id="picker-filter", compact=True)
            yield OptionList(id="picker-list")
            yield Static("", id="picker-status")
            yield Static(
                "[dim]Entrée : choisir le fichier · Ctrl+R : actualiser · Échap : annuler · "
                "déposer un fichier : ssh … put NOM < fichier[/dim]",
                id="picker-help",
            )

    def on_mount(self) -> None:
        self.action_reload()
        self.query_one(OptionList).focus()

    def action_reload(self) -> None:
        try:
            self.entries = list_files(self.folder)
        except DomainError as exc:
            self.entries = []
            self._status(exc.message, True)
            return
        self._fill()

    def _fill(self) -> None:
        wanted = self.query_one("#picker-filter", Input).value.strip().casefold()
        listed = [(i, e) for i, e in enumerate(self.entries) if wanted in e.name.casefold()]
        options: list[Option] = []
        for index, entry in listed[:MAX_LISTED]:
            prompt = Text(entry.name)
            prompt.append(f"  {format_size(entry.size)}", style="dim")
            options.append(Option(prompt, id=str(index)))
        option_list = self.query_one(OptionList)
        option_list.set_options(options)
        status = f"{len(listed)} fichier(s)"
        if len(listed) > MAX_LISTED:
            status += f" — {MAX_LISTED} affichés : filtrez par nom pour voir les autres"
        if not listed:
            status = (
                f"Aucun fichier dans votre {self.folder.label.lower()}."
                if not wanted
                else "Aucun nom ne correspond au filtre."
            )
        self._status(status + (f"  ·  {self.hint}" if self.hint else ""))
        if options:
            option_list.highlighted = 0

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#picker-status", Static)
        status.update(text)
        status.set_class(error, "-error")

    @on(Input.Changed, "#picker-filter")
    def _filter(self) -> None:
        self._fill()

    @on(Input.Submitted, "#picker-filter")
    def _filter_done(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected, "#picker-list")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.entries[int(event.option.id)].name)

    def action_focus_filter(self) -> None:
        self.query_one("#picker-filter", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)


class WriteDocumentDialog(SaveAsDialog):
    """Write a stored document to the person's outbox under a name (prefilled with its own)."""

    def __init__(self, app, doc_id: int, default_name: str, title: str = "Écrire le fichier"):
        scope = app.scope
        super().__init__(
            lambda target, overwrite: write_document(scope, doc_id, target, overwrite=overwrite),
            person_outbox(app),
            default_name,
            title,
            told=lambda target, _: f"Fichier écrit : {target.name} ({target.folder.label.lower()})",
        )
        self.doc_id = doc_id
