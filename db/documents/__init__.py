"""Documents kept with a company: SEPA mandates (RUM, ICS, the PDF), the creditor
settings, attached files (signed mandate, RIB), the Formulaires list."""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.core.facade import lazy_names

if TYPE_CHECKING:
    from db.documents.attachments import (
        ATTACHABLE_KINDS,
        ATTACHMENT_LABELS,
        attach_file,
        latest_attachments,
    )
    from db.documents.creditor import (
        CREDITOR_ADDRESS_MAX_LINES,
        CREDITOR_FIELDS,
        CreditorSettings,
        get_creditor_settings,
        set_creditor_settings,
    )
    from db.documents.mandate_generation import generate_mandate, mandate_data
    from db.documents.mandate_pdf import render_mandate_pdf
    from db.documents.sepa import validate_ics
    from db.documents.storage import (
        DocumentFilters,
        count_documents,
        list_documents,
        write_document,
        write_document_to_path,
    )

# What the rest of the app may use, and the module each name comes from.
_WHERE = {
    "ATTACHABLE_KINDS": "attachments",
    "ATTACHMENT_LABELS": "attachments",
    "CREDITOR_ADDRESS_MAX_LINES": "creditor",
    "CREDITOR_FIELDS": "creditor",
    "CreditorSettings": "creditor",
    "DocumentFilters": "storage",
    "attach_file": "attachments",
    "count_documents": "storage",
    "generate_mandate": "mandate_generation",
    "get_creditor_settings": "creditor",
    "latest_attachments": "attachments",
    "list_documents": "storage",
    "mandate_data": "mandate_generation",
    "render_mandate_pdf": "mandate_pdf",
    "set_creditor_settings": "creditor",
    "validate_ics": "sepa",
    "write_document": "storage",
    "write_document_to_path": "storage",
}
__all__ = [
    "ATTACHABLE_KINDS",
    "ATTACHMENT_LABELS",
    "CREDITOR_ADDRESS_MAX_LINES",
    "CREDITOR_FIELDS",
    "CreditorSettings",
    "DocumentFilters",
    "attach_file",
    "count_documents",
    "generate_mandate",
    "get_creditor_settings",
    "latest_attachments",
    "list_documents",
    "mandate_data",
    "render_mandate_pdf",
    "set_creditor_settings",
    "validate_ics",
    "write_document",
    "write_document_to_path",
]
__getattr__ = lazy_names(__name__, _WHERE)
