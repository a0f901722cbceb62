"""Quotes (Mes devis): lists, one quote and its lines, versions, « Créer le compte client »,
and the operator's catalogue of offers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.core.facade import lazy_names

if TYPE_CHECKING:
    from db.quotes.catalogue import (
        OFFER_FIELDS,
        OfferFilters,
        count_offers,
        get_offer,
        list_offers,
        offers,
        save_offer,
        set_retired,
    )
    from db.quotes.client_account import client_account_prefill, create_client_account
    from db.quotes.detail import (
        create_quote,
        get_quote,
        new_revision,
        next_step,
        previous_step,
        update_lines,
    )
    from db.quotes.lines import MAX_QUANTITY, QUANTITY_INVALID, parse_quantity
    from db.quotes.lists import (
        STEP_OPTIONS,
        STEPS,
        QuoteFilters,
        commercials,
        count_quotes,
        list_quotes,
        page_quotes,
        parse_reference,
        step_label,
    )

# What the rest of the app may use, and the module each name comes from.
_WHERE = {
    "MAX_QUANTITY": "lines",
    "OFFER_FIELDS": "catalogue",
    "OfferFilters": "catalogue",
    "QUANTITY_INVALID": "lines",
    "QuoteFilters": "lists",
    "STEPS": "lists",
    "STEP_OPTIONS": "lists",
    "client_account_prefill": "client_account",
    "commercials": "lists",
    "count_offers": "catalogue",
    "count_quotes": "lists",
    "create_client_account": "client_account",
    "create_quote": "detail",
    "get_offer": "catalogue",
    "get_quote": "detail",
    "list_offers": "catalogue",
    "list_quotes": "lists",
    "new_revision": "detail",
    "next_step": "detail",
    "offers": "catalogue",
    "page_quotes": "lists",
    "parse_quantity": "lines",
    "parse_reference": "lists",
    "previous_step": "detail",
    "save_offer": "catalogue",
    "set_retired": "catalogue",
    "step_label": "lists",
    "update_lines": "detail",
}
__all__ = [
    "MAX_QUANTITY",
    "OFFER_FIELDS",
    "OfferFilters",
    "QUANTITY_INVALID",
    "QuoteFilters",
    "STEPS",
    "STEP_OPTIONS",
    "client_account_prefill",
    "commercials",
    "count_offers",
    "count_quotes",
    "create_client_account",
    "create_quote",
    "get_offer",
    "get_quote",
    "list_offers",
    "list_quotes",
    "new_revision",
    "next_step",
    "offers",
    "page_quotes",
    "parse_quantity",
    "parse_reference",
    "previous_step",
    "save_offer",
    "set_retired",
    "step_label",
    "update_lines",
]
__getattr__ = lazy_names(__name__, _WHERE)
