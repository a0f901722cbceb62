"""Import de prospects (CSV): a file of the person's inbox, chosen by name, imported and reported
row by row."""

from __future__ import annotations

import logging

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label, Static

from db.core import DomainError, FieldError, visible
from db.exchange import EXPECTED, MAX_IMPORT_BYTES, ImportReport, import_prospects, owner_choices
from db.files import Folder, check_name, open_file
from tui.toolkit.db_worker import DbWorkerMixin
from tui.toolkit.dialogs.file_picker import FilePickerScreen
from tui.toolkit.dialogs.save_as import person_inbox
from tui.toolkit.host import signed_in
from tui.toolkit.refusal import BannerMixin
from tui.toolkit.styles import style_sheet
from tui.toolkit.widgets.footer import AppFooter
from tui.toolkit.widgets.header import AppHeader
from tui.toolkit.widgets.option_list import Select  # Textual's, minus a crash
from tui.toolkit.widgets.record_list import Cell

HELP = (
    "Fichier CSV en UTF-8, séparateur « ; », une ligne d'en-tête nommant les colonnes comme le "
    f"formulaire, dans n'importe quel ordre :\n[b]{EXPECTED}[/b]\n"
    "Obligatoires : Raison sociale, Voie, Code Postal, Commune (Pays : France si vide). "
    "Chaque ligne est contrôlée comme dans l'assistant ; les lignes valides sont importées en une "
    "fois, celles déjà présentes (même SIRET, SIREN, ou raison sociale et code postal) ignorées."
)
REPORT_COLUMNS = (("line", "Ligne", 6), ("status", "Résultat", 13), ("name", "Raison sociale", 26))
STATUS_STYLES = {"Importé": "green", "Déjà présent": "yellow", "Refusé": "bold red"}
log = logging.getLogger("myopenip")


def run_import(scope, inbox: Folder, name: str, reseller_id: int | None) -> ImportReport:
    """The file `name` of the inbox through import_prospects; any unexpected failure is told as
    a refusal (the screen stays usable)."""
    try:
        with open_file(inbox, name, MAX_IMPORT_BYTES) as stream:
            return import_prospects(scope, stream, name, reseller_id)
    except DomainError:
        raise
    except Exception as exc:  # noqa: BLE001 - logged for the admin, told to the user
        log.exception("Import de prospects")
        raise DomainError(f"Erreur inattendue : {type(exc).__name__}.") from None


class ImportProspectsScreen(BannerMixin, DbWorkerMixin, Screen):
    CSS_PATH = style_sheet("catalogue_orders")
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Retour", id="import.back"),
        Binding("ctrl+s", "import", "Importer", id="import.run", priority=True),
        Binding("f4", "choose", "Choisir le fichier", id="import.choose"),
    ]

    def __init__(self):
        super().__init__()
        self.busy = False

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(
            "[b]Import de prospects (CSV)[/b]  ·  Entreprises › GESTION DES ENTREPRISES",
            classes="screen-title",
        )
        with Vertical(id="import-form"):
            yield Static(HELP, id="import-help")
            inbox = person_inbox(self.app)
            yield Static(
                f"{inbox.label} : {inbox.path}  (ssh … put NOM < fichier)",
                id="import-folder",
                markup=False,
            )
            with Horizontal(classes="import-row"):
                yield Label("Fichier CSV", classes="import-caption")
                yield Input(
                    placeholder="nom du fichier déposé (F4 : choisir)",
                    id="import-path",
                    compact=True,
                )
            if signed_in(self.app).is_operator:
                with Horizontal(classes="import-row"):
                    yield Label("Ambassadeur propriétaire", classes="import-caption")
                    yield Select(
                        [],
                        prompt="— l'opérateur (sans ambassadeur) —",
                        id="import-owner",
                        compact=True,
                    )
        yield Static("", id="import-status")
        yield DataTable(id="import-report", cursor_type="row", zebra_stripes=True)
        yield AppFooter()

    def on_mount(self) -> None:
        self.sub_title = "Import de prospects (CSV)"
        table = self.query_one("#import-report", DataTable)
        for key, label, width in REPORT_COLUMNS:
            table.add_column(label, key=key, width=width)
        table.add_column("Détail", key="detail", width=44)
        table.display = False
        self.query_one("#import-path", Input).focus()
        if signed_in(self.app).is_operator:
            self.run_db(owner_choices, signed_in(self.app), done=self._owners)

    def _owners(self, choices: list[tuple[int, str]]) -> None:
        self.query_one("#import-owner", Select).set_options(
            (escape(visible(f"{name} ({cid})")), cid) for cid, name in choices
        )

    def _owner(self) -> int | None:
        found = self.query("#import-owner")
        if not found:
            return None
        value = found.first(Select).value
        return None if value is Select.NULL else value

    def action_import(self) -> None:
        if self.busy:
            return
        try:
            name = check_name(self.query_one("#import-path", Input).value)
        except FieldError as exc:
            self._status(exc.message + "  (F4 : choisir dans votre dossier de dépôt)", error=True)
            self.query_one("#import-path", Input).focus()
            return
        self.busy = True
        self._status("Import en cours…")
        self.run_db(
            run_import,
            signed_in(self.app),
            person_inbox(self.app),
            name,
            self._owner(),
            done=self._imported,
            failed=self._refused,
            group="import",
        )

    def action_choose(self) -> None:
        """F4: the inbox's files; the one picked goes in the field."""

        def picked(name: str | None) -> None:
            field = self.query_one("#import-path", Input)
            if name is not None:
                field.value = name
            field.focus()

        self.app.push_screen(
            FilePickerScreen(
                person_inbox(self.app),
                title="Fichier CSV à importer",
                hint=f"CSV, {MAX_IMPORT_BYTES // (1024 * 1024)} Mo au plus",
            ),
            picked,
        )

    def _imported(self, report: ImportReport) -> None:
        self.busy = False
        self._status(report.summary, error=not report.ok)
        table = self.query_one("#import-report", DataTable)
        table.clear()
        for line, status, name, detail in report.entries():
            table.add_row(
                str(line),
                Text(status, style=STATUS_STYLES.get(status, "")),
                Cell(name) if name else "—",
                Text(visible(detail, multiline=True)),
                height=None,
            )
        table.display = bool(report.rows)
        self.app.notify(report.summary, severity="warning" if not report.ok else "information")
        if report.rows:
            table.focus()

    BANNER = "#import-status"
    REFUSAL_NOTE = "  Rien n'a été importé."

    def _refused(self, exc: DomainError) -> None:
        self.busy = False
        self.query_one("#import-report", DataTable).display = False
        self.show_refusal(exc)
        self.query_one("#import-path", Input).focus()

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#import-status", Static)
        status.update(text)
        status.set_class(error, "-error")
