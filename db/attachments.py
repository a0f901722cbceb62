"""Attachments: a signed mandate or a RIB, a PDF picked in the inbox folder and stored with the
company (Mandat Sépa / RIB rows of the billing point)."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from pathlib import Path

from db.database import atomic
from db.documents import (
    DocumentFilters,
    DocumentRow,
    billing_point_of,
    format_size,
    list_documents,
    store_document,
)
from db.errors import DomainError
from db.models import Document
from db.scope import Scope

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024  # "PDF, 20Mo max"
PDF_MAGIC = b"%PDF-"
ATTACHABLE_KINDS = (Document.KIND_MANDATE_SIGNED, Document.KIND_RIB)
# The guide's labels of the two attachment rows of the billing point.
ATTACHMENT_LABELS = {
    Document.KIND_MANDATE_SIGNED: "Mandat Sépa (PDF, 20Mo max)",
    Document.KIND_RIB: "RIB (PDF, 20Mo max)",
}


def _inbox_root(inbox: str | Path) -> Path:
    try:
        root = Path(inbox).expanduser().resolve(strict=True)
    except OSError:
        raise DomainError(f"Le dossier de dépôt « {inbox} » n'existe pas.") from None
    if not root.is_dir():
        raise DomainError(f"Le dossier de dépôt « {inbox} » n'est pas un dossier.")
    return root


def read_attachment(path: str | Path, inbox: str | Path) -> tuple[str, bytes]:
    """(file name, content) of a PDF picked in the inbox, or DomainError saying why not.

    The path is resolved first (links included) and must stay inside the inbox; the file is
    then opened without following a link, checked as a regular file on the open descriptor,
    and read once, at most 20 Mo + 1 byte, so what is checked is exactly what is stored.
    """
    root = _inbox_root(inbox)
    given = Path(path).expanduser()
    if not given.is_absolute():
        given = root / given
    name = given.name
    try:
        real = given.resolve(strict=True)
    except FileNotFoundError:
        raise DomainError(f"Le fichier « {name} » est introuvable.") from None
    except OSError as exc:
        raise DomainError(f"Le fichier « {name} » n'a pas pu être lu ({exc.strerror}).") from None
    if not real.is_relative_to(root):
        raise DomainError(f"« {name} » mène hors du dossier de dépôt ({root}) : fichier refusé.")
    if real.is_dir():
        raise DomainError(f"« {name} » est un dossier : choisissez un fichier PDF.")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(real, flags)
    except PermissionError:
        raise DomainError(
            f"Le fichier « {name} » n'est pas lisible (droits insuffisants)."
        ) from None
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise DomainError(f"« {name} » a changé pendant la lecture : réessayez.") from None
        raise DomainError(f"Le fichier « {name} » n'a pas pu être lu ({exc.strerror}).") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise DomainError(f"« {name} » n'est pas un fichier ordinaire : fichier refusé.")
        if info.st_size > MAX_ATTACHMENT_BYTES:
            raise DomainError(_too_big(name, info.st_size))
        chunks, total = [], 0
        while total <= MAX_ATTACHMENT_BYTES:
            chunk = os.read(fd, min(1 << 20, MAX_ATTACHMENT_BYTES + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as exc:
        raise DomainError(f"Le fichier « {name} » n'a pas pu être lu ({exc.strerror}).") from None
    finally:
        os.close(fd)
    content = b"".join(chunks)
    if len(content) > MAX_ATTACHMENT_BYTES:
        raise DomainError(_too_big(name, len(content)))
    if not content.startswith(PDF_MAGIC):
        raise DomainError(
            f"« {name} » n'est pas un PDF (son contenu ne commence pas par %PDF-) : fichier refusé."
        )
    return name, content


def _too_big(name: str, size: int) -> str:
    return f"« {name} » fait {format_size(size)} : 20 Mo au plus."


def attach_file(
    scope: Scope, company_id: int, kind: str, path: str | Path, inbox: str | Path
) -> Document:
    """Store a PDF from the inbox as the company's signed mandate or RIB (all or nothing)."""
    if kind not in ATTACHABLE_KINDS:
        raise DomainError(f"Type de document inconnu : {kind}.")
    scope.company(company_id)  # a file is never even read for a company the user cannot see
    name, content = read_attachment(path, inbox)
    digest = hashlib.sha256(content).hexdigest()
    with atomic():
        company = scope.company(company_id)
        billing = billing_point_of(company)
        return store_document(
            scope,
            company.id,
            billing.id if billing else None,
            kind,
            name[:255],
            content,
            digest,
            "document_attached",
            {
                "company": company.id,
                "kind": kind,
                "filename": name,
                "size": len(content),
                "sha256": digest,
            },
        )


def latest_attachments(scope: Scope, company_id: int) -> dict[str, DocumentRow]:
    """The newest signed mandate and RIB of a visible company, by kind (absent kinds left out)."""
    scope.company(company_id)
    latest: dict[str, DocumentRow] = {}
    for kind in ATTACHABLE_KINDS:
        rows = list_documents(scope, DocumentFilters(company_id=company_id, kind=kind), 0, 1)
        if rows:
            latest[kind] = rows[0]
    return latest
