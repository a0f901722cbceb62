"""Attachments: a signed mandate or a RIB, a PDF picked by name in the person's inbox (Dossier de
dépôt, db.files.folders) and stored with the company (Mandat Sépa / RIB rows of the billing point)."""

from __future__ import annotations

import hashlib

from db.core.database import atomic
from db.core.errors import DomainError
from db.core.models import Document
from db.core.scope import Scope
from db.documents.storage import (
    DocumentFilters,
    DocumentRow,
    billing_point_of,
    list_documents,
    store_document,
)
from db.files.folders import Folder, check_name, read_file

MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024  # "PDF, 20Mo max"
PDF_MAGIC = b"%PDF-"
ATTACHABLE_KINDS = (Document.KIND_MANDATE_SIGNED, Document.KIND_RIB)
# The guide's labels of the two attachment rows of the billing point.
ATTACHMENT_LABELS = {
    Document.KIND_MANDATE_SIGNED: "Mandat Sépa (PDF, 20Mo max)",
    Document.KIND_RIB: "RIB (PDF, 20Mo max)",
}


def read_attachment(inbox: Folder, name: str) -> tuple[str, bytes]:
    """(file name, content) of a PDF of the person's inbox, or DomainError saying why not.

    Read by name through db.files.folders (no link followed, a regular file only, its size checked
    before reading), once: what is checked is exactly what is stored.
    """
    name = check_name(name)
    content = read_file(inbox, name, MAX_ATTACHMENT_BYTES)
    if not content.startswith(PDF_MAGIC):
        raise DomainError(
            f"« {name} » n'est pas un PDF (son contenu ne commence pas par %PDF-) : fichier refusé."
        )
    return name, content


def attach_file(scope: Scope, company_id: int, kind: str, name: str, inbox: Folder) -> Document:
    """Store a PDF from the inbox as the company's signed mandate or RIB (all or nothing)."""
    if kind not in ATTACHABLE_KINDS:
        raise DomainError(f"Type de document inconnu : {kind}.")
    scope.company(company_id)  # a file is never even read for a company the user cannot see
    name, content = read_attachment(inbox, name)
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
