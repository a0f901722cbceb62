"""Documents, generated mandates and attachments: real values, the RUM, attachments, scope."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import subprocess
import sys
from dataclasses import replace

import pytest
from pypdf import PdfReader

from db.companies.prospects import load_prospect, save_billing_step
from db.core.errors import DomainError, NotFound, ValidationErrors
from db.core.models import BillingPoint, Document
from db.core.scope import SYSTEM
from db.core.validation import validate_rum
from db.documents.attachments import MAX_ATTACHMENT_BYTES, attach_file
from db.documents.creditor import get_creditor_settings, set_creditor_settings
from db.documents.mandate import MandateData, render_mandate_pdf
from db.documents.mandate_generation import generate_mandate
from db.documents.storage import (
    DocumentFilters,
    count_documents,
    get_document_content,
    list_documents,
    write_document,
)
from db.files import folders
from db.files.folders import Folder, FolderFile
from db.files.writes import OutputExists

OPENIP, NORD = 1, 6  # the demo's two operators
IBAN_1744 = "FR7630004000031234567890143"


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def documents() -> int:
    return Document.select().count()


def billing_of(company_id: int) -> BillingPoint:
    return BillingPoint.select().where(BillingPoint.company == company_id).get()


def a_pdf() -> bytes:
    return render_mandate_pdf(
        MandateData(
            rum="RUM-TEST-1",
            creditor_name="Créancier",
            creditor_ics="FR72ZZZ123456",
            creditor_address="1 rue A\n75001 PARIS",
            debtor_name="Débiteur",
            debtor_address="2 rue B\n92110 CLICHY",
            iban=IBAN_1744,
            bic="BNPAFRPP",
        )
    )


@pytest.fixture
def inbox(tmp_path) -> Folder:
    """revendeur's inbox (Dossier de dépôt), made as the app makes it."""
    folder = folders.inbox(tmp_path / "files", "revendeur")
    folders.list_files(folder)
    return folder


@pytest.fixture
def outbox(tmp_path) -> Folder:
    return folders.outbox(tmp_path / "files", "revendeur")


# -- the generated mandate -----------------------------------------------------------------------


def test_mandate_of_1744_prints_the_prospects_real_values(scopes):
    scope = scopes["revendeur"]
    set_creditor_settings(
        SYSTEM,
        replace(
            get_creditor_settings(OPENIP),
            name="Opérateur Télécom €",
            address="12 avenue de l'Europe\nBâtiment É\n92110 CLICHY",
        ),
        operator_id=OPENIP,
    )
    rum = billing_of(1744).rum
    before = documents()

    document = generate_mandate(scope, 1744)

    assert documents() == before + 1
    stored = Document.get_by_id(document.id)
    assert stored.kind == Document.KIND_MANDATE_GENERATED
    assert stored.filename == f"mandat-{rum}.pdf"
    assert stored.company_id == 1744 and stored.created_by_id == scope.user_id
    filename, content = get_document_content(scope, document.id)
    assert filename == stored.filename and len(content) == stored.size
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    for expected in (
        "Mandat de prélèvement SEPA",
        rum,
        "Opérateur Télécom €",
        "FR72ZZZ123456",
        "12 avenue de l'Europe Bâtiment É 92110 CLICHY",
        "BOULANGERIE MARTIN ET FILS",
        "12 avenue Jean Jaurès 92110 CLICHY",
        "FR76 3000 4000 0312 3456 7890 143",
        "BNPAFRPP",
        "récurrent",
        "8 semaines",
        "vous autorisez (A) Opérateur Télécom € à envoyer des instructions à votre banque",
        "Fait à Clichy",
        "Signature",
    ):
        assert expected in text, expected


def test_1743_without_billing_point_is_refused_with_the_missing_fields(scopes):
    before = documents()
    with pytest.raises(DomainError) as refused:
        generate_mandate(scopes["revendeur"], 1743)
    message = refused.value.message
    assert message.startswith("Le mandat ne peut pas être généré")
    for label in ("Titulaire du compte", "Iban", "Code Bic"):
        assert label in message
    assert documents() == before


def test_missing_creditor_settings_are_named(scopes):
    from db.core.models import OperatorSetting

    OperatorSetting.delete().where(
        (OperatorSetting.operator == OPENIP) & (OperatorSetting.key == "creditor_ics")
    ).execute()
    with pytest.raises(DomainError, match="ICS"):
        generate_mandate(scopes["revendeur"], 1744)


def billing_data(scope, company_id: int, **changes) -> tuple[dict, dict]:
    record = load_prospect(scope, company_id)
    values = record.billing_values()
    values.update(changes)
    return values, record.versions


def test_rum_is_stable_across_generation_and_later_saves(scopes):
    scope = scopes["revendeur"]
    rum = billing_of(1744).rum
    generate_mandate(scope, 1744)
    save_billing_step(scope, 1744, *billing_data(scope, 1744, rum=""))
    save_billing_step(scope, 1744, *billing_data(scope, 1744, email="autre@martin.fr"))
    assert billing_of(1744).rum == rum
    again = generate_mandate(scope, 1744)
    assert rum in pdf_text(get_document_content(scope, again.id)[1])


def test_virement_billing_point_gets_its_rum_when_the_mandate_is_generated(scopes):
    scope = scopes["revendeur"]
    record = load_prospect(scope, 1743)
    values = {
        "holder": "CABINET DUVAL ET ASSOCIÉS",
        "email": "compta@duval.fr",
        "payment_mode": "Virement",
        "payment_terms": "À réception",
        "vat_regime": "Assujetti",
        "paper_invoice": False,
        "iban": "FR7630006000011234567890189",
        "bic": "AGRIFRPP",
        "rum": "",
        "number": "37",
        "street": "rue de Neuilly",
        "country": "France",
        "postcode": "92110",
        "city": "CLICHY",
    }
    save_billing_step(scope, 1743, values, record.versions)
    assert billing_of(1743).rum is None  # no RUM needed for Virement

    document = generate_mandate(scope, 1743)

    rum = billing_of(1743).rum
    assert rum and validate_rum(rum) == rum
    assert document.filename == f"mandat-{rum}.pdf"
    assert rum in pdf_text(get_document_content(scope, document.id)[1])
    save_billing_step(scope, 1743, values, load_prospect(scope, 1743).versions)
    assert billing_of(1743).rum == rum  # stored once, never recomputed


# -- attachments -----------------------------------------------------------------------------------


def test_a_real_pdf_is_stored_and_read_back_byte_for_byte(scopes, inbox):
    scope = scopes["revendeur"]
    content = a_pdf()
    (inbox.path / "rib martin.pdf").write_bytes(content)

    document = attach_file(scope, 1744, Document.KIND_RIB, "rib martin.pdf", inbox)

    stored = Document.get_by_id(document.id)
    assert stored.kind == Document.KIND_RIB
    assert stored.filename == "rib martin.pdf"
    assert stored.size == len(content)
    assert stored.created_by_id == scope.user_id and stored.created_at is not None
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert get_document_content(scope, document.id) == ("rib martin.pdf", content)


def _png_renamed(inbox):
    (inbox.path / "rib.pdf").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 200)
    return "rib.pdf", "« rib.pdf » n'est pas un PDF (son contenu ne commence pas par %PDF-)"


def _too_big(inbox):
    path = inbox.path / "gros.pdf"
    with path.open("wb") as handle:
        handle.write(b"%PDF-1.7\n")
        handle.truncate(21 * 1024 * 1024)
    assert path.stat().st_size > MAX_ATTACHMENT_BYTES
    return "gros.pdf", "« gros.pdf » fait 21,0 Mo : 20 Mo au plus."


def _directory(inbox):
    (inbox.path / "dossier.pdf").mkdir()
    return "dossier.pdf", "« dossier.pdf » n'est pas un fichier ordinaire"


def _link_out_of_inbox(inbox):
    outside = inbox.path.parent / "secret.pdf"
    outside.write_bytes(a_pdf())
    (inbox.path / "lien.pdf").symlink_to(outside)
    return "lien.pdf", "« lien.pdf » est un lien : fichier refusé."


def _path_out_of_inbox(inbox):
    (inbox.path.parent / "ailleurs.pdf").write_bytes(a_pdf())
    return "../ailleurs.pdf", "sans « / » ni « \\ »"


def _subfolder_path(inbox):
    (inbox.path / "sub").mkdir()
    (inbox.path / "sub" / "mandat.pdf").write_bytes(a_pdf())
    return "sub/mandat.pdf", "sans « / » ni « \\ »"


def _absolute_path(inbox):
    return str(inbox.path.parent / "ailleurs.pdf"), "sans « / » ni « \\ »"


def _fifo(inbox):
    os.mkfifo(inbox.path / "tube.pdf")
    return "tube.pdf", "« tube.pdf » n'est pas un fichier ordinaire"


_AS_NOBODY = """
import os, sys
from db.files import folders
from db.documents.attachments import attach_file
from db.core.database import open_database
from db.core.errors import DomainError
from db.core.models import Document, User
from db.core.scope import Scope

open_database(sys.argv[1])
inbox = folders.inbox(sys.argv[2], "revendeur")
folders.list_files(inbox)
path = inbox.path / "prive.pdf"
path.write_bytes(sys.stdin.buffer.read())
path.chmod(0)  # its owner, nobody, cannot read it either
before = Document.select().count()
try:
    attach_file(Scope.for_user(User.get(User.login == "revendeur")), 1744,
                Document.KIND_RIB, "prive.pdf", inbox)
except DomainError as refused:
    print(refused.message)
print("documents:", Document.select().count() - before)
"""


UNREADABLE = "Le fichier « prive.pdf » n'est pas lisible (droits insuffisants)."


def test_an_unreadable_attachment_is_refused_and_nothing_is_stored(scopes, inbox):
    """Root reads any file: as root (CI) the case runs as `nobody` (runuser) on a copy of the
    store it may write; as an ordinary account, here."""
    if os.geteuid() == 0:
        _unreadable_as_nobody()
        return
    path = inbox.path / "prive.pdf"
    path.write_bytes(a_pdf())
    path.chmod(0)
    before = documents()
    with pytest.raises(DomainError) as refused:
        attach_file(scopes["revendeur"], 1744, Document.KIND_RIB, "prive.pdf", inbox)
    assert refused.value.message == UNREADABLE
    assert documents() == before


def _unreadable_as_nobody() -> None:
    import shutil
    import tempfile

    from db.core.database import database_proxy, is_sqlite

    work = tempfile.mkdtemp(prefix="myopenip-nobody-")  # pytest's tmp is root's only (0700)
    try:
        os.chmod(work, 0o755)
        target = str(database_proxy.obj.database)
        if is_sqlite():
            database_proxy.obj.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            shutil.copy(target, os.path.join(work, "store.db"))
            target = os.path.join(work, "store.db")
        else:
            target = os.environ["MYOPENIP_TEST_DATABASE_URL"].rsplit("/", 1)[0] + "/" + target
        subprocess.run(["chown", "-R", "nobody", work], check=True)
        done = subprocess.run(
            [
                "runuser",
                "-u",
                "nobody",
                "--",
                sys.executable,
                "-c",
                _AS_NOBODY,
                target,
                os.path.join(work, "files"),
            ],
            input=a_pdf(),
            capture_output=True,
            cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))),
            timeout=120,
            env={"PATH": os.environ.get("PATH", ""), "HOME": work, "PYTHONDONTWRITEBYTECODE": "1"},
        )
        out = done.stdout.decode()
        assert done.returncode == 0, done.stderr.decode()[-2000:]
        assert out.splitlines() == [UNREADABLE, "documents: 0"], out
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _missing(inbox):
    return "absent.pdf", "Le fichier « absent.pdf » n'est pas dans votre dossier de dépôt."


@pytest.mark.parametrize(
    "make",
    [
        _png_renamed,
        _too_big,
        _directory,
        _link_out_of_inbox,
        _path_out_of_inbox,
        _subfolder_path,
        _absolute_path,
        _fifo,
        _missing,
    ],
    ids=[
        "png-renamed",
        "21-mo",
        "directory",
        "link-out",
        "path-out",
        "sub-folder",
        "absolute",
        "fifo",
        "missing",
    ],
)
def test_bad_attachments_are_refused_and_nothing_is_stored(scopes, inbox, make):
    name, reason = make(inbox)
    before = documents()
    with pytest.raises(DomainError) as refused:
        attach_file(scopes["revendeur"], 1744, Document.KIND_RIB, name, inbox)
    assert reason in refused.value.message
    assert documents() == before


def test_unknown_attachment_kind_is_refused(scopes, inbox):
    (inbox.path / "a.pdf").write_bytes(a_pdf())
    with pytest.raises(DomainError):
        attach_file(scopes["revendeur"], 1744, Document.KIND_MANDATE_GENERATED, "a.pdf", inbox)


# -- listing, reading, writing out -------------------------------------------------------------


def test_list_is_paged_filtered_and_never_reads_the_content(scopes, inbox, caplog):
    scope = scopes["revendeur"]
    generate_mandate(scope, 1744)
    (inbox.path / "rib.pdf").write_bytes(a_pdf())
    attach_file(scope, 1744, Document.KIND_RIB, "rib.pdf", inbox)
    attach_file(scope, 1744, Document.KIND_MANDATE_SIGNED, "rib.pdf", inbox)

    with caplog.at_level(logging.DEBUG, logger="peewee"):
        rows = list_documents(scope, DocumentFilters(), 0, 2)
        total = count_documents(scope, DocumentFilters())
    sql = " ".join(record.getMessage() for record in caplog.records)
    assert "document" in sql.lower() and '"content"' not in sql

    assert total == 3 and len(rows) == 2
    assert rows[0].kind == Document.KIND_MANDATE_SIGNED  # newest first
    assert len(list_documents(scope, DocumentFilters(), 2, 2)) == 1
    assert count_documents(scope, DocumentFilters(kind="rib")) == 1
    assert count_documents(scope, DocumentFilters(kind="généré")) == 1
    assert count_documents(scope, DocumentFilters(company="boulangerie")) == 3
    assert count_documents(scope, DocumentFilters(company="1744")) == 3
    assert count_documents(scope, DocumentFilters(company="duval")) == 0
    assert count_documents(scope, DocumentFilters(company_id=1744)) == 3
    assert rows[0].company_name == "BOULANGERIE MARTIN ET FILS"
    assert rows[0].created_by == "revendeur"


def test_write_out_goes_to_the_outbox_and_replaces_only_when_asked(scopes, outbox):
    scope = scopes["revendeur"]
    document = generate_mandate(scope, 1744)
    _, content = get_document_content(scope, document.id)
    target = FolderFile(outbox, "mandat.pdf")
    out = outbox.path / "mandat.pdf"

    assert write_document(scope, document.id, target) == target
    assert out.read_bytes() == content
    assert oct(out.stat().st_mode & 0o777) == "0o600"

    out.write_bytes(b"autre chose")
    with pytest.raises(OutputExists) as exists:
        write_document(scope, document.id, target)
    assert (
        exists.value.message == "Le fichier « mandat.pdf » existe déjà dans votre dossier d'envoi."
    )
    assert out.read_bytes() == b"autre chose"
    write_document(scope, document.id, target, overwrite=True)
    assert out.read_bytes() == content

    for bad in ("../mandat.pdf", "~/.bashrc", ".bashrc", "/tmp/x.pdf"):
        with pytest.raises(DomainError):
            write_document(scope, document.id, FolderFile(outbox, bad))
    assert os.listdir(outbox.path) == ["mandat.pdf"]


# -- scope -----------------------------------------------------------------------------------------


def test_another_reseller_cannot_reach_the_documents(scopes, inbox, tmp_path):
    theirs = folders.outbox(tmp_path / "files", "revendeur2")
    mine, other = scopes["revendeur"], scopes["revendeur2"]
    document = generate_mandate(mine, 1744)
    (inbox.path / "rib.pdf").write_bytes(a_pdf())
    before = documents()

    with pytest.raises(NotFound):
        generate_mandate(other, 1744)
    with pytest.raises(NotFound):
        attach_file(other, 1744, Document.KIND_RIB, "rib.pdf", inbox)
    assert list_documents(other, DocumentFilters(), 0, 50) == []
    assert count_documents(other, DocumentFilters(company="1744")) == 0
    assert count_documents(other, DocumentFilters(company_id=1744)) == 0
    with pytest.raises(NotFound):
        get_document_content(other, document.id)
    with pytest.raises(NotFound):
        write_document(other, document.id, FolderFile(theirs, "vol.pdf"))
    assert not (theirs.path / "vol.pdf").exists()
    assert documents() == before

    operator = scopes["operateur"]
    assert count_documents(operator, DocumentFilters(company_id=1744)) == 1


# -- creditor settings -----------------------------------------------------------------------------


def test_creditor_settings_are_validated_and_kept_for_operators(scopes):
    current = get_creditor_settings(OPENIP)
    assert current.name and current.ics and current.address  # the demo has valid settings

    with pytest.raises(ValidationErrors) as refused:
        set_creditor_settings(SYSTEM, replace(current, ics="FR73ZZZ123456"), operator_id=OPENIP)
    assert "clé de contrôle" in refused.value.errors["ics"]
    with pytest.raises(ValidationErrors) as refused:
        set_creditor_settings(
            SYSTEM,
            replace(current, name="", rum_prefix="BEAUCOUPTROPLONG"),
            operator_id=OPENIP,
        )
    assert set(refused.value.errors) == {"name", "rum_prefix"}
    assert get_creditor_settings(OPENIP) == current

    with pytest.raises(DomainError):
        set_creditor_settings(scopes["revendeur"], replace(current, name="Pirate"))
    saved = set_creditor_settings(
        scopes["operateur"], replace(current, name="OPENIP SAS", ics="fr72 zzz 123456")
    )
    assert saved.ics == "FR72ZZZ123456"
    assert get_creditor_settings(OPENIP).name == "OPENIP SAS"


# -- command line ----------------------------------------------------------------------------------


def test_mandate_command_writes_the_pdf_for_a_visible_company(demo_db, tmp_path, capsys):
    from tui.cli import main

    out = tmp_path / "mandat-1744.pdf"
    code = main(["--db", demo_db, "mandate", "1744", "--out", str(out), "--as", "revendeur"])
    assert code == 0
    assert out.read_bytes().startswith(b"%PDF-")
    assert "BOULANGERIE MARTIN ET FILS" in pdf_text(out.read_bytes())
    assert str(out) in capsys.readouterr().out

    # An existing output is not replaced without --force.
    code = main(["--db", demo_db, "mandate", "1744", "--out", str(out), "--as", "revendeur"])
    assert code != 0
    assert "existe déjà" in capsys.readouterr().err
    code = main(
        ["--db", demo_db, "mandate", "1744", "--out", str(out), "--as", "revendeur", "--force"]
    )
    assert code == 0


@pytest.mark.parametrize(
    ("company", "login", "message"),
    [
        ("99999", "revendeur", "introuvable"),  # unknown
        ("1744", "revendeur2", "introuvable"),  # not visible to that user
        ("1743", "revendeur", "Titulaire du compte"),  # incomplete: missing fields listed
        ("1744", "personne", "inconnu"),  # no such login
    ],
)
def test_mandate_command_refuses_with_a_message_and_nonzero_exit(
    demo_db, tmp_path, capsys, company, login, message
):
    from tui.cli import main

    out = tmp_path / "mandat.pdf"
    code = main(["--db", demo_db, "mandate", company, "--out", str(out), "--as", login])
    assert code != 0
    assert message in capsys.readouterr().err
    assert not out.exists()


def test_creditor_command_shows_and_sets_the_settings(demo_db, capsys):
    from tui.cli import main

    assert main(["--db", demo_db, "creditor"]) == 2  # two operators: which one?
    assert capsys.readouterr().err == (
        "Erreur : Indiquez l'opérateur (--operator IDENTIFIANT) : chaque opérateur a son "
        "créancier.\n"
    )
    assert main(["--db", demo_db, "creditor", "--operator", "1"]) == 0
    assert "FR72ZZZ123456" in capsys.readouterr().out
    assert main(["--db", demo_db, "creditor", "--operator", "1", "--ics", "FR73ZZZ123456"]) != 0
    assert "clé de contrôle" in capsys.readouterr().err
    code = main(
        ["--db", demo_db, "creditor", "--operator", "1", "--name", "OPENIP SAS"]
        + ["--address", r"1 rue X\n75001 PARIS"]
    )
    assert code == 0
    assert get_creditor_settings(OPENIP).address == "1 rue X\n75001 PARIS"
    assert get_creditor_settings(NORD).address == "5 rue Nationale\n59000 LILLE\nFrance"
    assert main(["--db", demo_db, "creditor", "--operator", "7"]) == 2  # a reseller
    assert "n'est pas un opérateur" in capsys.readouterr().err


def test_a_typed_rum_with_a_slash_gives_a_safe_file_name(scopes):
    scope = scopes["revendeur"]
    values, versions = billing_data(scope, 1744, rum="MARTIN/2026-01")
    save_billing_step(scope, 1744, values, versions)
    document = generate_mandate(scope, 1744)
    assert document.filename == "mandat-MARTIN_2026-01.pdf"
    assert "MARTIN/2026-01" in pdf_text(get_document_content(scope, document.id)[1])


# -- import cost ----------------------------------------------------------------------------------


def test_fpdf2_is_imported_only_when_a_mandate_is_rendered():
    """Lists, forms and documents screens never pay for fpdf2: only a PDF being made loads it."""
    code = (
        "import sys\n"
        "import db.companies.prospects, db.documents.storage, db.documents.attachments, db.documents.creditor, db.documents.mandate\n"
        "import db.documents.mandate_generation, db.exchange.exports, db.exchange.prospect_import\n"
        "print('fpdf' in sys.modules)\n"
        "from tests.unit.test_mandate import sample\n"
        "from db.documents.mandate import render_mandate_pdf\n"
        "assert render_mandate_pdf(sample()).startswith(b'%PDF-')\n"
        "print('fpdf' in sys.modules)\n"
    )
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=root
    )
    assert out.stdout.split() == ["False", "True"]


def test_a_mandate_the_font_cannot_draw_is_refused_and_nothing_is_stored(scopes):
    BillingPoint.update(holder="山田太郎").where(BillingPoint.company == 1744).execute()
    point = billing_of(1744)
    before = documents()
    with pytest.raises(DomainError) as refused:
        generate_mandate(scopes["revendeur"], 1744)
    assert "le champ « Titulaire du compte » contient le caractère « 山 »" in refused.value.message
    assert documents() == before
    after = billing_of(1744)
    assert (after.rum, after.lock_version) == (point.rum, point.lock_version)
