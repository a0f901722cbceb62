"""Import de prospects (CSV): a file of the inbox, imported in one transaction, its report row by row."""

from __future__ import annotations

import logging
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Label, Static

from db.csv_import import EXPECTED, ImportReport, import_prospects, owner_choices
from db.errors import DomainError
from tui.db_worker import DbWorkerMixin
from tui.widgets.footer import AppFooter
from tui.widgets.option_list import Select  # Textual's, minus a crash

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


def run_import(scope, path: str, reseller_id: int | None) -> ImportReport:
    """import_prospects, with any unexpected failure told as a refusal (the screen stays usable)."""
    try:
        return import_prospects(scope, path, reseller_id)
    except DomainError:
        raise
    except Exception as exc:  # noqa: BLE001 - logged for the admin, told to the user
        log.exception("Import de prospects")
        raise DomainError(f"Erreur inattendue : {type(exc).__name__}.") from None


class ImportProspectsScreen(DbWorkerMixin, Screen):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Retour", id="import.back"),
        Binding("ctrl+s", "import", "Importer", id="import.run", priority=True),
    ]

    def __init__(self):
        super().__init__()
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(
            "[b]Import de prospects (CSV)[/b]  ·  Entreprises › GESTION DES ENTREPRISES",
            classes="screen-title",
        )
        with Vertical(id="import-form"):
            yield Static(HELP, id="import-help")
            with Horizontal(classes="import-row"):
                yield Label("Fichier CSV", classes="import-caption")
                inbox = str(Path(self.app.settings.inbox).expanduser())
                yield Input(inbox.rstrip("/") + "/", id="import-path", compact=True)
            if self.app.scope.is_operator:
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
        path = self.query_one("#import-path", Input)
        path.focus()
        path.cursor_position = len(path.value)
        if self.app.scope.is_operator:
            self.run_db(owner_choices, self.app.scope, done=self._owners)

    def _owners(self, choices: list[tuple[int, str]]) -> None:
        self.query_one("#import-owner", Select).set_options(
            (f"{name} ({cid})", cid) for cid, name in choices
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
        path = self.query_one("#import-path", Input).value.strip()
        if not path or Path(path).expanduser().is_dir():
            self._status("Indiquez le chemin du fichier CSV à importer.", error=True)
            return
        self.busy = True
        self._status("Import en cours…")
        self.run_db(
            run_import,
            self.app.scope,
            path,
            self._owner(),
            done=self._imported,
            failed=self._refused,
            group="import",
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
                name or "—",
                Text(detail),
                height=None,
            )
        table.display = bool(report.rows)
        self.app.notify(report.summary, severity="warning" if not report.ok else "information")
        if report.rows:
            table.focus()

    def _refused(self, exc: DomainError) -> None:
        self.busy = False
        self.query_one("#import-report", DataTable).display = False
        self._status(exc.message + "  Rien n'a été importé.", error=True)
        self.query_one("#import-path", Input).focus()

    def _status(self, text: str, error: bool = False) -> None:
        status = self.query_one("#import-status", Static)
        status.update(text)
        status.set_class(error, "-error")
