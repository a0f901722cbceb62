"""Mes services: what each client subscribes to, derived from its orders, with its monthly amounts.

One row per (client, offer): the quantity ordered, the monthly amount (ABO. × quantity, at the
prices of the orders), the date of the first order, and the client's monthly total. Everything
is grouped and summed by the database, in whole cents, so totals are exact.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from peewee import fn

from db.companies.lists import client_condition
from db.core.models import Company, Offer, Order, OrderLine, fold
from db.core.money import cents, format_amount, from_cents
from db.core.scope import Scope
from db.core.text import search_text, search_words
from db.core.validation import clean_text
from db.exchange.csv_format import export_pages, french_amount, french_date


@dataclass(frozen=True)
class ServiceFilters:
    client: str = ""  # Client: words of the raison sociale, or the N° client
    offer: str = ""  # Offre: words of the offer's name


@dataclass(frozen=True)
class ServiceRow:
    company_id: int
    client: str
    client_number: str
    offer_id: int
    offer: str
    quantity: int
    monthly_amount: Decimal  # Σ ABO. × quantité for this offer
    since: dt.date  # first order with this offer
    client_monthly_total: Decimal  # Σ over the client's services (within the filters)

    @property
    def key(self) -> str:
        return f"{self.company_id}-{self.offer_id}"

    @property
    def since_label(self) -> str:
        return french_date(self.since)


@dataclass(frozen=True)
class ServiceTotals:
    clients: int
    services: int  # (client, offer) rows
    quantity: int
    monthly_total: Decimal

    @property
    def label(self) -> str:
        return (
            f"Total : {self.clients} client(s) · {self.services} service(s) · "
            f"quantité {self.quantity} · {format_amount(self.monthly_total)} / mois"
        )


def _base(scope: Scope, filters: ServiceFilters, *columns):
    query = (
        OrderLine.select(*columns)
        .join(Order, on=(OrderLine.order == Order.id))
        .join(Company, on=(Order.company == Company.id))
        .switch(OrderLine)
        .join(Offer, on=(OrderLine.offer == Offer.id))
        .where(scope.owner_condition(Order))
    )
    if clean_text(filters.client):
        query = query.where(client_condition(filters.client))
    for word in search_words(fold(search_text(filters.offer))):  # any text: rows or none
        query = query.where(Offer.search_name.contains(word))
    return query


_GROUP = (
    Order.company,
    Company.name,
    Company.search_name,
    Company.client_number,
    OrderLine.offer,
    Offer.name,
    Offer.search_name,
)


def _monthly():
    return fn.SUM(cents(OrderLine.monthly_fee) * OrderLine.quantity)


def list_services(
    scope: Scope, filters: ServiceFilters, offset: int = 0, limit: int = 50
) -> list[ServiceRow]:
    """One page of services, by client then offer, grouped and summed by the database."""
    query = (
        _base(
            scope,
            filters,
            Order.company.alias("company_id"),
            Company.name.alias("client"),
            Company.client_number,
            OrderLine.offer.alias("offer_id"),
            Offer.name.alias("offer"),
            fn.SUM(OrderLine.quantity).alias("quantity"),
            _monthly().alias("monthly_cents"),
            fn.MIN(Order.created_on).alias("since"),
            fn.SUM(_monthly()).over(partition_by=[Order.company]).alias("client_cents"),
        )
        .group_by(*_GROUP)
        .order_by(Company.search_name, Order.company, Offer.search_name, OrderLine.offer)
        .offset(offset)
        .limit(limit)
    )
    return [
        ServiceRow(
            company_id=r["company_id"],
            client=r["client"],
            client_number=r["client_number"] or "",
            offer_id=r["offer_id"],
            offer=r["offer"],
            quantity=int(r["quantity"] or 0),
            monthly_amount=from_cents(r["monthly_cents"]),
            since=_date(r["since"]),
            client_monthly_total=from_cents(r["client_cents"]),
        )
        for r in query.dicts()
    ]


def _date(value) -> dt.date:
    # MIN() loses the column's type on SQLite: the date comes back as its ISO text.
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def count_services(scope: Scope, filters: ServiceFilters) -> int:
    return _base(scope, filters, OrderLine.offer).group_by(Order.company, OrderLine.offer).count()


def service_totals(scope: Scope, filters: ServiceFilters) -> ServiceTotals:
    """The totals line: clients, services, quantity and monthly amount over every filtered row."""
    clients, quantity, monthly = (
        _base(
            scope,
            filters,
            fn.COUNT(fn.DISTINCT(Order.company)),
            fn.SUM(OrderLine.quantity),
            _monthly(),
        )
        .tuples()
        .get()
    )
    return ServiceTotals(
        clients=int(clients or 0),
        services=count_services(scope, filters),
        quantity=int(quantity or 0),
        monthly_total=from_cents(monthly),
    )


CSV_HEADER = (
    "Client",
    "N° client",
    "Offre",
    "Quantité",
    "Montant mensuel",
    "Depuis le",
    "Total mensuel du client",
)


def export_services(scope: Scope, filters: ServiceFilters, path, *, overwrite: bool = False) -> int:
    return export_pages(
        scope,
        "services",
        path,
        CSV_HEADER,
        lambda offset, limit: list_services(scope, filters, offset, limit),
        lambda r: (
            r.client,
            r.client_number,
            r.offer,
            r.quantity,
            french_amount(r.monthly_amount),
            r.since_label,
            french_amount(r.client_monthly_total),
        ),
        overwrite=overwrite,
    )
