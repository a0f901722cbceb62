"""Mes devis (E-boutique): a quote's steps and reference, the list with its filters and paging.

One quote's detail and edits are in db.quotes.detail, its lines and prices in db.quotes.lines,
"Créer le compte client" in db.quotes.client_account.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from peewee import JOIN

from db.companies.lists import main_city
from db.companies.prospects import capped_count, page_total
from db.core.database import contains_folded, contains_text
from db.core.dates import format_date
from db.core.errors import FieldError, NotFound
from db.core.keyset import CountLater, Keyset, Pager, fetch_page
from db.core.models import Company, Quote, QuotePartner, User, fold, quote_reference
from db.core.money import Amounts, money
from db.core.scope import Scope
from db.core.text import search_filters, search_words
from db.core.validation import clean_text

STEPS = {
    1: "Brouillon",
    2: "Envoyé au client",
    3: "En négociation",
    4: "Signé / accepté",
}
SIGNED_STEP = 4

REFERENCE_INVALID = "N° de devis invalide (ex. DEV000095225/1)."


def step_label(step: int) -> str:
    """'4 - Signé / accepté': the number the guide's Étape column shows, then its name."""
    return f"{step} - {STEPS[step]}" if step in STEPS else str(step)


STEP_OPTIONS = [(step_label(n), n) for n in STEPS]  # (label, value) pairs for a Select


# --- parsing of the filter inputs -------------------------------------------------------------

_REFERENCE_RE = re.compile(
    r"(?:DEV)?\s*(\d{1,9})\s*(?:[/\-.]\s*(?:V\s*)?(\d{1,4}))?", re.IGNORECASE | re.ASCII
)


def parse_reference(text: str | None) -> tuple[int | None, int | None]:
    """'DEV000095225/1', 'DEV000095225', '95225', '95225/1' -> (95225, 1 or None).

    Empty text gives (None, None); anything else that is not a quote number raises FieldError.
    """
    text = clean_text(text)
    if not text:
        return None, None
    match = _REFERENCE_RE.fullmatch(text)
    if match is None:
        raise FieldError(REFERENCE_INVALID)
    number, revision = match.groups()
    return int(number), int(revision) if revision else None


# --- list ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteFilters:
    reference: str = ""  # N° devis / Version
    client_number: str = ""  # N° client
    client: str = ""  # Client (raison sociale)
    offers: str = ""  # Nom des offres
    created_from: dt.date | None = None  # Création (one day: created_from == created_to)
    created_to: dt.date | None = None
    step: int | None = None  # Étape
    commercial_id: int | None = None  # Commercial


@dataclass(frozen=True)
class QuoteRow(Amounts):
    id: int
    reference: str
    client: str
    client_number: str
    commune: str
    offers: str
    created_on: dt.date
    step: int
    partners: str
    commercial: str
    setup_total: Decimal
    monthly_total: Decimal

    @property
    def created(self) -> str:
        return format_date(self.created_on)

    @property
    def step_label(self) -> str:
        return step_label(self.step)


def _words(text: str) -> list[str]:
    return search_words(fold(text))  # at most 8: each is one more AND


def _quote_query(scope: Scope, filters: QuoteFilters, *columns, for_count: bool = False):
    query = Quote.select(*columns)
    filters = search_filters(filters)  # any text: rows or none, never a store error
    client_number = clean_text(filters.client_number).replace(" ", "").upper()
    # A count joins nothing: it filters on the client with `company IN (matching clients)`,
    # one scan of the companies instead of a lookup per quote (100,000 of them).
    if not for_count:
        query = (
            query.join(Company, on=(Quote.company == Company.id))
            .switch(Quote)
            .join(User, JOIN.LEFT_OUTER, on=(Quote.commercial == User.id))
        )
    query = query.where(scope.owner_condition(Quote))
    try:
        number, revision = parse_reference(filters.reference)
    except FieldError:
        # Nothing can match an impossible number; the screen shows the message at the field.
        return query.where(False)
    if number is not None:
        query = query.where(Quote.number == number)
    if revision is not None:
        query = query.where(Quote.revision == revision)
    clients = Company.select(Company.id) if for_count else query
    if client_number:
        clients = clients.where(contains_text(Company.client_number, client_number))
    # Each word must appear, so 'garage centre' finds 'GARAGE DU CENTRE'.
    for word in _words(filters.client):
        clients = clients.where(contains_folded(Company.search_name, word))
    if not for_count:
        query = clients
    elif client_number or _words(filters.client):
        query = query.where(Quote.company.in_(clients))
    for word in _words(filters.offers):
        query = query.where(contains_folded(Quote.search_offers, word))
    if filters.created_from is not None:
        query = query.where(Quote.created_on >= filters.created_from)
    if filters.created_to is not None:
        query = query.where(Quote.created_on <= filters.created_to)
    if filters.step is not None:
        query = query.where(Quote.step == filters.step)
    if filters.commercial_id is not None:
        query = query.where(Quote.commercial == filters.commercial_id)
    return query


def partner_names(quote_ids: list[int]) -> dict[int, str]:
    """Partenaires column: quote id -> the names of its partner companies, in order."""
    names: dict[int, list[str]] = {}
    if not quote_ids:
        return {}
    query = (
        QuotePartner.select(QuotePartner.quote, Company.name)
        .join(Company, on=(QuotePartner.company == Company.id))
        .where(QuotePartner.quote.in_(quote_ids))
        .order_by(QuotePartner.id)
        .tuples()
    )
    for quote_id, name in cast(Iterable[tuple[int, str]], query):
        names.setdefault(quote_id, []).append(name)
    return {quote_id: ", ".join(items) for quote_id, items in names.items()}


_NEWEST = Keyset((Quote.created_on, Quote.id), ("created_on", "id"), descending=True)
_REVISIONS = Keyset(
    (Quote.revision, Quote.created_on, Quote.id), ("revision", "created_on", "id"), descending=True
)


def _newest_first(filters: QuoteFilters) -> Keyset:
    """ORDER BY for Mes devis: newest first (the id breaks ties on the day).

    For one N° de devis, its revisions come newest first by revision: the same order, and
    the database then looks the number up in its index (100,000 quotes) instead of walking
    the creation-date index to satisfy the ORDER BY (0.3 ms instead of 100+ ms).
    """
    try:
        number, _ = parse_reference(filters.reference)
    except FieldError:
        number = None
    return _REVISIONS if number is not None else _NEWEST


def list_query(scope: Scope, filters: QuoteFilters):
    """The columns of a Mes devis row, filtered, not yet ordered nor paged."""
    return _quote_query(
        scope,
        filters,
        Quote.id,
        Quote.number,
        Quote.revision,
        Quote.offer_names,
        Quote.created_on,
        Quote.step,
        Quote.setup_total,
        Quote.monthly_total,
        Company.name.alias("client"),
        Company.client_number,
        User.display_name,
        User.login,
        main_city(Quote.company).alias("commune"),
    )


def list_quotes(
    scope: Scope,
    filters: QuoteFilters,
    offset: int = 0,
    limit: int = 50,
    *,
    pager: Pager | None = None,
) -> list[QuoteRow]:
    """One page of Mes devis, newest first, filtered and paged by the database (by keyset for
    next/previous page with `pager`, db.core.keyset)."""
    query = list_query(scope, filters)
    rows = fetch_page(query, _newest_first(filters), offset, limit, pager=pager, filters=filters)
    partners = partner_names([row["id"] for row in rows])
    return [
        QuoteRow(
            id=row["id"],
            reference=quote_reference(row["number"], row["revision"]),
            client=row["client"],
            client_number=row["client_number"] or "",
            commune=row["commune"] or "",
            offers=row["offer_names"],
            created_on=row["created_on"],
            step=row["step"],
            partners=partners.get(row["id"], ""),
            commercial=row["display_name"] or row["login"] or "",
            setup_total=money(row["setup_total"]),
            monthly_total=money(row["monthly_total"]),
        )
        for row in rows
    ]


def count_quotes(scope: Scope, filters: QuoteFilters, *, cap: int | None = None) -> int:
    """How many quotes the filters select; with `cap`, AtLeast(cap) once there are more."""
    return capped_count(_quote_query(scope, filters, Quote.id, for_count=True), cap)


def page_quotes(
    scope: Scope,
    filters: QuoteFilters,
    offset: int = 0,
    limit: int = 50,
    *,
    pager: Pager | None = None,
    count_later: bool = False,
) -> tuple[list[QuoteRow], int | CountLater]:
    """One page of Mes devis and its total as the list shows it (db.companies.prospects.page_total);
    with `count_later`, a count still to run is returned as a CountLater."""
    rows = list_quotes(scope, filters, offset, limit, pager=pager)

    def count(cap: int) -> int:
        return count_quotes(scope, filters, cap=cap)

    return rows, page_total(rows, offset, limit, count, later=count_later, pager=(pager, filters))


def commercials(scope: Scope, *, active_only: bool = False) -> list[tuple[int, str]]:
    """(id, name) of the commercials of this scope's companies, for the Commercial select.

    Disabled users stay in the filter list (their old quotes must remain findable) unless
    `active_only`, which is what a new quote offers.
    """
    query = (
        User.select(User.id, User.display_name, User.login)
        .join(Company, on=(User.company == Company.id))
        .where(scope.owner_condition(Company) & (User.is_commercial == True))  # noqa: E712
    )
    if active_only:
        query = query.where(User.disabled == False)  # noqa: E712
    users = [
        (uid, name or login)
        for uid, name, login in cast(Iterable[tuple[int, str, str]], query.tuples())
    ]
    return sorted(users, key=lambda item: (fold(item[1]), item[0]))


def find_quote(scope: Scope, reference: str) -> int:
    """Quote id for a typed number; without '/N' the latest visible version."""
    try:
        number, revision = parse_reference(reference)
    except FieldError:
        number = revision = None
    query = Quote.select(Quote.id).where(scope.owner_condition(Quote) & (Quote.number == number))
    if revision is not None:
        query = query.where(Quote.revision == revision)
    quote = query.order_by(Quote.revision.desc()).first() if number is not None else None
    if quote is None:
        raise NotFound(f"Devis « {clean_text(reference)} » introuvable.")
    return quote.id
