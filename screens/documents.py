"""Formulaires: the documents the user may see (mandates, signed mandates, RIBs), written out on Enter."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Static

from db.core import format_moment
from db.documents import DocumentFilters, count_documents, list_documents
from db.exchange import export_documents
from tui.toolkit.dialogs.file_picker import WriteDocumentDialog
from tui.toolkit.host import host, signed_in
from tui.toolkit.widgets.footer import AppFooter
from tui.toolkit.widgets.header import AppHeader
from tui.toolkit.widgets.record_list import TABLE_FIRST, Column, FilterSpec, RecordList

COLUMNS = (
    Column("kind", "TYPE", 18, min_width=10),
    Column("company", "ENTREPRISE", 18, min_width=10),
    Column("filename", "FICHIER", 18, min_width=12),
    Column("size", "TAILLE", 7),
    Column("date", "DATE", 16),
    Column("by", "PAR", 9, priority=1),
)
FILTERS = (
    FilterSpec("company", "ENTREPRISE (IDENTIFIANT ou nom)", 34),
    FilterSpec("kind", "TYPE (généré, signé, RIB)", 28),
)


def _wanted(filters: dict) -> DocumentFilters:
    return DocumentFilters(company=filters.get("company", ""), kind=filters.get("kind", ""))


def fetch_documents(scope, filters: dict, offset: int, limit: int):
    wanted = _wanted(filters)
    return list_documents(scope, wanted, offset, limit), count_documents(scope, wanted)


def document_cells(row) -> tuple:
    return (
        row.kind_label,
        f"{row.company_id} · {row.company_name}",
        row.filename,
        row.size_label,
        format_moment(row.created_at, at=" "),
        row.created_by or "—",
    )


def write_out(app, doc_id: int, filename: str) -> None:
    """Ask for a name in the person's outbox (prefilled with the document's) and write it there."""
    app.push_screen(WriteDocumentDialog(app, doc_id, filename, title=f"Écrire {filename}"))


class DocumentsScreen(Screen):
    AUTO_FOCUS = TABLE_FIRST
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Retour", id="documents.back"),
    ]

    def compose(self) -> ComposeResult:
        yield AppHeader()
        yield Static(
            "[b]Formulaires[/b]  ·  mandats générés, mandats signés et RIB", classes="screen-title"
        )
        scope = signed_in(self.app)
        yield RecordList(
            COLUMNS,
            FILTERS,
            fetch=lambda f, o, n: fetch_documents(scope, f, o, n),
            to_cells=document_cells,
            row_key=lambda r: r.id,
            page_size=host(self.app).settings.page_size,
            empty_text="Aucun document ne correspond aux filtres.",
            open_label="Écrire le fichier",
            export=lambda f, path, overwrite: export_documents(
                scope, _wanted(f), path, overwrite=overwrite
            ),
            export_name="formulaires",
        )
        yield AppFooter()

    def on_mount(self) -> None:
        self.sub_title = "Formulaires"
        self.query_one(RecordList).focus_table()

    @on(RecordList.Opened)
    def _opened(self, event: RecordList.Opened) -> None:
        rows = self.query_one(RecordList).rows
        row = next((r for r in rows if str(r.id) == event.key), None)
        if row is not None:
            write_out(self.app, row.id, row.filename)
