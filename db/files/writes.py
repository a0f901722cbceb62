"""Files written by the administrator's commands (`myopenip mandate --out PATH`): complete or absent.

A free path is for the administrator alone, at the server's shell: what people do in the app
or over SSH reaches files by name in their own folders only (db.files.folders). Content goes to a
temporary file in the target's folder, renamed into place when complete; an existing file is
replaced only when the caller passes `overwrite` (after asking).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, TypeVar

from db.core.errors import DomainError

T = TypeVar("T")


class OutputExists(DomainError):
    """Writing would replace an existing file: the caller asks before passing overwrite."""

    def __init__(self, path: Path | str, where: str = ""):
        self.path = path
        super().__init__(f"Le fichier « {path} » existe déjà{' ' + where if where else ''}.")


def check_output_path(path: str | Path, overwrite: bool = False, what: str = "fichier") -> Path:
    """The file that would be written, or DomainError saying why it cannot be.

    `what` names the file in the message asking for a path ("fichier CSV").
    """
    text = str(path or "").strip()
    out = Path(text).expanduser()
    if not text or out.name in ("", ".", ".."):
        raise DomainError(f"Indiquez le chemin du {what} à écrire.")
    if out.is_dir():
        raise DomainError(f"« {out} » est un dossier : indiquez un nom de fichier.")
    if not out.parent.is_dir():
        raise DomainError(f"Le dossier « {out.parent} » n'existe pas.")
    if out.exists() and not overwrite:
        raise OutputExists(out)
    return out


def write_new_file(
    out: Path,
    fill: Callable[[IO], T],
    *,
    overwrite: bool = False,
    text: bool = False,
    encoding: str | None = None,
    suffix: str = ".part",
) -> T:
    """Write `out` through `fill(stream)` (what it returns is returned); complete or not at all.

    `out` comes from check_output_path. The stream is binary, or text (`text`, `encoding`,
    newlines written as given). Without `overwrite` a file created meanwhile is never replaced:
    the temporary file is hard-linked to its name, which fails if the name exists.
    """
    folder = out.parent
    try:
        handle, tmp = tempfile.mkstemp(prefix=".myopenip-", suffix=suffix, dir=folder)
    except PermissionError:
        raise DomainError(f"Impossible d'écrire dans « {folder} » (droits insuffisants).") from None
    except OSError as exc:
        raise DomainError(f"Impossible d'écrire dans « {folder} » ({exc.strerror}).") from None
    try:
        if text:
            stream = os.fdopen(handle, "w", encoding=encoding, newline="")
        else:
            stream = os.fdopen(handle, "wb")
        with stream:
            result = fill(stream)
        os.chmod(tmp, 0o644 & ~_umask())
        if overwrite:
            os.replace(tmp, out)
        else:
            try:
                os.link(tmp, out)
            except FileExistsError:
                raise OutputExists(out) from None
    except OSError as exc:
        raise DomainError(f"Le fichier « {out} » n'a pas pu être écrit ({exc.strerror}).") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return result


def _umask() -> int:
    """The process umask, read without setting it: os.umask() would briefly set it for every
    thread (the UI runs writes in worker threads), so /proc is read where it exists."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    return 0o022
