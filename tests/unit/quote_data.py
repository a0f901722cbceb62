"""What the quote tests share: the demo's guide quote, a scope's quotes read without db.quotes.lists,
and the values typed in the client account form."""

from __future__ import annotations

from db.core.models import Quote
from db.quotes import lists as q

ALL = 10_000
IBAN = "FR76 3000 4000 0312 3456 7890 143"
SIRET = "40305211100024"  # valid, and not the one the demo stores for 1745 (40305211100016)


def ids(scope, **filters) -> list[int]:
    return [row.id for row in q.list_quotes(scope, q.QuoteFilters(**filters), limit=ALL)]


def visible(scope) -> list[Quote]:
    """Independent of db.quotes.lists: every quote the scope may see, newest first."""
    column = Quote.operator if scope.is_operator else Quote.reseller
    return list(
        Quote.select()
        .where(column == scope.company_id)
        .order_by(Quote.created_on.desc(), Quote.id.desc())
    )


def guide_quote_id() -> int:
    return Quote.get((Quote.number == 95225) & (Quote.revision == 1)).id
