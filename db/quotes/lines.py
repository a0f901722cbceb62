"""A quote's lines: quantities checked, offers priced (frozen or from the catalogue), copies."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from db.core.models import Offer, fold
from db.core.money import LineTotals, money, totals
from db.core.text import bounded_int
from db.core.validation import clean_text

MAX_QUANTITY = 999

QUANTITY_INVALID = f"La quantité doit être un nombre entier de 1 à {MAX_QUANTITY}."
NO_LINES = "Ajoutez au moins une offre au devis."


@dataclass(frozen=True)
class QuoteLineView(LineTotals):
    id: int
    offer_id: int
    label: str
    quantity: int
    setup_fee: Decimal  # unit prices, frozen when the line was made
    monthly_fee: Decimal


@dataclass(frozen=True)
class PricedLine(LineTotals):
    """A checked line about to be written: its offer, the label and unit prices it is quoted at."""

    offer_id: int
    label: str
    quantity: int
    setup_fee: Decimal
    monthly_fee: Decimal


def parse_quantity(value) -> int | None:
    """A quantity typed or given: a whole number from 1 to MAX_QUANTITY, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        number = bounded_int(clean_text(value), MAX_QUANTITY)
        if number is None:
            return None
    return number if 1 <= number <= MAX_QUANTITY else None


def priced_lines(
    lines,
    frozen: dict[int, tuple[str, Decimal, Decimal]] | None = None,
    *,
    operator_id: int | None,
) -> tuple[list[PricedLine], dict[str, str]]:
    """Validate (offer_id, quantity) pairs and price them; errors keyed 'lines' / 'lines.N'.

    Offers already on the quote (`frozen`) keep the label and prices they were quoted at and
    may stay even if retired since; new lines take today's catalogue and refuse retired offers.
    The catalogue is operator `operator_id`'s: another operator's offer is not found in it.
    """
    frozen = frozen or {}
    lines = list(lines or [])
    if not lines:
        return [], {"lines": NO_LINES}
    wanted = {offer_id for offer_id, _ in lines if isinstance(offer_id, int)}
    mine = Offer.id.in_(wanted) & (Offer.operator == operator_id)
    catalogue = {o.id: o for o in Offer.select().where(mine)} if wanted else {}
    priced, errors = [], {}
    for index, (offer_id, raw_quantity) in enumerate(lines):
        key = f"lines.{index}"
        quantity = parse_quantity(raw_quantity)
        if offer_id in frozen:
            label, setup, monthly = frozen[offer_id]
        elif offer_id in catalogue:
            offer = catalogue[offer_id]
            if offer.retired:
                errors[key] = f"L'offre « {offer.name} » n'est plus commercialisée."
                continue
            label, setup, monthly = offer.name, money(offer.setup_fee), money(offer.monthly_fee)
        else:
            errors[key] = "Offre introuvable dans le catalogue."
            continue
        if quantity is None:
            errors[key] = QUANTITY_INVALID
            continue
        priced.append(PricedLine(offer_id, label, quantity, setup, monthly))
    return priced, errors


def frozen_prices(quote_lines) -> dict[int, tuple[str, Decimal, Decimal]]:
    """offer id -> (label, M.E.S., ABO.) as the quote's lines froze them (the first line wins)."""
    frozen: dict[int, tuple[str, Decimal, Decimal]] = {}
    for line in quote_lines:
        frozen.setdefault(
            line.offer_id, (line.label, money(line.setup_fee), money(line.monthly_fee))
        )
    return frozen


def summary(priced: list[PricedLine]) -> dict:
    """Quote columns derived from its lines: totals = Σ unit × quantity, and the offer names."""
    names = " + ".join(dict.fromkeys(line.label for line in priced))
    setup, monthly = totals(priced)
    return {
        "offer_names": names,
        "search_offers": fold(names),
        "setup_total": setup,
        "monthly_total": monthly,
    }


def insert_lines(model, lines, **owner) -> None:
    """Write `lines` into `model` (QuoteLine, OrderLine) under `owner` (quote=id or order=id).

    Each copy keeps the offer, label, quantity and unit prices of the line it copies.
    """
    rows = [
        {
            **owner,
            "offer": line.offer_id,
            "label": line.label,
            "quantity": line.quantity,
            "setup_fee": line.setup_fee,
            "monthly_fee": line.monthly_fee,
        }
        for line in lines
    ]
    if rows:
        model.insert_many(rows).execute()
