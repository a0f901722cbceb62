"""db.files.folders: each person's inbox and outbox, files reached by name only, never through a link."""

from __future__ import annotations

import io
import os
import stat

import pytest

from db.core.errors import DomainError, FieldError
from db.files.folders import (
    FolderFile,
    check_name,
    copy_in,
    inbox,
    list_files,
    open_file,
    outbox,
    read_file,
    write_bytes,
)
from db.files.writes import OutputExists


@pytest.fixture
def root(tmp_path):
    return tmp_path / "files"


def _mode(path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


@pytest.mark.parametrize(
    "name, message",
    [
        ("", "Indiquez un nom de fichier."),
        ("   ", "Indiquez un nom de fichier."),
        ("../x", "sans « / » ni « \\ »"),
        ("/etc/passwd", "sans « / » ni « \\ »"),
        ("sous\\dossier.csv", "sans « / » ni « \\ »"),
        ("..", "ne commence pas par un point"),
        (".bashrc", "ne commence pas par un point"),
        ("a..b", "« .. » n'est pas permis"),
        ("~", "« ~ » n'est pas permis"),
        ("~root", "« ~ » n'est pas permis"),
        ("a\x00b.pdf", "caractère de contrôle"),
        ("a\nb.pdf", "caractère de contrôle"),
        ("rapport\u202egpj.exe", "caractère de contrôle"),  # right-to-left override
        ("x" * 121, "Nom trop long : 120 caractères au plus."),
        ("é" * 120 + ".pdf", "Nom trop long"),
    ],
)
def test_bad_names_are_refused_with_a_french_message(name, message):
    with pytest.raises(FieldError) as refused:
        check_name(name)
    assert message in refused.value.message


def test_good_names_are_kept_as_typed_without_the_ends_blanks():
    assert check_name("  Mandat signé n°2 (Duval).pdf ") == "Mandat signé n°2 (Duval).pdf"
    assert check_name("prospects-2026-12-04.csv") == "prospects-2026-12-04.csv"


def test_folders_are_made_at_first_use_private_and_files_are_0600(root):
    box = outbox(root, "revendeur")
    assert not root.exists()
    write_bytes(box, "a.pdf", b"%PDF-1.4 x")
    assert box.path == root / "revendeur" / "outbox"
    assert (box.path / "a.pdf").read_bytes() == b"%PDF-1.4 x"
    assert _mode(root / "revendeur") == 0o700
    assert _mode(box.path) == 0o700
    assert _mode(box.path / "a.pdf") == 0o600
    assert [e.name for e in list_files(box)] == ["a.pdf"]
    assert list_files(inbox(root, "revendeur")) == []  # made too, empty
    assert _mode(root / "revendeur" / "inbox") == 0o700
    assert box.label == "Dossier d'envoi" and inbox(root, "x").label == "Dossier de dépôt"


def test_an_existing_file_is_replaced_only_when_asked(root):
    box = outbox(root, "revendeur")
    write_bytes(box, "a.csv", b"old")
    with pytest.raises(OutputExists) as exists:
        write_bytes(box, "a.csv", b"new")
    assert exists.value.message == ("Le fichier « a.csv » existe déjà dans votre dossier d'envoi.")
    assert (box.path / "a.csv").read_bytes() == b"old"
    write_bytes(box, "a.csv", b"new", overwrite=True)
    assert (box.path / "a.csv").read_bytes() == b"new"
    assert sorted(os.listdir(box.path)) == ["a.csv"]  # no temporary file left


def test_a_failed_write_leaves_nothing_and_the_old_file_intact(root):
    box = outbox(root, "revendeur")
    write_bytes(box, "a.csv", b"old")

    def fill(stream):
        stream.write(b"half")
        raise DomainError("refusé en route")

    with pytest.raises(DomainError, match="refusé en route"):
        FolderFile(box, "a.csv").write(fill, overwrite=True)
    assert (box.path / "a.csv").read_bytes() == b"old"
    assert os.listdir(box.path) == ["a.csv"]


def test_a_symlink_in_place_of_a_file_is_never_followed(root, tmp_path):
    box = inbox(root, "revendeur")
    list_files(box)  # made
    secret = tmp_path / "secret.pdf"
    secret.write_bytes(b"%PDF-secret")
    (box.path / "lien.pdf").symlink_to(secret)
    with pytest.raises(DomainError, match="« lien.pdf » est un lien : fichier refusé."):
        read_file(box, "lien.pdf")
    assert list_files(box) == []  # links are not listed
    # Writing over a link replaces the link itself, never the file it points to.
    out = outbox(root, "revendeur")
    list_files(out)
    target = tmp_path / "victim"
    target.write_bytes(b"keep")
    (out.path / "x.csv").symlink_to(target)
    with pytest.raises(OutputExists):
        write_bytes(out, "x.csv", b"new")
    write_bytes(out, "x.csv", b"new", overwrite=True)
    assert target.read_bytes() == b"keep"
    assert not (out.path / "x.csv").is_symlink()


def test_a_swapped_folder_symlink_is_refused(root, tmp_path):
    """The person's folder replaced by a link to elsewhere (say, the database's folder)."""
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "myopenip.db").write_bytes(b"SQLite format 3\x00")
    box = outbox(root, "revendeur")
    list_files(box)
    os.rename(box.path, tmp_path / "moved")
    box.path.symlink_to(elsewhere)
    with pytest.raises(DomainError, match="Votre dossier d'envoi n'a pas pu être ouvert"):
        write_bytes(box, "myopenip.db", b"x", overwrite=True)
    with pytest.raises(DomainError, match="n'a pas pu être ouvert"):
        read_file(box, "myopenip.db")
    assert (elsewhere / "myopenip.db").read_bytes() == b"SQLite format 3\x00"
    # The login folder swapped too.
    os.unlink(box.path)
    os.rename(root / "revendeur", tmp_path / "moved-login")
    (root / "revendeur").symlink_to(elsewhere)
    with pytest.raises(DomainError, match="n'a pas pu être ouvert"):
        list_files(box)


def test_a_fifo_or_a_device_is_not_read(root):
    box = inbox(root, "revendeur")
    list_files(box)
    os.mkfifo(box.path / "tube.csv")  # opening it must not block
    with pytest.raises(DomainError, match="« tube.csv » n'est pas un fichier ordinaire"):
        read_file(box, "tube.csv")
    os.symlink("/dev/zero", box.path / "zero.csv")
    with pytest.raises(DomainError, match="est un lien"):
        read_file(box, "zero.csv")
    (box.path / "dossier.pdf").mkdir()
    with pytest.raises(DomainError, match="n'est pas un fichier ordinaire"):
        read_file(box, "dossier.pdf")
    assert list_files(box) == []


def test_the_size_cap_is_checked_before_reading(root):
    box = inbox(root, "revendeur")
    list_files(box)
    with open(box.path / "gros.pdf", "wb") as big:
        big.truncate(3 * 1024 * 1024)  # sparse: no 3 Mo written
    with pytest.raises(DomainError) as refused:
        read_file(box, "gros.pdf", max_bytes=2 * 1024 * 1024)
    assert refused.value.message == "« gros.pdf » fait 3,0 Mo : 2 Mo au plus."
    with pytest.raises(DomainError, match="2 Mo au plus"), open_file(box, "gros.pdf", 2 << 20):
        pass
    assert read_file(box, "gros.pdf", max_bytes=4 << 20) == b"\0" * (3 << 20)


def test_missing_and_bad_names_are_said_plainly(root):
    box = inbox(root, "revendeur")
    with pytest.raises(DomainError) as missing:
        read_file(box, "absent.pdf")
    assert missing.value.message == (
        "Le fichier « absent.pdf » n'est pas dans votre dossier de dépôt."
    )
    with pytest.raises(FieldError, match="sans « / »"):
        read_file(box, "../../etc/passwd")


def test_copy_in_takes_a_stream_up_to_the_cap_and_nothing_beyond(root):
    box = inbox(root, "revendeur")
    assert copy_in(box, "rib.pdf", io.BytesIO(b"%PDF-" + b"x" * 100)) == 105
    assert (box.path / "rib.pdf").read_bytes().startswith(b"%PDF-")
    with pytest.raises(DomainError, match="« gros.pdf » dépasse 1 Mo : fichier refusé."):
        copy_in(box, "gros.pdf", io.BytesIO(b"x" * ((1 << 20) + 1)), max_bytes=1 << 20)
    assert [e.name for e in list_files(box)] == ["rib.pdf"]  # nothing half-written


def test_a_login_that_is_not_a_name_never_makes_a_folder(root):
    with pytest.raises(FieldError):
        list_files(outbox(root, "../revendeur"))
    assert not root.exists()


def test_hidden_and_temporary_files_are_not_listed(root):
    box = outbox(root, "revendeur")
    write_bytes(box, "b.csv", b"1")
    write_bytes(box, "A.csv", b"22")
    (box.path / ".myopenip-1234.part").write_bytes(b"x")
    assert [(e.name, e.size) for e in list_files(box)] == [("A.csv", 2), ("b.csv", 1)]
