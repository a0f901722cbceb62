"""Lists at scale: counts capped at COUNT_CAP, counted only when a page cannot tell, same rows.

The count queries of Prospects and Mes devis join nothing (client and place filters become
`IN (subquery)`): they must select exactly what the list query selects.
"""

from __future__ import annotations

import datetime as dt

import pytest

from db.companies import prospects as p
from db.core.models import Quote
from db.quotes import lists as q

ALL = 10_000

PROSPECT_FILTERS = [
    p.ProspectFilters(),
    p.ProspectFilters(name="gar"),
    p.ProspectFilters(name="e"),
    p.ProspectFilters(place="75"),
    p.ProspectFilters(place="paris"),
    p.ProspectFilters(place="7", name="a"),
    p.ProspectFilters(identifiant="1743"),
    p.ProspectFilters(name="zzz-nothing"),
]
QUOTE_FILTERS = [
    q.QuoteFilters(),
    q.QuoteFilters(client="garage"),
    q.QuoteFilters(client="garage centre"),
    q.QuoteFilters(client_number="CL"),
    q.QuoteFilters(offers="fibre"),
    q.QuoteFilters(reference="DEV000095225"),
    q.QuoteFilters(reference="95225/1"),
    q.QuoteFilters(created_from=dt.date(2019, 1, 1), created_to=dt.date(2019, 12, 31)),
    q.QuoteFilters(step=4, client="a"),
    q.QuoteFilters(reference="not a number"),
]


@pytest.mark.parametrize("login", ["revendeur", "revendeur2", "operateur"])
def test_prospect_counts_match_the_list(scopes, login):
    scope = scopes[login]
    for filters in PROSPECT_FILTERS:
        rows = p.list_prospects(scope, filters, 0, ALL)
        assert p.count_prospects(scope, filters) == len(rows), filters
        assert p.page_prospects(scope, filters, 0, ALL) == (rows, len(rows))


@pytest.mark.parametrize("login", ["revendeur", "revendeur2", "operateur"])
def test_quote_counts_match_the_list(scopes, login):
    scope = scopes[login]
    for filters in QUOTE_FILTERS:
        rows = q.list_quotes(scope, filters, 0, ALL)
        assert q.count_quotes(scope, filters) == len(rows), filters
        assert q.page_quotes(scope, filters, 0, ALL) == (rows, len(rows))


def test_a_count_stops_at_its_cap(scopes):
    scope = scopes["operateur"]
    total = p.count_prospects(scope, p.ProspectFilters())
    assert total > 10
    capped = p.count_prospects(scope, p.ProspectFilters(), cap=10)
    assert capped == 10 and capped.at_least
    exact = p.count_prospects(scope, p.ProspectFilters(), cap=total)
    assert exact == total and not getattr(exact, "at_least", False)
    assert q.count_quotes(scope, q.QuoteFilters(), cap=3).at_least


def test_page_total_counts_only_when_the_page_is_full(monkeypatch):
    calls = []

    def count(cap):
        calls.append(cap)
        return p.AtLeast(cap)

    assert p.page_total([1, 2], 0, 5, count) == 2  # a short first page is the whole list
    assert p.page_total([1, 2], 10, 5, count) == 12  # a short later page ends the list
    assert calls == []
    monkeypatch.setattr(p, "COUNT_CAP", 100)
    assert p.page_total([1] * 5, 0, 5, count) == 100  # full page: counted, up to the cap
    assert p.page_total([1] * 5, 95, 5, count) == 200  # the cap stays above the page shown
    assert p.page_total([], 40, 5, count) == 100  # an empty later page: counted again
    assert calls == [100, 200, 100]


def test_one_quote_number_lists_its_revisions_newest_first(scopes):
    scope = scopes["revendeur"]
    guide = Quote.get((Quote.number == 95225) & (Quote.revision == 1))
    rows = q.list_quotes(scope, q.QuoteFilters(reference="95225"), 0, ALL)
    assert [row.id for row in rows][-1] == guide.id
    revisions = [int(row.reference.rsplit("/", 1)[1]) for row in rows]
    assert revisions == sorted(revisions, reverse=True)
