"""Orders (Commandes) made from signed quotes, and the subscriptions they open (Mes services)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.core.facade import lazy_names

if TYPE_CHECKING:
    from db.orders.orders import (
        OrderFilters,
        count_orders,
        create_order_from_quote,
        find_orders,
        get_order,
        list_orders,
        parse_order_number,
        preview_order,
        preview_quote_order,
    )
    from db.orders.subscriptions import (
        ServiceFilters,
        count_services,
        list_services,
        service_totals,
    )

# What the rest of the app may use, and the module each name comes from.
_WHERE = {
    "OrderFilters": "orders",
    "ServiceFilters": "subscriptions",
    "count_orders": "orders",
    "count_services": "subscriptions",
    "create_order_from_quote": "orders",
    "find_orders": "orders",
    "get_order": "orders",
    "list_orders": "orders",
    "list_services": "subscriptions",
    "parse_order_number": "orders",
    "preview_order": "orders",
    "preview_quote_order": "orders",
    "service_totals": "subscriptions",
}
__all__ = [
    "OrderFilters",
    "ServiceFilters",
    "count_orders",
    "count_services",
    "create_order_from_quote",
    "find_orders",
    "get_order",
    "list_orders",
    "list_services",
    "parse_order_number",
    "preview_order",
    "preview_quote_order",
    "service_totals",
]
__getattr__ = lazy_names(__name__, _WHERE)
