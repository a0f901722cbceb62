"""CSV in and out: the prospect import and every list's export."""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.core.facade import lazy_names

if TYPE_CHECKING:
    from db.exchange.exports import (
        COMPANY_LISTS,
        export_companies,
        export_contacts,
        export_documents,
        export_offers,
        export_orders,
        export_prospects,
        export_quotes,
        export_services,
    )
    from db.exchange.prospect_import import (
        EXPECTED,
        MAX_IMPORT_BYTES,
        ImportReport,
        import_prospects,
        import_prospects_file,
        owner_choices,
    )

# What the rest of the app may use, and the module each name comes from.
_WHERE = {
    "COMPANY_LISTS": "exports",
    "EXPECTED": "prospect_import",
    "ImportReport": "prospect_import",
    "MAX_IMPORT_BYTES": "prospect_import",
    "export_companies": "exports",
    "export_contacts": "exports",
    "export_documents": "exports",
    "export_offers": "exports",
    "export_orders": "exports",
    "export_prospects": "exports",
    "export_quotes": "exports",
    "export_services": "exports",
    "import_prospects": "prospect_import",
    "import_prospects_file": "prospect_import",
    "owner_choices": "prospect_import",
}
__all__ = [
    "COMPANY_LISTS",
    "EXPECTED",
    "ImportReport",
    "MAX_IMPORT_BYTES",
    "export_companies",
    "export_contacts",
    "export_documents",
    "export_offers",
    "export_orders",
    "export_prospects",
    "export_quotes",
    "export_services",
    "import_prospects",
    "import_prospects_file",
    "owner_choices",
]
__getattr__ = lazy_names(__name__, _WHERE)
