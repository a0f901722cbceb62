"""Keyboard file dialogs: picking a PDF in the inbox folder, and writing a stored document out."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static
from textual.widgets.option_list import Option

from db.documents import format_size, write_document
from db.errors import DomainError
from db.files import OutputExists
from tui.db_worker import DbWorkerMixin
from tui.widgets.dialogs import ConfirmDialog
from tui.widgets.option_list import OptionList  # Textual's, minus a crash

MAX_LISTED = 500  # a huge folder is filtered by name rather than listed in full
_PARENT = "__parent__"


@dataclass(frozen=True)
class _Entry:
    name: str
    path: Path
    is_dir: bool
    size: int


def _scan(folder: Path) -> list[_Entry]:
    """Sub-folders then files, by name; hidden entries left out."""
    entries: list[_Entry] = []
    with os.scandir(folder) as found:
        for item in found:
            if item.name.startswith("."):
                continue
            try:
                is_dir = item.is_dir()
                size = 0 if is_dir else item.stat().st_size
            except (
                OSError
            ):  # a broken link or a file removed meanwhile: still listed, refused on pick
                is_dir, size = False, 0
            entries.append(_Entry(item.name, Path(item.path), is_dir, size))
    entries.sort(key=lambda e: (not e.is_dir, e.name.casefold()))
    return entries


class FilePickerScreen(ModalScreen[Path | None]):
    """Browse the inbox (never above it) and pick a file: Enter opens a folder or picks a file."""

    BINDINGS = [
        Binding("escape", "cancel", "Annuler", id="picker.cancel"),
        Binding("backspace", "parent", "Dossier parent", id="picker.parent"),
        Binding("slash", "focus_filter", "Filtrer", id="picker.filter"),
    ]

    def __init__(self, root: str | Path, title: str = "Choisir un fichier"):
        super().__init__()
        self.root = Path(root).expanduser()
        self.folder = self.root
        self.title_text = title
        self.entries: list[_Entry] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Static(f"[b]{self.title_text}[/b]", id="picker-title")
            yield Static("", id="picker-path")
            yield Input(placeholder="Filtrer par nom ( / )", id="picker-filter", compact=True)
            yield OptionList(id="picker-list")
            yield Static("", id="picker-status")
            yield Static(
                "[dim]Entrée : ouvrir le dossier / choisir le fichier · Retour arrière : dossier "
                "parent · Échap : annuler[/dim]",
                id="picker-help",
            )

    def on_mount(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._status(f"Dossier de dépôt {self.root} impossible à créer : {exc.strerror}.", True)
            return
        self._show(self.root)
        self.query_one(OptionList).focus()

    def _inside_root(self, folder: Path) -> bool:
        try:
            return folder.resolve().is_relative_to(self.root.resolve())
        except OSError:
            return False

    def _show(self, folder: Path, select: str | None = None) -> None:
        try:
            entries = _scan(folder)
        except OSError as exc:
            self._status(f"« {folder.name} » ne peut pas être ouvert : {exc.strerror}.", True)
            return
        self.folder = folder
        self.entries = entries
        relative = folder.relative_to(self.root)
        shown = str(self.root) + ("" if relative == Path(".") else f"/{relative}")
        self.query_one("#picker-path", Static).update(f"[dim]Dossier[/dim] {shown}")
        self.query_one("#picker-filter", Input).value = ""
        self._fill(select=select)

    def _fill(self, select: str | None = None) -> None:
        wanted = self.query_one("#picker-filter", Input).value.strip().casefold()
        listed = [(i, e) for i, e in enumerate(self.entries) if wanted in e.name.casefold()]
        options: list[Option] = []
        if self.folder != self.root:
            options.append(Option(Text("⬆ .. (dossier parent)", style="dim"), id=_PARENT))
        for index, entry in listed[:MAX_LISTED]:
            if entry.is_dir:
                prompt = Text(f"📁 {entry.name}/", style="bold")
            else:
                prompt = Text(entry.name)
                prompt.append(f"  {format_size(entry.size)}", style="dim")
            options.append(Option(prompt, id=str(index)))
        option_list = self.query_one(OptionList)
        option_list.set_options(options)
        files = sum(1 for _, e in listed if not e.is_dir)
        status = f"{len(listed) - files} dossier(s), {files} fichier(s)"
        if len(listed) > MAX_LISTED:
            status += f" — {MAX_LISTED} affichés : filtrez par nom pour voir les autres"
        if not listed:
            status = "Aucun fichier ici." if not wanted else "Aucun nom ne correspond au filtre."
        self._status(status + "  ·  PDF, 20 Mo au plus")
        # In a sub-folder the cursor starts on the first entry, not on "..".
        highlight = 1 if len(options) > 1 and options[0].id == _PARENT else 0
        if select is not None:
            highlight = next(
                (
                    i
                    for i, o in enumerate(options)
                    if o.id != _PARENT and self._entry(o.id).name == select
                ),
                0,
            )
        if options:
            option_list.highlighted = highlight

    def _entry(self, option_id: str) -> _Entry:
        return self.entries[int(option_id)]

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
        if event.option.id == _PARENT:
            self.action_parent()
            return
        entry = self._entry(event.option.id)
        if entry.is_dir:
            if not self._inside_root(entry.path):
                self._status(f"« {entry.name} » mène en dehors du dossier de dépôt.", True)
                return
            self._show(entry.path)
        else:
            self.dismiss(entry.path)

    def action_parent(self) -> None:
        if self.folder == self.root:
            self._status("Vous êtes à la racine du dossier de dépôt.", True)
            return
        left = self.folder.name
        self._show(self.folder.parent, select=left)
        self.query_one(OptionList).focus()

    def action_focus_filter(self) -> None:
        self.query_one("#picker-filter", Input).focus()

    def action_cancel(self) -> None:
        self.dismiss(None)


class WriteDocumentDialog(DbWorkerMixin, ModalScreen[Path | None]):
    """Write a stored document to a path typed on the server (prefilled); asks before replacing."""

    BINDINGS = [Binding("escape", "cancel", "Annuler", id="write.cancel")]

    def __init__(self, doc_id: int, default_path: str | Path, title: str = "Écrire le fichier"):
        super().__init__()
        self.doc_id = doc_id
        self.default_path = str(default_path)
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="write-box"):
            yield Static(f"[b]{self.title_text}[/b]")
            yield Static("Chemin du fichier à écrire (sur le serveur) :", classes="write-help")
            yield Input(self.default_path, id="write-path", compact=True)
            yield Static("", id="write-error")
            with Horizontal(id="write-actions"):
                yield Button("Annuler (Échap)", id="write-cancel", compact=True)
                yield Button("Écrire (Entrée)", id="write-ok", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.query_one("#write-path", Input).focus()

    @on(Input.Submitted, "#write-path")
    @on(Button.Pressed, "#write-ok")
    def action_write(self) -> None:
        self._write(overwrite=False)

    def _write(self, overwrite: bool) -> None:
        path = self.query_one("#write-path", Input).value.strip()
        self._error("Écriture…")
        self.run_db(
            write_document,
            self.app.scope,
            self.doc_id,
            path,
            overwrite=overwrite,
            done=self._written,
            failed=self._refused,
            group="write",
        )

    def _written(self, target: Path) -> None:
        self.app.notify(f"Fichier écrit : {target}", timeout=5)
        self.dismiss(target)

    def _refused(self, exc: DomainError) -> None:
        if isinstance(exc, OutputExists):
            self._error(exc.message)

            def answer(replace: bool | None) -> None:
                if replace:
                    self._write(overwrite=True)
                else:
                    self.query_one("#write-path", Input).focus()

            self.app.push_screen(
                ConfirmDialog(f"{exc.message} Le remplacer ?", yes="Remplacer", no="Annuler"),
                answer,
            )
            return
        self._error(exc.message)
        self.query_one("#write-path", Input).focus()

    def _error(self, text: str) -> None:
        self.query_one("#write-error", Static).update(text)

    @on(Button.Pressed, "#write-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
