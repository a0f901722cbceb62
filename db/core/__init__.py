"""The store and what every context shares: database, schema, models (with plain-value
copies and constants for screens), scope, errors, audit, text rules, validation, dates, money."""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.core.facade import lazy_names

if TYPE_CHECKING:
    from db.core.audit import RedactingFilter, redact
    from db.core.database import (
        close_database,
        database_proxy,
        is_postgresql,
        is_sqlite,
        open_database,
    )
    from db.core.dates import format_date, format_moment, parse_date_range
    from db.core.errors import (
        ConcurrentEditError,
        ConversionRefused,
        DomainError,
        FieldError,
        NotFound,
        ValidationErrors,
    )
    from db.core.forms import (
        ADMIN_FIELDS,
        BILLING_FIELDS,
        COMPANY_FIELDS,
        DIRECT_DEBIT_REQUIRED,
        FIELDS_BY_NAME,
        REQUIRED,
        Field,
        clean_admin,
        clean_billing,
        clean_company,
    )
    from db.core.keyset import CountLater, Pager, fetch_page
    from db.core.kinds import CompanyKind, DocumentKind, Portal
    from db.core.models import (
        ALL_MODELS,
        AuditLog,
        BillingPoint,
        Company,
        Contact,
        Sequence,
        Site,
        User,
    )
    from db.core.money import LineTotals, format_amount, format_amounts, totals
    from db.core.rows import AlreadyConverted
    from db.core.schema import SCHEMA_VERSION, init_schema
    from db.core.scope import SYSTEM, Scope
    from db.core.text import bounded_int, crop, visible

# What the rest of the app may use, and the module each name comes from.
_WHERE = {
    "ADMIN_FIELDS": "forms",
    "ALL_MODELS": "models",
    "AlreadyConverted": "rows",
    "AuditLog": "models",
    "BILLING_FIELDS": "forms",
    "BillingPoint": "models",
    "COMPANY_FIELDS": "forms",
    "Company": "models",
    "CompanyKind": "kinds",
    "ConcurrentEditError": "errors",
    "Contact": "models",
    "ConversionRefused": "errors",
    "DIRECT_DEBIT_REQUIRED": "forms",
    "DocumentKind": "kinds",
    "DomainError": "errors",
    "FIELDS_BY_NAME": "forms",
    "Field": "forms",
    "FieldError": "errors",
    "LineTotals": "money",
    "NotFound": "errors",
    "Pager": "keyset",
    "CountLater": "keyset",
    "Portal": "kinds",
    "REQUIRED": "forms",
    "RedactingFilter": "audit",
    "SCHEMA_VERSION": "schema",
    "SYSTEM": "scope",
    "Scope": "scope",
    "Sequence": "models",
    "Site": "models",
    "User": "models",
    "ValidationErrors": "errors",
    "bounded_int": "text",
    "clean_admin": "forms",
    "clean_billing": "forms",
    "clean_company": "forms",
    "close_database": "database",
    "crop": "text",
    "database_proxy": "database",
    "fetch_page": "keyset",
    "format_amount": "money",
    "format_amounts": "money",
    "format_date": "dates",
    "format_moment": "dates",
    "init_schema": "schema",
    "is_postgresql": "database",
    "is_sqlite": "database",
    "open_database": "database",
    "parse_date_range": "dates",
    "redact": "audit",
    "totals": "money",
    "visible": "text",
}
__all__ = [
    "ADMIN_FIELDS",
    "ALL_MODELS",
    "AlreadyConverted",
    "AuditLog",
    "BILLING_FIELDS",
    "BillingPoint",
    "COMPANY_FIELDS",
    "Company",
    "CompanyKind",
    "ConcurrentEditError",
    "Contact",
    "ConversionRefused",
    "DIRECT_DEBIT_REQUIRED",
    "DocumentKind",
    "DomainError",
    "FIELDS_BY_NAME",
    "Field",
    "FieldError",
    "LineTotals",
    "NotFound",
    "Pager",
    "CountLater",
    "Portal",
    "REQUIRED",
    "RedactingFilter",
    "SCHEMA_VERSION",
    "SYSTEM",
    "Scope",
    "Sequence",
    "Site",
    "User",
    "ValidationErrors",
    "bounded_int",
    "clean_admin",
    "clean_billing",
    "clean_company",
    "close_database",
    "crop",
    "database_proxy",
    "fetch_page",
    "format_amount",
    "format_amounts",
    "format_date",
    "format_moment",
    "init_schema",
    "is_postgresql",
    "is_sqlite",
    "open_database",
    "parse_date_range",
    "redact",
    "totals",
    "visible",
]
__getattr__ = lazy_names(__name__, _WHERE)
