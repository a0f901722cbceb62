"""Catalogue: the offers with their M.E.S. / ABO. prices; operator staff add, edit and retire them.

Each operator has its own catalogue: its staff edit it, its resellers quote from it; another
operator's offers are never listed, priced or found by id (NotFound, as if absent).

A retired offer is only hidden from new quotes: quote and order lines keep their own frozen
label and prices, so old quotes still show what was sold at the price it was sold.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from db.core import audit
from db.core.database import atomic
from db.core.errors import DomainError, FieldError, NotFound, ValidationErrors
from db.core.forms import Field, _clean
from db.core.models import Offer, fold, search_key
from db.core.money import CENT, format_amounts, money
from db.core.rows import update_checked
from db.core.scope import Scope
from db.core.text import search_text, search_words
from db.exchange.csv_format import export_pages, french_amount

MAX_PRICE = Decimal("9999999999.99")  # DecimalField(max_digits=12, decimal_places=2)

STAFF_ONLY = "Seul le personnel de l'opérateur peut modifier le catalogue."
PRICE_INVALID = "Montant invalide : saisissez par exemple 82,80 ou 82.80."
PRICE_NEGATIVE = "Le montant doit être positif ou nul."
PRICE_DECIMALS = "Le montant a au plus 2 décimales (centimes)."
PRICE_TOO_BIG = "Montant trop élevé."
NAME_TAKEN = "Une offre commercialisée porte déjà ce nom."

STATUS_ACTIVE = "Commercialisée"
STATUS_RETIRED = "Retirée"

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_PRICE_RE = re.compile(r"\d+(?:[.,]\d+)?", re.ASCII)  # 0-9 only, as every numeric field


def parse_price(text: str) -> Decimal:
    """'82,80', '82.80', '1 234,5', '82,80 €' -> Decimal('82.80'); FieldError in French otherwise."""
    raw = _SPACES.sub("", str(text or "")).removesuffix("€").removesuffix("EUR")
    if raw.startswith("-") and _PRICE_RE.fullmatch(raw[1:]):
        raise FieldError(PRICE_NEGATIVE)
    if not _PRICE_RE.fullmatch(raw):
        raise FieldError(PRICE_INVALID)
    try:
        value = Decimal(raw.replace(",", "."))
    except InvalidOperation:
        raise FieldError(PRICE_INVALID) from None
    if value > MAX_PRICE:  # first: quantize() fails past 28 digits (Decimal's precision)
        raise FieldError(PRICE_TOO_BIG)
    if value != value.quantize(CENT):
        raise FieldError(PRICE_DECIMALS)
    return value.quantize(CENT)


OFFER_FIELDS = (
    Field("name", "Offre", required=True, column=Offer.name),
    Field("setup_fee", "M.E.S. (€)", required=True, check=parse_price),
    Field("monthly_fee", "ABO. (€ / mois)", required=True, check=parse_price),
    Field("description", "Description", column=Offer.description),
)


def clean_offer(data: dict) -> tuple[dict, dict]:
    """(values, errors) of the offer form, errors keyed by field name, in French."""
    return _clean(OFFER_FIELDS, data)


# --- list ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfferFilters:
    name: str = ""  # Offre: every word must appear, accents and case ignored
    include_retired: bool = False


@dataclass(frozen=True)
class OfferRow:
    id: int
    name: str
    setup_fee: Decimal
    monthly_fee: Decimal
    retired: bool

    @property
    def status(self) -> str:
        return STATUS_RETIRED if self.retired else STATUS_ACTIVE

    @property
    def amounts(self) -> str:
        """'82.80 € / 5.76 €': the unit M.E.S. / ABO., as the quote's offer picker shows them."""
        return format_amounts(self.setup_fee, self.monthly_fee)


_ROW_COLUMNS = (Offer.id, Offer.name, Offer.setup_fee, Offer.monthly_fee, Offer.retired)


def _offer_row(offer: Offer) -> OfferRow:
    return OfferRow(
        offer.id, offer.name, money(offer.setup_fee), money(offer.monthly_fee), bool(offer.retired)
    )


def _operator_of(scope: Scope) -> int | None:
    """Whose catalogue the user sees: their operator's (an operator's staff: their own)."""
    return scope.operator_id


def _offer_query(scope: Scope, filters: OfferFilters, *columns):
    query = Offer.select(*columns).where(Offer.operator == _operator_of(scope))
    for word in search_words(fold(search_text(filters.name))):  # any text: rows or none
        query = query.where(Offer.search_name.contains(word))
    if not filters.include_retired:
        query = query.where(Offer.retired == False)  # noqa: E712
    return query


def list_offers(
    scope: Scope, filters: OfferFilters, offset: int = 0, limit: int = 50
) -> list[OfferRow]:
    """One page of the catalogue by name (the catalogue is the operator's: everyone reads it)."""
    query = (
        _offer_query(scope, filters, *_ROW_COLUMNS)
        .order_by(Offer.retired, Offer.search_name, Offer.id)
        .offset(offset)
        .limit(limit)
    )
    return [_offer_row(o) for o in query]


def offers(scope: Scope, include_retired: bool = False) -> list[OfferRow]:
    """The user's operator's catalogue by name for the quote's offer picker (retired offers
    only when asked for)."""
    filters = OfferFilters(include_retired=include_retired)
    query = _offer_query(scope, filters, *_ROW_COLUMNS).order_by(Offer.search_name, Offer.id)
    return [_offer_row(o) for o in query]


def count_offers(scope: Scope, filters: OfferFilters) -> int:
    return _offer_query(scope, filters, Offer.id).count()


CSV_HEADER = ("Offre", "M.E.S.", "ABO.", "Statut")


def export_offers(scope: Scope, filters: OfferFilters, path, *, overwrite: bool = False) -> int:
    """The filtered catalogue to a CSV file, read from the database page by page."""
    return export_pages(
        scope,
        "catalogue",
        path,
        CSV_HEADER,
        lambda offset, limit: list_offers(scope, filters, offset, limit),
        lambda r: (r.name, french_amount(r.setup_fee), french_amount(r.monthly_fee), r.status),
        overwrite=overwrite,
    )


# --- one offer, and its edits ----------------------------------------------------------------


@dataclass(frozen=True)
class OfferRecord:
    id: int
    name: str
    description: str
    setup_fee: Decimal
    monthly_fee: Decimal
    retired: bool
    lock_version: int
    updated_by: str | None

    def form_values(self) -> dict:
        return {
            "name": self.name,
            "description": self.description,
            "setup_fee": str(self.setup_fee),
            "monthly_fee": str(self.monthly_fee),
        }


def get_offer(scope: Scope, offer_id: int) -> OfferRecord:
    offer = Offer.get_or_none((Offer.id == offer_id) & (Offer.operator == _operator_of(scope)))
    if offer is None:
        raise NotFound(f"Offre {offer_id} introuvable.")
    return OfferRecord(
        offer.id,
        offer.name,
        offer.description or "",
        money(offer.setup_fee),
        money(offer.monthly_fee),
        bool(offer.retired),
        offer.lock_version,
        offer.updated_by,
    )


def _require_staff(scope: Scope) -> None:
    if not scope.is_operator:
        raise DomainError(STAFF_ONLY)


def _name_taken(scope: Scope, name: str, offer_id: int | None) -> bool:
    """Two offers on sale with one name would be indistinguishable in the quote's picker."""
    query = Offer.select(Offer.id).where(
        (Offer.operator == _operator_of(scope))
        & (Offer.search_name == search_key(name))
        & (Offer.retired == False)  # noqa: E712
    )
    if offer_id is not None:
        query = query.where(Offer.id != offer_id)
    return query.exists()


def save_offer(
    scope: Scope, offer_id: int | None, data: dict, expected_version: int | None = None
) -> int:
    """Add (offer_id None) or edit an offer; returns its id. Operator staff only.

    Editing changes what new quotes take; lines already quoted or ordered keep their prices.
    """
    _require_staff(scope)
    values, errors = clean_offer(data)
    if errors:
        raise ValidationErrors(errors)
    with atomic():
        if offer_id is None:
            if _name_taken(scope, values["name"], None):
                raise ValidationErrors({"name": NAME_TAKEN})
            offer = Offer.create(operator=_operator_of(scope), updated_by=scope.login, **values)
            audit.record(
                scope,
                "offer_created",
                "offer",
                offer.id,
                name=offer.name,
                setup_fee=values["setup_fee"],
                monthly_fee=values["monthly_fee"],
            )
            return offer.id
        before = get_offer(scope, offer_id)
        if not before.retired and _name_taken(scope, values["name"], offer_id):
            raise ValidationErrors({"name": NAME_TAKEN})
        version = before.lock_version if expected_version is None else expected_version
        update_checked(
            Offer,
            offer_id,
            version,
            {**values, "search_name": search_key(values["name"])},
            scope.login,
        )
        changes = {
            name: {"avant": str(getattr(before, name)), "après": str(values[name])}
            for name in ("name", "setup_fee", "monthly_fee", "description")
            if str(getattr(before, name)) != str(values[name])
        }
        audit.record(scope, "offer_updated", "offer", offer_id, **changes)
        return offer_id


def set_retired(scope: Scope, offer_id: int, retired: bool, expected_version: int) -> int:
    """Retire an offer (no longer on new quotes) or put it back on sale; returns its new version."""
    _require_staff(scope)
    with atomic():
        offer = get_offer(scope, offer_id)
        if not retired and _name_taken(scope, offer.name, offer_id):
            raise DomainError(f"« {offer.name} » : {NAME_TAKEN}")
        version = update_checked(
            Offer, offer_id, expected_version, {"retired": retired}, scope.login
        )
        audit.record(scope, "offer_retired" if retired else "offer_reactivated", "offer", offer_id)
        return version
