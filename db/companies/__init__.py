"""Prospects, clients and other companies: lists, detail, the wizard's steps, edits,
conversion to client (« Transformer en client »), the palette's search."""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.core.facade import lazy_names

if TYPE_CHECKING:
    from db.companies.conversion import convert_to_client, missing_for_conversion
    from db.companies.detail import load_company
    from db.companies.editing import (
        load_billing_point,
        load_contact,
        save_billing_point,
        save_company,
        save_contact,
    )
    from db.companies.lists import (
        CompanyFilters,
        CompanyHit,
        ContactFilters,
        count_companies,
        count_contacts,
        list_companies,
        list_contacts,
        search_companies,
    )
    from db.companies.palette import find_companies
    from db.companies.prospects import (
        ProspectFilters,
        count_prospects,
        etat_label,
        list_prospects,
        load_prospect,
        page_prospects,
        save_admin_step,
        save_billing_step,
        save_company_step,
    )

# What the rest of the app may use, and the module each name comes from.
_WHERE = {
    "CompanyFilters": "lists",
    "CompanyHit": "lists",
    "ContactFilters": "lists",
    "ProspectFilters": "prospects",
    "convert_to_client": "conversion",
    "count_companies": "lists",
    "count_contacts": "lists",
    "count_prospects": "prospects",
    "etat_label": "prospects",
    "find_companies": "palette",
    "list_companies": "lists",
    "list_contacts": "lists",
    "list_prospects": "prospects",
    "load_billing_point": "editing",
    "load_company": "detail",
    "load_contact": "editing",
    "load_prospect": "prospects",
    "missing_for_conversion": "conversion",
    "page_prospects": "prospects",
    "save_admin_step": "prospects",
    "save_billing_point": "editing",
    "save_billing_step": "prospects",
    "save_company": "editing",
    "save_company_step": "prospects",
    "save_contact": "editing",
    "search_companies": "lists",
}
__all__ = [
    "CompanyFilters",
    "CompanyHit",
    "ContactFilters",
    "ProspectFilters",
    "convert_to_client",
    "count_companies",
    "count_contacts",
    "count_prospects",
    "etat_label",
    "find_companies",
    "list_companies",
    "list_contacts",
    "list_prospects",
    "load_billing_point",
    "load_company",
    "load_contact",
    "load_prospect",
    "missing_for_conversion",
    "page_prospects",
    "save_admin_step",
    "save_billing_point",
    "save_billing_step",
    "save_company",
    "save_company_step",
    "save_contact",
    "search_companies",
]
__getattr__ = lazy_names(__name__, _WHERE)
