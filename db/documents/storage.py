"""Documents (mandates, signed mandates, RIBs): storing one, listing those a user may see, reading
and writing one out.

Creditor settings are in db.documents.creditor, the generated mandate in db.documents.mandate_generation and the
attached PDFs in db.documents.attachments.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from peewee import JOIN

from db.core import audit
from db.core.errors import NotFound
from db.core.models import BillingPoint, Company, Document, User, fold
from db.core.scope import Scope
from db.core.text import bounded_int, search_filters
from db.files.folders import FolderFile
from db.files.writes import check_output_path, write_new_file

_LIST_COLUMNS = (
    Document.id,
    Document.company,
    Document.billing_point,
    Document.kind,
    Document.filename,
    Document.size,
    Document.sha256,
    Document.created_at,
    Document.created_by,
)


def document_without_content(doc_id: int) -> Document:
    return Document.select(*_LIST_COLUMNS).where(Document.id == doc_id).get()


def billing_point_of(company: Company) -> BillingPoint | None:
    """The company's billing point documents are stored with (its first one)."""
    return company.billing_points.order_by(BillingPoint.id).first()


def store_document(
    scope: Scope,
    company_id: int,
    billing_id: int | None,
    kind: str,
    filename: str,
    content: bytes,
    digest: str,
    event: str,
    details: dict,
) -> Document:
    """Store `content` (its SHA-256 `digest`) as a document of the company, audited as `event`
    with `details`; returned without its content. Run inside the caller's transaction."""
    document = Document.create(
        company=company_id,
        billing_point=billing_id,
        kind=kind,
        filename=filename,
        size=len(content),
        sha256=digest,
        content=content,
        created_by=scope.user_id,
    )
    audit.record(scope, event, "document", document.id, **details)
    return document_without_content(document.id)


@dataclass(frozen=True)
class DocumentFilters:
    company: str = ""  # IDENTIFIANT or part of the RAISON SOCIALE
    kind: str = ""  # a kind code, or part of its French label ("rib", "signé", ...)
    company_id: int | None = None  # exactly this company (the DOCUMENTS card)


@dataclass(frozen=True)
class DocumentRow:
    id: int
    company_id: int
    company_name: str
    kind: str
    filename: str
    size: int
    created_at: dt.datetime | None
    created_by: str

    @property
    def kind_label(self) -> str:
        return Document.LABELS.get(self.kind, self.kind)

    @property
    def size_label(self) -> str:
        return format_size(self.size)

    @property
    def date_label(self) -> str:
        return self.created_at.strftime("%d/%m/%Y %H:%M") if self.created_at else ""


def _kinds_matching(text: str) -> list[str]:
    wanted = fold(text.strip())
    return [
        kind
        for kind, label in Document.LABELS.items()
        if wanted in fold(label) or wanted in fold(kind)
    ]


def _document_query(scope: Scope, filters: DocumentFilters, *columns):
    query = (
        Document.select(*columns)
        .join(Company, on=(Document.company == Company.id))
        .switch(Document)
        .join(User, JOIN.LEFT_OUTER, on=(Document.created_by == User.id))
    )
    query = query.where(scope.owner_condition(Company))
    if filters.company_id is not None:
        query = query.where(Document.company == filters.company_id)
    filters = search_filters(filters)  # any text: rows or none, never a store error
    company = filters.company
    if company:
        by_name = Company.search_name.contains(fold(company))
        number = bounded_int(company)
        query = query.where((Company.id == number) | by_name if number is not None else by_name)
    if filters.kind.strip():
        query = query.where(Document.kind.in_(_kinds_matching(filters.kind)))
    return query


def list_documents(
    scope: Scope, filters: DocumentFilters, offset: int = 0, limit: int = 50
) -> list[DocumentRow]:
    """One page of the documents this user may see, newest first (contents are not loaded)."""
    query = (
        _document_query(
            scope,
            filters,
            Document.id,
            Document.company.alias("company_id"),
            Company.name.alias("company_name"),
            Document.kind,
            Document.filename,
            Document.size,
            Document.created_at,
            User.login.alias("login"),
        )
        .order_by(Document.created_at.desc(), Document.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [
        DocumentRow(
            row["id"],
            row["company_id"],
            row["company_name"],
            row["kind"],
            row["filename"],
            row["size"],
            row["created_at"],
            row["login"] or "",
        )
        for row in query.dicts()
    ]


def count_documents(scope: Scope, filters: DocumentFilters) -> int:
    return _document_query(scope, filters, Document.id).count()


def get_document_content(scope: Scope, doc_id: int) -> tuple[str, bytes]:
    """(file name, bytes) of a visible document; NotFound whether absent or not ours."""
    row = (
        _document_query(scope, DocumentFilters(), Document.filename, Document.content)
        .where(Document.id == doc_id)
        .first()
    )
    if row is None:
        raise NotFound(f"Document {doc_id} introuvable.")
    return row.filename, bytes(row.content)


def write_document(
    scope: Scope, doc_id: int, target: FolderFile, overwrite: bool = False
) -> FolderFile:
    """Write a visible document's bytes as a file of the person's outbox, complete or absent."""
    filename, content = get_document_content(scope, doc_id)
    target.write(lambda stream: stream.write(content), overwrite=overwrite)
    audit.record(scope, "document_written", "document", doc_id, filename=filename, file=target.name)
    return target


def write_document_to_path(
    scope: Scope, doc_id: int, out_path: str | Path, overwrite: bool = False
) -> Path:
    """The administrator's `myopenip mandate --out PATH` (a shell on the server, db.files.writes)."""
    out = check_output_path(out_path, overwrite)
    filename, content = get_document_content(scope, doc_id)
    write_new_file(out, lambda stream: stream.write(content), overwrite=overwrite)
    audit.record(scope, "document_written", "document", doc_id, filename=filename, path=str(out))
    return out


def format_size(size: int) -> str:
    """`842 octets`, `12,4 Ko`, `1,8 Mo` (French decimal comma)."""
    if size < 1024:
        return f"{size} octets"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} Ko".replace(".", ",")
    return f"{size / (1024 * 1024):.1f} Mo".replace(".", ",")
