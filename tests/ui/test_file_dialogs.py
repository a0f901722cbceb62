"""File dialogs take a name in the person's own folder, never a path: Exporter en CSV (Ctrl+O),
its overwrite question really drawn, and the CSV import's file field."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from db.core.models import AuditLog, Company
from screens.import_prospects import ImportProspectsScreen
from screens.prospects import ProspectsScreen
from tests.ui.conftest import SIZE, login, settle, type_text
from tui.app import MyOpenIPApp
from tui.settings import Settings
from tui.toolkit.dialogs.confirm import ConfirmDialog
from tui.toolkit.dialogs.file_picker import FilePickerScreen
from tui.toolkit.dialogs.save_as import ExportDialog


@pytest.fixture
def app(demo_db, tmp_path):
    return MyOpenIPApp(Settings(database=demo_db, files_dir=str(tmp_path / "files")))


@pytest.fixture
def outbox(tmp_path):
    return tmp_path / "files" / "revendeur" / "outbox"


def drawn(app) -> str:
    """What the terminal shows, read off the screenshot: its text with borders and line breaks
    dropped, so that a sentence wrapped inside a dialog reads whole."""
    svg = re.sub(r"<style.*?</style>", "", app.export_screenshot(), flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", "", svg)).replace("\xa0", " ")
    text = re.sub(r"[\u2500-\u259f]", " ", text)  # box drawing and block characters
    return " ".join(text.split())


async def open_export(pilot) -> ExportDialog:
    pilot.app.push_screen(ProspectsScreen())
    await settle(pilot)
    await settle(pilot)
    await pilot.press("ctrl+o")
    await settle(pilot)
    dialog = pilot.app.screen
    assert isinstance(dialog, ExportDialog)
    return dialog


async def retype(pilot, dialog, name: str) -> None:
    dialog.query_one(Input).value = ""
    await type_text(pilot, name)


async def test_the_overwrite_question_is_drawn_o_replaces_and_escape_keeps(app, outbox):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        dialog = await open_export(pilot)
        await retype(pilot, dialog, "liste.csv")
        await pilot.press("enter")
        await settle(pilot)
        exported = (outbox / "liste.csv").read_bytes()
        assert exported.startswith(b"\xef\xbb\xbfIDENTIFIANT;")

        (outbox / "liste.csv").write_bytes(b"mon fichier")
        dialog = await open_export(pilot)
        await retype(pilot, dialog, "liste.csv")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        screen = drawn(app)
        assert "Le fichier « liste.csv » existe déjà dans votre dossier d'envoi." in screen
        assert "Le remplacer ?" in screen and "Remplacer (o)" in screen
        assert "Export en cours…" not in screen

        await pilot.press("escape")  # keeps the file
        await settle(pilot)
        assert app.screen is dialog
        assert (outbox / "liste.csv").read_bytes() == b"mon fichier"
        assert "Fichier existant gardé" in drawn(app)

        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("o")  # replaces
        await settle(pilot)
        assert isinstance(app.screen, ProspectsScreen)
        assert (outbox / "liste.csv").read_bytes() == exported


@pytest.mark.parametrize(
    "name, message",
    [
        ("~/.bashrc", "sans « / » ni « \\ »"),
        ("~bashrc", "« ~ » n'est pas permis dans un nom de fichier."),
        ("../x", "sans « / » ni « \\ »"),
        ("DATABASE", "sans « / » ni « \\ »"),  # the database's own path
        (".bashrc", "Un nom de fichier ne commence pas par un point."),
    ],
)
async def test_a_path_is_refused_at_the_field_and_nothing_is_written(
    app, demo_db, tmp_path, outbox, name, message
):
    name = str(demo_db) if name == "DATABASE" else name
    database = Path(demo_db).read_bytes()
    companies_before = Company.select().count()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        audit_before = AuditLog.select().count()
        dialog = await open_export(pilot)
        assert "Dossier d'envoi" in drawn(app)
        await retype(pilot, dialog, name)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert message in str(dialog.query_one("#save-error", Static).render())
        assert message in drawn(app)
    # Refused before anything ran: not even the folders were made.
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("demo.db")] == []
    assert Path(demo_db).read_bytes()[:100] == database[:100]  # still an SQLite database
    assert AuditLog.select().where(AuditLog.action == "csv_exported").count() == 0
    assert AuditLog.select().count() >= audit_before
    assert Company.select().count() == companies_before


async def test_the_import_takes_a_name_of_the_inbox_and_refuses_etc_passwd(app, tmp_path):
    inbox = tmp_path / "files" / "revendeur" / "inbox"
    companies = Company.select().count()
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        app.push_screen(ImportProspectsScreen())
        await settle(pilot)
        assert "Dossier de dépôt" in drawn(app) and str(inbox) in drawn(app)
        await type_text(pilot, "/etc/passwd")
        await pilot.press("ctrl+s")
        await settle(pilot)
        status = str(app.screen.query_one("#import-status", Static).render())
        assert "sans « / » ni « \\ »" in status
        assert "root:" not in drawn(app)

        # F4 lists the inbox's files; the one picked fills the field, then Ctrl+S imports it.
        inbox.mkdir(parents=True)  # as `ssh … put` makes it
        (inbox / "lot.csv").write_text(
            "Raison sociale;Voie;Code Postal;Commune\nCAFÉ DU PORT;quai de la Fosse;44000;NANTES\n",
            encoding="utf-8",
        )
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, FilePickerScreen)
        assert [e.name for e in app.screen.entries] == ["lot.csv"]
        await pilot.press("enter")
        await settle(pilot)
        field = app.screen.query_one("#import-path", Input)
        assert field.value == "lot.csv"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "1 prospect(s) importé(s)" in drawn(app)
    assert Company.select().count() == companies + 1


async def test_a_bad_name_is_told_when_the_cursor_leaves_the_field(app):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        dialog = await open_export(pilot)
        await retype(pilot, dialog, "../x")
        assert str(dialog.query_one("#save-error", Static).render()) == ""
        await pilot.press("tab")  # to the buttons: nothing written, the message at the field
        await settle(pilot)
        told = str(dialog.query_one("#save-error", Static).render())
        assert told == (
            "Indiquez un nom de fichier, sans « / » ni « \\ » : pas de chemin, le fichier est "
            "toujours dans votre dossier."
        )
        assert dialog.query_one(Input).value == "../x"  # the typing is kept
        await pilot.press("shift+tab")
        await retype(pilot, dialog, "bon-nom.csv")
        assert str(dialog.query_one("#save-error", Static).render()) == ""
