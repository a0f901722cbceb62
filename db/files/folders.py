"""Each person's two folders, and files in them reached by name only, never by a path.

`<files root>/<login>/inbox` (Dossier de dépôt: what the person puts, what the app reads:
PDF attachments, CSV imports) and `<files root>/<login>/outbox` (Dossier d'envoi: what the
app writes for the person: CSV exports, documents), made at first use, 0700; files 0600.

A name is checked (check_name) and then only ever opened relative to its folder's descriptor
(`dir_fd`), with O_NOFOLLOW at every step below the root: a symlink planted or swapped in
the folder, or in place of the folder itself, is refused instead of followed. Reads are of
regular files only, their size checked on the open descriptor before reading; writes go to a
temporary file in the folder, linked (or, to replace, renamed) to their name once complete.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TypeVar

from db.core.errors import DomainError, FieldError
from db.files.writes import OutputExists

T = TypeVar("T")

INBOX, OUTBOX = "inbox", "outbox"
LABELS = {INBOX: "Dossier de dépôt", OUTBOX: "Dossier d'envoi"}
MAX_NAME = 120  # characters, and 255 bytes once encoded (the file system's own limit)
MAX_FILE_BYTES = 20 * 1024 * 1024  # what may come in: `put`, an attachment, a CSV import

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
_NOFOLLOW = os.O_NOFOLLOW


def check_name(name: str) -> str:
    """The file name as it will be used (ends' blanks removed), or FieldError saying why not."""
    name = (name or "").strip()
    if not name:
        raise FieldError("Indiquez un nom de fichier.")
    if "/" in name or "\\" in name:
        raise FieldError(
            "Indiquez un nom de fichier, sans « / » ni « \\ » : pas de chemin, le fichier est "
            "toujours dans votre dossier."
        )
    if any(unicodedata.category(char).startswith("C") for char in name):
        raise FieldError("Le nom contient un caractère de contrôle ou invisible : retirez-le.")
    if name.startswith("."):
        raise FieldError("Un nom de fichier ne commence pas par un point.")
    if ".." in name:
        raise FieldError("« .. » n'est pas permis dans un nom de fichier.")
    if "~" in name:
        raise FieldError("« ~ » n'est pas permis dans un nom de fichier.")
    if len(name) > MAX_NAME or len(name.encode("utf-8")) > 255:
        raise FieldError(f"Nom trop long : {MAX_NAME} caractères au plus.")
    return name


@dataclass(frozen=True)
class FileEntry:
    name: str
    size: int
    modified: float  # seconds since the epoch


@dataclass(frozen=True)
class Folder:
    """One person's inbox or outbox under the files root (`kind` INBOX or OUTBOX)."""

    root: Path
    login: str
    kind: str

    @property
    def label(self) -> str:
        return LABELS[self.kind]

    @property
    def path(self) -> Path:
        """Where it is on the server (shown to the user; never used to open a file)."""
        return Path(self.root).expanduser() / self.login / self.kind

    def where(self, name: str) -> str:
        """'dans votre dossier d'envoi' — how a message places a file."""
        return f"dans votre {self.label[0].lower()}{self.label[1:]}"

    @contextlib.contextmanager
    def opened(self) -> Iterator[int]:
        """The folder's descriptor, made on first use (root, login and kind: 0700)."""
        check_name(self.login)
        root = Path(self.root).expanduser()
        try:
            root.mkdir(mode=0o700, parents=True, exist_ok=True)
            root_fd = os.open(root, _DIR_FLAGS)
        except OSError as exc:
            raise DomainError(_cannot_open(self, exc)) from None
        try:
            person_fd = _subfolder(root_fd, self.login, self)
            try:
                folder_fd = _subfolder(person_fd, self.kind, self)
            finally:
                os.close(person_fd)
        finally:
            os.close(root_fd)
        try:
            yield folder_fd
        finally:
            os.close(folder_fd)


def inbox(root: str | Path, login: str) -> Folder:
    return Folder(Path(root), login, INBOX)


def outbox(root: str | Path, login: str) -> Folder:
    return Folder(Path(root), login, OUTBOX)


def _cannot_open(folder: Folder, exc: OSError) -> str:
    return f"Votre {folder.label.lower()} n'a pas pu être ouvert ({exc.strerror or exc})."


def _subfolder(parent_fd: int, name: str, folder: Folder) -> int:
    """`name` inside `parent_fd`, made 0700 if absent; a link or a file there is refused."""
    for _ in range(2):
        try:
            fd = os.open(name, _DIR_FLAGS | _NOFOLLOW, dir_fd=parent_fd)
        except FileNotFoundError:
            with contextlib.suppress(FileExistsError):
                os.mkdir(name, 0o700, dir_fd=parent_fd)
            continue
        except OSError as exc:
            # ELOOP (a symlink) or ENOTDIR (a file): never followed, never replaced.
            raise DomainError(_cannot_open(folder, exc)) from None
        with contextlib.suppress(OSError):  # a folder of an older install: made private
            os.fchmod(fd, 0o700)
        return fd
    raise DomainError(_cannot_open(folder, FileNotFoundError(2, "introuvable")))


def list_files(folder: Folder) -> list[FileEntry]:
    """The folder's regular files by name (links, sub-folders, hidden and bad names left out)."""
    found: list[FileEntry] = []
    with folder.opened() as fd, os.scandir(fd) as entries:
        for entry in entries:
            try:
                check_name(entry.name)
                info = entry.stat(follow_symlinks=False)
            except (FieldError, OSError):
                continue
            if stat.S_ISREG(info.st_mode):
                found.append(FileEntry(entry.name, info.st_size, info.st_mtime))
    found.sort(key=lambda e: e.name.casefold())
    return found


def _too_big(name: str, size: int, cap: int) -> str:
    from db.documents.storage import format_size  # db.documents.storage imports this module

    return f"« {name} » fait {format_size(size)} : {cap // (1024 * 1024)} Mo au plus."


@contextlib.contextmanager
def open_file(folder: Folder, name: str, max_bytes: int = MAX_FILE_BYTES) -> Iterator[IO[bytes]]:
    """A regular file of the folder opened for reading (binary), or DomainError saying why not.

    Opened by name relative to the folder without following a link, then checked on the open
    descriptor: a regular file (not a FIFO, a device, a folder), at most `max_bytes` long.
    """
    name = check_name(name)
    with folder.opened() as dir_fd:
        try:
            fd = os.open(
                name, os.O_RDONLY | _NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC, dir_fd=dir_fd
            )
        except FileNotFoundError:
            raise DomainError(f"Le fichier « {name} » n'est pas {folder.where(name)}.") from None
        except OSError as exc:
            raise DomainError(_unreadable(name, exc)) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise DomainError(f"« {name} » n'est pas un fichier ordinaire : fichier refusé.")
        if info.st_size > max_bytes:
            raise DomainError(_too_big(name, info.st_size, max_bytes))
        stream = os.fdopen(fd, "rb")
    except OSError as exc:
        os.close(fd)
        raise DomainError(_unreadable(name, exc)) from None
    except DomainError:
        os.close(fd)
        raise
    with stream:
        yield stream


def read_file(folder: Folder, name: str, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of the folder, at most `max_bytes` (see open_file).

    The read stops one byte past the cap, so a file grown since its size was checked is refused
    too; what was checked is what is returned.
    """
    with open_file(folder, name, max_bytes) as stream:
        try:
            content = stream.read(max_bytes + 1)
        except OSError as exc:
            raise DomainError(_unreadable(name, exc)) from None
    if len(content) > max_bytes:
        raise DomainError(_too_big(check_name(name), len(content), max_bytes))
    return content


def _unreadable(name: str, exc: OSError) -> str:
    import errno

    if exc.errno == errno.ELOOP:
        return f"« {name} » est un lien : fichier refusé."
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"Le fichier « {name} » n'est pas lisible (droits insuffisants)."
    return f"Le fichier « {name} » n'a pas pu être lu ({exc.strerror})."


def write_file(
    folder: Folder,
    name: str,
    fill: Callable[[IO], T],
    *,
    overwrite: bool = False,
    text: bool = False,
    encoding: str | None = None,
) -> T:
    """Write the file `name` of the folder through `fill(stream)`; complete or absent, 0600.

    The stream is binary, or text (`text`, `encoding`, newlines as given). Without `overwrite`
    an existing name is never replaced (OutputExists), even one made meanwhile: the complete
    temporary file is hard-linked to its name, which fails if the name exists. With it, the
    temporary file is renamed over the name (a link there is replaced, never followed). What
    `fill` raises (a size cap, a refused content) leaves nothing behind.
    """
    name = check_name(name)
    with folder.opened() as dir_fd:
        tmp = f".myopenip-{secrets.token_hex(8)}.part"
        try:
            fd = os.open(
                tmp,
                os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | os.O_CLOEXEC,
                0o600,
                dir_fd=dir_fd,
            )
        except OSError as exc:
            raise DomainError(
                f"Impossible d'écrire {folder.where(name)} ({exc.strerror})."
            ) from None
        stream = os.fdopen(fd, "w", encoding=encoding, newline="") if text else os.fdopen(fd, "wb")
        try:
            with stream:
                os.fchmod(fd, 0o600)  # whatever the umask
                result = fill(stream)
                stream.flush()
                os.fsync(stream.fileno())
            if overwrite:
                os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
            else:
                try:
                    os.link(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd, follow_symlinks=False)
                except FileExistsError:
                    raise OutputExists(name, folder.where(name)) from None
        except IsADirectoryError:
            raise DomainError(f"« {name} » est un dossier : choisissez un autre nom.") from None
        except OSError as exc:
            raise DomainError(
                f"Le fichier « {name} » n'a pas pu être écrit ({exc.strerror})."
            ) from None
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=dir_fd)
    return result


def write_bytes(folder: Folder, name: str, content: bytes, *, overwrite: bool = False) -> int:
    return write_file(folder, name, lambda stream: stream.write(content), overwrite=overwrite)


def copy_in(
    folder: Folder,
    name: str,
    source: IO[bytes],
    *,
    max_bytes: int = MAX_FILE_BYTES,
    overwrite: bool = False,
) -> int:
    """Write what `source` gives (stdin of `ssh … put NAME`) as `name`; refused past the cap."""

    def fill(stream) -> int:
        total = 0
        while chunk := source.read(1 << 16):
            total += len(chunk)
            if total > max_bytes:
                raise DomainError(
                    f"« {name} » dépasse {max_bytes // (1024 * 1024)} Mo : fichier refusé."
                )
            stream.write(chunk)
        return total

    return write_file(folder, name, fill, overwrite=overwrite)


@dataclass(frozen=True)
class FolderFile:
    """A file of a folder by name: where an export or a document goes (`str()`: its name)."""

    folder: Folder
    name: str

    def __post_init__(self):
        object.__setattr__(self, "name", check_name(self.name))

    def __str__(self) -> str:
        return self.name

    def write(self, fill: Callable[[IO], T], **options) -> T:
        return write_file(self.folder, self.name, fill, **options)
