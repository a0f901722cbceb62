"""Demo orders: the clients' signed quotes ordered, so Commandes and Mes services have rows."""

from __future__ import annotations

import datetime as dt
from typing import cast

from db.core.errors import DomainError
from db.core.kinds import CompanyKind
from db.core.models import Company, Quote, User
from db.core.scope import Scope
from db.orders.orders import create_order
from db.quotes.lists import SIGNED_STEP


def seed_demo_orders(limit: int = 40) -> int:
    """Demo data: order the clients' signed quotes, so Commandes and Mes services have rows.

    Each order is dated a few days after its quote. Returns the number of orders made.
    """
    quotes = (
        Quote.select(Quote.id, Quote.operator, Quote.created_on)
        .join(Company, on=(Quote.company == Company.id))
        .where(
            (Quote.step == SIGNED_STEP)
            & (Company.kind == CompanyKind.CLIENT)
            & Quote.operator.is_null(False)
        )
        .order_by(Quote.id)
        .limit(limit)
    )
    made = 0
    for quote in quotes:
        staff = Scope(
            None, "démo", User.PORTAL_OPERATOR, cast(int, quote.operator_id), quote.operator_id
        )
        try:
            create_order(staff, quote.id, quote.created_on + dt.timedelta(days=7 + quote.id % 21))
        except DomainError:
            continue  # another version of the same number was ordered already
        made += 1
    return made
