"""Commandes: a client's signed quote (step 4) turned into an order with its lines, and the orders list.

An order copies the quote's lines with the label and prices they were quoted at (a catalogue
change or a retired offer since then changes nothing), and the quote's reseller and operator,
so the order is seen by exactly those who saw the quote.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from peewee import ModelSelect, fn

from db.companies.lists import client_condition
from db.core import audit
from db.core.database import atomic
from db.core.dates import format_date
from db.core.errors import DomainError, FieldError, NotFound
from db.core.kinds import CompanyKind
from db.core.models import Company, Order, OrderLine, Quote, QuoteLine, User, quote_reference
from db.core.money import Amounts, LineTotals, cents, from_cents, money
from db.core.rows import next_value
from db.core.scope import Scope
from db.core.validation import clean_text
from db.quotes.detail import lock_quote_number, visible_quote
from db.quotes.lines import insert_lines
from db.quotes.lists import SIGNED_STEP, find_quote

STATUS_OPEN = "En cours"
NUMBER_INVALID = "N° de commande invalide (ex. CMD000000012)."

NOT_SIGNED = (
    "Le devis doit être à l'étape 4 (Signé / accepté) pour être commandé : il est à l'étape {step}."
)
NOT_CLIENT = "Le devis doit appartenir à un client pour être commandé : « {name} » {why}."
STILL_PROSPECT = "est encore un prospect. Créez d'abord son compte client (Créer le compte client)"
ALREADY_ORDERED = (
    "Le devis {reference} a déjà été commandé (commande {order}, le {date}). "
    "Pour commander d'autres services, faites un nouveau devis."
)
NO_LINES = "Le devis n'a aucune ligne : il n'y a rien à commander."


def format_order_number(value: int) -> str:
    return f"CMD{value:09d}"


# --- making an order -------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderPreview(Amounts):
    """What 'Commander' is about to do, shown for confirmation."""

    quote_id: int
    reference: str
    client: str
    client_number: str
    lines: int
    setup_total: Decimal
    monthly_total: Decimal


def _orderable_quote(scope: Scope, quote_id: int) -> tuple[Quote, Company]:
    """The visible quote and its client if it may be ordered; DomainError saying why not."""
    quote = visible_quote(scope, quote_id)
    company = scope.company(quote.company_id)
    if quote.step != SIGNED_STEP:
        raise DomainError(NOT_SIGNED.format(step=quote.step))
    if company.kind != CompanyKind.CLIENT:
        why = STILL_PROSPECT if company.kind == CompanyKind.PROSPECT else "n'est pas un client"
        raise DomainError(NOT_CLIENT.format(name=company.name, why=why))
    # Any version of the same quote number: a new version of a signed quote replaces it, it
    # does not add to it, so ordering both would bill the client's services twice.
    previous = (
        Order.select(Order.number, Order.created_on)
        .join(Quote, on=(Order.quote == Quote.id))
        .where(Quote.number == quote.number)
        .order_by(Order.id)
        .first()
    )
    if previous is not None:
        raise DomainError(
            ALREADY_ORDERED.format(
                reference=quote.reference,
                order=previous.number,
                date=format_date(previous.created_on),
            )
        )
    if not quote.lines.exists():
        raise DomainError(NO_LINES)
    return quote, company


def preview_order(scope: Scope, reference: str) -> OrderPreview:
    """The quote a typed number designates, checked as create_order_from_quote would check it."""
    return preview_quote_order(scope, find_quote(scope, reference))


def preview_quote_order(scope: Scope, quote_id: int) -> OrderPreview:
    """What ordering quote `quote_id` would make; DomainError if it cannot be ordered."""
    quote, company = _orderable_quote(scope, quote_id)
    totals = _line_totals(QuoteLine, QuoteLine.quote == quote.id)
    return OrderPreview(
        quote.id,
        quote.reference,
        company.name,
        company.client_number or "",
        quote.lines.count(),
        *totals,
    )


def _line_totals(model: Any, where: Any) -> tuple[Decimal, Decimal]:
    setup, monthly = (
        model.select(
            fn.SUM(cents(model.setup_fee) * model.quantity),
            fn.SUM(cents(model.monthly_fee) * model.quantity),
        )
        .where(where)
        .tuples()
        .get()
    )
    return from_cents(setup), from_cents(monthly)


def create_order_from_quote(scope: Scope, quote_id: int) -> int:
    """Turn a client's quote at step 4 into an order (one transaction); returns the order's id.

    Refused with a French DomainError when the quote is not at step 4, is not a client's, has
    already been ordered (any version of its number), or has no lines.
    """
    return create_order(scope, quote_id, dt.date.today())


def create_order(scope: Scope, quote_id: int, created_on: dt.date) -> int:
    """The order of a client's signed quote, dated `created_on` (one transaction); its id."""
    with atomic():
        quote = Quote.select(Quote.number).where(Quote.id == quote_id).first()
        if quote is not None:
            lock_quote_number(quote.number)
        quote, company = _orderable_quote(scope, quote_id)
        value = next_value("order_number")
        while Order.select().where(Order.number == format_order_number(value)).exists():
            value = next_value("order_number")
        order = Order.create(
            number=format_order_number(value),
            quote=quote.id,
            company=company.id,
            reseller=quote.reseller_id,
            operator=quote.operator_id,
            created_on=created_on,
            created_by=scope.user_id,
            status=STATUS_OPEN,
            updated_by=scope.login,
        )
        lines = list(quote.lines.order_by(QuoteLine.id))
        insert_lines(OrderLine, lines, order=order.id)
        audit.record(
            scope,
            "order_created",
            "order",
            order.id,
            number=order.number,
            quote=quote.reference,
            company_id=company.id,
            lines=len(lines),
        )
        return order.id


# --- list ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderFilters:
    number: str = ""  # N° commande: 'CMD000000012' or '12'
    client: str = ""  # Client: words of the raison sociale, or the N° client
    created_from: dt.date | None = None  # Date
    created_to: dt.date | None = None


@dataclass(frozen=True)
class OrderRow(Amounts):
    id: int
    number: str
    client: str
    client_number: str
    quote: str
    created_on: dt.date
    status: str
    setup_total: Decimal
    monthly_total: Decimal

    @property
    def created(self) -> str:
        return format_date(self.created_on)


_NUMBER_RE = re.compile(r"(?:CMD)?\s*(\d{1,9})", re.IGNORECASE | re.ASCII)


def parse_order_number(text: str | None) -> str | None:
    """'CMD000000012', 'cmd 12', '12' -> 'CMD000000012'; '' -> None; FieldError otherwise."""
    text = clean_text(text)
    if not text:
        return None
    match = _NUMBER_RE.fullmatch(text)
    if match is None:
        raise FieldError(NUMBER_INVALID)
    return format_order_number(int(match[1]))


# Any: its rows are read as tuples, which peewee's stubs type as models.
def _order_query(scope: Scope, filters: OrderFilters, *columns: Any) -> Any:
    query = (
        Order.select(*columns)
        .join(Company, on=(Order.company == Company.id))
        .switch(Order)
        .join(Quote, on=(Order.quote == Quote.id))
        .where(scope.owner_condition(Order))
    )
    try:
        number = parse_order_number(filters.number)
    except FieldError:
        return query.where(False)  # the screen shows the message; nothing can match
    if number is not None:
        query = query.where(Order.number == number)
    if clean_text(filters.client):
        query = query.where(client_condition(filters.client))
    if filters.created_from is not None:
        query = query.where(Order.created_on >= filters.created_from)
    if filters.created_to is not None:
        query = query.where(Order.created_on <= filters.created_to)
    return query


def _total(kind: str) -> ModelSelect[OrderLine]:
    """A scalar subquery: the order's M.E.S. or ABO. total in cents."""
    line = OrderLine.alias()
    column = line.setup_fee if kind == "setup" else line.monthly_fee
    return line.select(fn.SUM(cents(column) * line.quantity)).where(line.order == Order.id)


def list_orders(
    scope: Scope, filters: OrderFilters, offset: int = 0, limit: int = 50
) -> list[OrderRow]:
    """One page of Commandes, newest first, filtered, scoped and paged by the database."""
    query = (
        _order_query(
            scope,
            filters,
            Order.id,
            Order.number,
            Order.created_on,
            Order.status,
            Company.name.alias("client"),
            Company.client_number,
            Quote.number.alias("quote_number"),
            Quote.revision,
            _total("setup").alias("setup_cents"),
            _total("monthly").alias("monthly_cents"),
        )
        .order_by(Order.created_on.desc(), Order.id.desc())
        .offset(offset)
        .limit(limit)
    )
    return [
        OrderRow(
            id=r["id"],
            number=r["number"],
            client=r["client"],
            client_number=r["client_number"] or "",
            quote=quote_reference(r["quote_number"], r["revision"]),
            created_on=r["created_on"],
            status=r["status"],
            setup_total=from_cents(r["setup_cents"]),
            monthly_total=from_cents(r["monthly_cents"]),
        )
        for r in query.dicts()
    ]


def count_orders(scope: Scope, filters: OrderFilters) -> int:
    return cast(int, _order_query(scope, filters, Order.id).count())


# --- detail ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrderLineView(LineTotals):
    label: str
    quantity: int
    setup_fee: Decimal  # unit prices, as quoted
    monthly_fee: Decimal


@dataclass(frozen=True)
class OrderDetail(Amounts):
    id: int
    number: str
    status: str
    created_on: dt.date
    created_by: str
    company_id: int
    client: str
    client_number: str
    quote_id: int
    quote: str
    reseller: str
    lines: tuple[OrderLineView, ...]
    setup_total: Decimal
    monthly_total: Decimal

    @property
    def created(self) -> str:
        return format_date(self.created_on)


def get_order(scope: Scope, order_id: int) -> OrderDetail:
    order = Order.select().where((Order.id == order_id) & scope.owner_condition(Order)).first()
    if order is None:
        raise NotFound(f"Commande {order_id} introuvable.")
    company = order.company
    quote = order.quote
    user = User.get_or_none(User.id == order.created_by_id) if order.created_by_id else None
    reseller = Company.get_or_none(Company.id == order.reseller_id) if order.reseller_id else None
    lines = tuple(
        OrderLineView(line.label, line.quantity, money(line.setup_fee), money(line.monthly_fee))
        for line in order.lines.order_by(OrderLine.id)
    )
    setup, monthly = _line_totals(OrderLine, OrderLine.order == order.id)
    return OrderDetail(
        id=order.id,
        number=order.number,
        status=order.status,
        created_on=order.created_on,
        created_by=(user.display_name or user.login) if user else (order.updated_by or ""),
        company_id=company.id,
        client=company.name,
        client_number=company.client_number or "",
        quote_id=quote.id,
        quote=quote.reference,
        reseller=reseller.name if reseller else "",
        lines=lines,
        setup_total=setup,
        monthly_total=monthly,
    )


def find_orders(scope: Scope, text: str, limit: int = 8) -> list[OrderRow]:
    """Palette search: an order number, or a client's name / N° client."""
    try:
        number = parse_order_number(text)
    except FieldError:
        number = None
    filters = OrderFilters(number=text) if number else OrderFilters(client=text)
    return list_orders(scope, filters, 0, limit)
