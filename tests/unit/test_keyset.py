"""Keyset paging (db.core.keyset): next, previous, the same and the last page start from a row seen.

Run on SQLite, and on PostgreSQL in CI (MYOPENIP_TEST_DATABASE_URL). Each test pages through a
list with a Pager, as the screens do, and compares with the whole list read in one query; the
SQL sent for a keyset page is checked to have no OFFSET (peewee logs every query it runs).
"""

from __future__ import annotations

import datetime as dt
import logging

import pytest

from db.companies import lists as cl
from db.companies import prospects as p
from db.core.keyset import Pager
from db.core.kinds import CompanyKind
from db.core.models import Company, Quote
from db.quotes import lists as q
from screens.prospects import fetch_prospects
from screens.quotes import fetch_quotes

ALL = 100_000


@pytest.fixture
def sql(caplog):
    """The SQL statements peewee runs from now on (one list per call)."""
    caplog.set_level(logging.DEBUG, logger="peewee")

    def since(mark: int) -> list[str]:
        return [r.getMessage() for r in caplog.records[mark:] if r.name == "peewee"]

    return caplog, since


def _page_sql(statements: list[str]) -> list[str]:
    """The list's own page query among `statements` (not the counts nor the partners)."""
    return [s for s in statements if "LIMIT" in s and "COUNT" not in s and "quotepartner" not in s]


def _walk(fetch, pages: list[int], limit: int, sql) -> tuple[list[list], list[list[str]]]:
    """Fetch the page offsets in `pages` in that order; the ids of each and its page SQL."""
    caplog, since = sql
    ids, queries = [], []
    for offset in pages:
        mark = len(caplog.records)
        rows, _ = fetch(offset, limit)
        ids.append([row.id for row in rows])
        queries.append(_page_sql(since(mark)))
    return ids, queries


def test_prospects_first_next_previous_last_same_as_offset(scopes, sql):
    scope = scopes["operateur"]
    filters = p.ProspectFilters()
    expected = [r.id for r in p.list_prospects(scope, filters, 0, ALL)]
    limit = 7
    assert len(expected) > 3 * limit and len(expected) < 10_000  # exact total: a last page
    last = (len(expected) - 1) // limit * limit
    pager = Pager()
    pages = [0, limit, 2 * limit, limit, 0, last, last - limit, last]
    ids, queries = _walk(
        lambda o, n: p.page_prospects(scope, filters, o, n, pager=pager), pages, limit, sql
    )
    for offset, got in zip(pages, ids, strict=True):
        assert got == expected[offset : offset + limit], offset
    # Page 2, 3, back to 2: keyset; the first page is the top, read afresh; the last page
    # (total known exactly) is read backwards from the end; the page before it: keyset.
    for index in (1, 2, 3, 6, 7):
        assert queries[index] and all("OFFSET" not in s for s in queries[index]), pages[index]
    assert "OFFSET" not in queries[5][0]
    assert "ASC" in queries[5][0]  # the last page: the list's order reversed, LIMIT n


def test_a_jump_without_a_neighbour_is_an_offset_query(scopes, sql):
    scope = scopes["operateur"]
    filters = p.ProspectFilters()
    expected = [r.id for r in p.list_prospects(scope, filters, 0, ALL)]
    pager = Pager()
    ids, queries = _walk(
        lambda o, n: p.page_prospects(scope, filters, o, n, pager=pager), [0, 15], 5, sql
    )
    assert ids[1] == expected[15:20]
    assert "OFFSET" in queries[1][0]


def test_new_rows_between_page_loads_shift_no_page(scopes, sql):
    """A prospect created at the top meanwhile: the next page still follows the last row seen
    (OFFSET would show that row again) and the previous page is the one seen before."""
    scope = scopes["operateur"]
    filters = p.ProspectFilters()
    limit = 5
    pager = Pager()
    first, _ = p.page_prospects(scope, filters, 0, limit, pager=pager)
    second, _ = p.page_prospects(scope, filters, limit, limit, pager=pager)
    newest = p.save_company_step(
        scope,
        None,
        {
            "name": "NOUVEAU ENTRE DEUX PAGES",
            "siren": "732829320",
            "siret": "73282932000074",
            "site_number": "1",
            "site_street": "rue de Paris",
            "site_postcode": "92110",
            "site_city": "CLICHY",
            "site_country": "France",
        },
    )
    everything = [r.id for r in p.list_prospects(scope, filters, 0, ALL)]
    assert everything[0] == newest
    third, _ = p.page_prospects(scope, filters, 2 * limit, limit, pager=pager)
    at_offset = p.list_prospects(scope, filters, 2 * limit, limit)
    start = everything.index(second[-1].id) + 1
    assert [r.id for r in third] == everything[start : start + limit]
    assert at_offset[0].id == second[-1].id  # what OFFSET paging would have shown again
    back, _ = p.page_prospects(scope, filters, limit, limit, pager=pager)
    assert back == second
    top, _ = p.page_prospects(scope, filters, 0, limit, pager=pager)
    assert top[0].id == newest  # the first page is always the top of the list as it is now
    assert [r.id for r in top[1:]] == [r.id for r in first[:-1]]


def test_the_same_page_again_keeps_its_rows(scopes):
    """Back on the screen (reload at the same offset): the page starts at the row it did."""
    scope = scopes["operateur"]
    filters = p.ProspectFilters()
    pager = Pager()
    p.page_prospects(scope, filters, 0, 5, pager=pager)
    shown, _ = p.page_prospects(scope, filters, 5, 5, pager=pager)
    top = p.list_prospects(scope, filters, 0, 1)[0]
    # A row above the page leaves the list (OFFSET would now start one row further down).
    Company.update(kind=CompanyKind.OTHER).where(Company.id == top.id).execute()
    again, _ = p.page_prospects(scope, filters, 5, 5, pager=pager)
    assert again == shown


def test_quotes_with_ties_on_the_day_page_like_the_whole_list(scopes, sql):
    """Mes devis is ordered by creation day, newest first: many quotes share a day, the id
    breaks the tie, so each quote shows on exactly one page whichever way the user pages."""
    days = (dt.date(2024, 3, 1), dt.date(2024, 3, 2), dt.date(2023, 1, 9))
    for index, (quote_id,) in enumerate(Quote.select(Quote.id).order_by(Quote.id).tuples()):
        Quote.update(created_on=days[index % 3]).where(Quote.id == quote_id).execute()
    scope = scopes["operateur"]
    expected = [r.id for r in q.list_quotes(scope, q.QuoteFilters(), 0, ALL)]
    assert len(expected) > 12 and len(set(expected)) == len(expected)
    limit = 4
    pager = Pager()
    forward = list(range(0, len(expected), limit))
    pages = [*forward, *reversed(forward[:-1])]
    ids, queries = _walk(lambda o, n: fetch_quotes(scope, {}, o, n, pager), pages, limit, sql)
    for offset, got in zip(pages, ids, strict=True):
        assert got == expected[offset : offset + limit], offset
    assert all("OFFSET" not in s for page in queries[1:] for s in page)
    shown = [quote_id for page in ids[: len(forward)] for quote_id in page]
    assert shown == expected  # no quote twice, none missing


def test_one_quote_number_revisions_page_by_keyset(scopes):
    guide = Quote.get((Quote.number == 95225) & (Quote.revision == 1))
    scope = scopes["revendeur"]
    for revision in range(2, 7):
        Quote.insert(
            number=95225,
            revision=revision,
            company=guide.company_id,
            reseller=guide.reseller_id,
            operator=guide.operator_id,
            created_on=guide.created_on,  # all the same day: revision, then id decide
        ).execute()
    filters = q.QuoteFilters(reference="95225")
    expected = [r.reference for r in q.list_quotes(scope, filters, 0, ALL)]
    assert expected[0].endswith("/6") and expected[-1].endswith("/1")
    pager = Pager()
    pages = [q.page_quotes(scope, filters, o, 2, pager=pager)[0] for o in (0, 2, 4, 2)]
    assert [r.reference for r in pages[0] + pages[1] + pages[2]] == expected
    assert pages[3] == pages[1]


def test_company_list_with_ties_on_the_name(scopes):
    """Ambassadeurs and the like are alphabetical: same names, ordered by id, none lost."""
    scope = scopes["operateur"]
    for _ in range(5):
        Company.create(
            kind=CompanyKind.OTHER, name="MÊME NOM", operator=scope.company_id, updated_by="t"
        )
    filters = cl.CompanyFilters()
    expected = [r.id for r in cl.list_companies(scope, CompanyKind.OTHER, filters, 0, ALL)]
    assert len(expected) >= 6
    pager = Pager()
    pages = [
        cl.list_companies(scope, CompanyKind.OTHER, filters, o, 2, pager=pager)
        for o in range(0, len(expected), 2)
    ]
    assert [r.id for page in pages for r in page] == expected
    back = cl.list_companies(scope, CompanyKind.OTHER, filters, 2, 2, pager=pager)
    assert [r.id for r in back] == expected[2:4]


def test_contacts_page_by_keyset(scopes):
    scope = scopes["operateur"]
    filters = cl.ContactFilters()
    expected = [r.id for r in cl.list_contacts(scope, filters, 0, ALL)]
    pager = Pager()
    got = [
        r.id
        for o in range(0, len(expected), 6)
        for r in cl.list_contacts(scope, filters, o, 6, pager=pager)
    ]
    assert got == expected


def test_new_filters_start_over(scopes):
    """A page remembered for other filters is never used as a neighbour."""
    scope = scopes["operateur"]
    pager = Pager()
    fetch_prospects(scope, {}, 0, 5, pager)
    fetch_prospects(scope, {}, 5, 5, pager)
    filters = {"name": "e"}
    expected = [r.id for r in p.list_prospects(scope, p.ProspectFilters(name="e"), 0, ALL)]
    assert len(expected) > 10
    rows, _ = fetch_prospects(scope, filters, 10, 5, pager)
    assert [r.id for r in rows] == expected[10:15]
    assert pager.plan(p.ProspectFilters(name="e"), 10, 5)[0] == "from"


def test_pager_plans():
    pager = Pager()
    assert pager.plan("f", 0, 10) == ("first", None)
    assert pager.plan("f", 30, 10) == ("offset", None)
    pager.seen("f", 30, 10, [(9,), (5,)] + [(4,)] * 8)
    assert pager.plan("f", 40, 10) == ("after", (4,))
    assert pager.plan("f", 20, 10) == ("before", (9,))
    assert pager.plan("f", 30, 10) == ("from", (9,))
    pager.seen("f", 40, 10, [(3,), (2,)])  # a short page: nothing after it to read by key
    assert pager.plan("f", 50, 10) == ("offset", None)
    pager.total("f", 10, 57)
    assert pager.plan("f", 50, 10) == ("last", 7)
    pager.total("f", 10, p.AtLeast(10_000))  # "plus de 10 000": no last page by key
    assert pager.plan("f", 50, 10) == ("offset", None)
    assert pager.plan("f", 40, 5) == ("offset", None)  # another page size: forgotten
    assert pager.plan("f", 40, 10) == ("offset", None)
