"""Documents through the UI: attach with the keyboard file picker, Générer le mandat, Formulaires."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, OptionList, Static

from db.core.models import Document
from db.documents.mandate import MandateData, render_mandate_pdf
from screens.creditor_settings import CreditorSettingsScreen
from screens.documents import DocumentsScreen
from screens.prospect_details import ProspectDetailsScreen
from screens.prospect_wizard import ProspectWizardScreen
from tests.ui.conftest import SIZE, login, settle, type_text
from tui.app import MyOpenIPApp
from tui.settings import Settings
from tui.toolkit.dialogs.confirm import ConfirmDialog
from tui.toolkit.dialogs.file_picker import FilePickerScreen, WriteDocumentDialog
from tui.toolkit.widgets.form import FormField
from tui.toolkit.widgets.record_list import RecordList


@pytest.fixture
def inbox(tmp_path):
    return tmp_path / "files" / "revendeur" / "inbox"  # made by the app on first use


@pytest.fixture
def outbox(tmp_path):
    return tmp_path / "files" / "revendeur" / "outbox"


@pytest.fixture
def app(demo_db, tmp_path):
    return MyOpenIPApp(Settings(database=demo_db, files_dir=str(tmp_path / "files")))


def text_of(widget) -> str:
    return str(widget.render())


def a_pdf() -> bytes:
    return render_mandate_pdf(
        MandateData(
            rum="RIB-TEST",
            creditor_name="Banque",
            creditor_ics="FR72ZZZ123456",
            creditor_address="1 rue A\n75001 PARIS",
            debtor_name="BOULANGERIE MARTIN ET FILS",
            debtor_address="12 avenue Jean Jaurès\n92110 CLICHY",
            iban="FR7630004000031234567890143",
            bic="BNPAFRPP",
        )
    )


async def open_step_2(pilot, company_id: int = 1744) -> ProspectWizardScreen:
    pilot.app.push_screen(ProspectWizardScreen(company_id, 2))
    await settle(pilot)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ProspectWizardScreen) and screen.step == 2
    return screen


def document_rows(app) -> list[tuple]:
    table = app.screen.query_one("#documents-table", DataTable)
    return [tuple(table.get_row_at(i)) for i in range(table.row_count)]


async def test_attach_a_rib_with_the_keyboard_picker_and_see_it_on_details(app, inbox):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        screen = await open_step_2(pilot)
        assert "aucun fichier" in text_of(screen.query_one("#doc-rib", Static))
        inbox.mkdir(parents=True)
        (inbox / "scans").mkdir()  # a sub-folder, a link: neither is listed nor reachable
        (inbox / "scans" / "autre.pdf").write_bytes(a_pdf())
        (inbox / "lien.pdf").symlink_to(inbox / "scans" / "autre.pdf")
        (inbox / "rib-martin.pdf").write_bytes(a_pdf())
        (inbox / "photo.pdf").write_bytes(b"\x89PNG\r\n\x1a\n")

        await pilot.press("ctrl+b")  # Joindre RIB
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, FilePickerScreen)
        assert [e.name for e in picker.entries] == ["photo.pdf", "rib-martin.pdf"]
        assert "Dossier de dépôt" in text_of(picker.query_one("#picker-path", Static))
        await pilot.press("down", "enter")  # rib-martin.pdf
        await settle(pilot)
        assert app.screen is screen
        await settle(pilot)
        assert "rib-martin.pdf" in text_of(screen.query_one("#doc-rib", Static))
        stored = Document.get(Document.kind == Document.KIND_RIB)
        assert stored.company_id == 1744 and stored.filename == "rib-martin.pdf"
        assert bytes(stored.content) == (inbox / "rib-martin.pdf").read_bytes()

        # A renamed PNG is refused with its reason, and nothing more is stored.
        await pilot.press("ctrl+o")
        await settle(pilot)
        picker = app.screen
        option_list = picker.query_one(OptionList)
        option_list.highlighted = next(
            i for i, e in enumerate(picker.entries) if e.name == "photo.pdf"
        )
        await pilot.press("enter")
        await settle(pilot)
        assert "n'est pas un PDF" in text_of(screen.query_one("#banner", Static))
        assert Document.select().count() == 1

        await pilot.press("escape")
        await settle(pilot)
        app.push_screen(ProspectDetailsScreen(1744))
        await settle(pilot)
        await settle(pilot)
        rows = document_rows(app)
        assert [r[:2] for r in rows] == [("RIB", "rib-martin.pdf")]
        assert rows[0][4] == "revendeur"


async def test_generate_the_mandate_from_step_2_and_find_it_in_formulaires(app, outbox):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        screen = await open_step_2(pilot)
        rum = screen.query_one("#field-rum", FormField).value

        await pilot.press("ctrl+g")  # Générer le mandat
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, WriteDocumentDialog)
        target = outbox / f"mandat-{rum}.pdf"
        assert dialog.query_one(Input).value == f"mandat-{rum}.pdf"
        assert str(outbox) in text_of(dialog.query_one("#save-folder", Static))
        await pilot.press("enter")  # Écrire
        await settle(pilot)
        assert app.screen is screen
        assert target.read_bytes().startswith(b"%PDF-")
        stored = Document.get(Document.kind == Document.KIND_MANDATE_GENERATED)
        assert stored.company_id == 1744 and bytes(stored.content) == target.read_bytes()

        # An unsaved edit is saved before generating, if the user says so (here: Annuler).
        screen.query_one("#field-holder", FormField).control.focus()
        await type_text(pilot, " SA")
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen and screen.dirty
        assert Document.select().count() == 1

        app.push_screen(DocumentsScreen())
        await settle(pilot)
        await settle(pilot)
        listing = app.screen.query_one(RecordList)
        assert listing.total == 1
        row = listing.query_one(DataTable).get_row_at(0)
        assert row[0] == "Mandat Sépa généré"
        assert row[1] == "1744 · BOULANGERIE MARTIN ET FILS"
        assert row[2] == f"mandat-{rum}.pdf"

        # Enter writes it out; an existing file is only replaced after asking.
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WriteDocumentDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert "existe déjà dans votre dossier d'envoi" in text_of(app.screen.query_one("Static"))
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, WriteDocumentDialog)
        assert "Fichier existant gardé" in text_of(app.screen.query_one("#save-error", Static))


async def test_another_reseller_sees_no_document(app, scopes):
    from db.documents.mandate_generation import generate_mandate

    generate_mandate(scopes["revendeur"], 1744)
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "revendeur2")
        app.open_place("documents")
        await settle(pilot)
        await settle(pilot)
        listing = app.screen.query_one(RecordList)
        assert listing.total == 0
        assert "Aucun document" in text_of(listing.query_one(".status", Static))


async def test_operator_edits_the_creditor_settings(app):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "operateur", operator=True)
        app.open_place("creditor")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, CreditorSettingsScreen)
        ics = app.screen.query_one("#field-ics", FormField)
        assert ics.value == "FR72ZZZ123456"
        ics.control.focus()
        ics.control.value = ""
        await type_text(pilot, "FR73ZZZ123456")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "clé de contrôle" in text_of(ics.query_one(".error", Static))

        ics.control.value = ""
        await type_text(pilot, "FR72ZZZ123456")
        name = app.screen.query_one("#field-name", FormField)
        name.control.value = "OPENIP SAS"
        await pilot.press("ctrl+s")
        await settle(pilot)
        from db.documents.creditor import get_creditor_settings

        assert get_creditor_settings(1).name == "OPENIP SAS"
