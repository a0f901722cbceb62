"""Quotes: parsing of what is typed in Mes devis, and the list against the database and the scope."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from db.core.dates import parse_date_fr, parse_date_range
from db.core.errors import (
    FieldError,
    NotFound,
)
from db.core.models import (
    Quote,
    User,
    fold,
)
from db.core.money import format_amount
from db.quotes import detail as qd
from db.quotes import lists as q
from tests.unit.quote_data import guide_quote_id, ids, visible

# --- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("DEV000095225/1", (95225, 1)),
        ("dev000095225/2", (95225, 2)),
        ("DEV000095225", (95225, None)),
        ("95225", (95225, None)),
        ("95225/1", (95225, 1)),
        (" DEV 95225 / 3 ", (95225, 3)),
        ("", (None, None)),
        (None, (None, None)),
    ],
)
def test_parse_reference(text, expected):
    assert q.parse_reference(text) == expected


@pytest.mark.parametrize("text", ["abc", "DEV", "95225/x", "DEV0000952250001/1", "12 34"])
def test_parse_reference_refuses_garbage(text):
    with pytest.raises(FieldError, match="N° de devis invalide"):
        q.parse_reference(text)


def test_parse_date_fr():
    assert parse_date_fr("16/07/2019") == dt.date(2019, 7, 16)
    assert parse_date_fr("1-7-2019") == dt.date(2019, 7, 1)
    assert parse_date_fr("16.07.19") == dt.date(2019, 7, 16)
    for bad in ("31/02/2019", "2019-07-16", "16/07", "hier", ""):
        with pytest.raises(FieldError, match=r"Date invalide \(jj/mm/aaaa\)\."):
            parse_date_fr(bad)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", (None, None)),
        ("16/07/2019", (dt.date(2019, 7, 16), dt.date(2019, 7, 16))),
        ("16-07-2019", (dt.date(2019, 7, 16), dt.date(2019, 7, 16))),
        ("01/07/2019-31/07/2019", (dt.date(2019, 7, 1), dt.date(2019, 7, 31))),
        ("01/07/2019 - 31/07/2019", (dt.date(2019, 7, 1), dt.date(2019, 7, 31))),
        ("du 01/07/2019 au 31/07/2019", (dt.date(2019, 7, 1), dt.date(2019, 7, 31))),
        ("01/07/2019-", (dt.date(2019, 7, 1), None)),
        ("du 01/07/2019", (dt.date(2019, 7, 1), None)),
        ("-31/07/2019", (None, dt.date(2019, 7, 31))),
        ("07/2019", (dt.date(2019, 7, 1), dt.date(2019, 7, 31))),
        ("02/2020", (dt.date(2020, 2, 1), dt.date(2020, 2, 29))),
        ("2019", (dt.date(2019, 1, 1), dt.date(2019, 12, 31))),
        ("2019-2020", (dt.date(2019, 1, 1), dt.date(2020, 12, 31))),
    ],
)
def test_parse_date_range(text, expected):
    assert parse_date_range(text) == expected


def test_parse_date_range_refusals():
    with pytest.raises(FieldError, match="Date invalide"):
        parse_date_range("32/07/2019")
    with pytest.raises(FieldError, match="Date invalide"):
        parse_date_range("-")
    with pytest.raises(FieldError, match="précéder"):
        parse_date_range("31/07/2019-01/07/2019")


def test_steps_and_amount_format():
    assert q.STEPS[4] == "Signé / accepté"
    assert q.step_label(4) == "4 - Signé / accepté"
    assert [value for _, value in q.STEP_OPTIONS] == [1, 2, 3, 4]
    assert format_amount(Decimal("82.8")) == "82.80 €"


# --- the list --------------------------------------------------------------------------------


def test_guide_quote_row(scopes):
    [row] = q.list_quotes(scopes["revendeur"], q.QuoteFilters(reference="DEV000095225/1"))
    assert row.reference == "DEV000095225/1"
    assert row.client == "GARAGE DU CENTRE" and row.commune == "CLICHY"
    assert row.offers.startswith("SIP Trunk Touch")
    assert row.created == "16/07/2019" and row.step == 4
    assert row.amounts == "82.80 € / 5.76 €"
    assert row.setup_total == Decimal("82.80") and isinstance(row.monthly_total, Decimal)
    assert row.partners == "TÉLÉCOM CONSEIL ÎLE-DE-FRANCE"
    assert row.commercial == "Claire Bernard"


def test_no_filter_is_every_visible_quote_newest_first(scopes):
    for login in ("revendeur", "revendeur2", "operateur"):
        expected = [quote.id for quote in visible(scopes[login])]
        assert ids(scopes[login]) == expected
        assert q.count_quotes(scopes[login], q.QuoteFilters()) == len(expected)


@pytest.mark.parametrize("text", ["DEV000095225/1", "DEV000095225", "95225", "95225/1"])
def test_filter_reference(scopes, text):
    assert ids(scopes["revendeur"], reference=text) == [guide_quote_id()]


def test_filter_reference_version_and_garbage(scopes):
    scope = scopes["revendeur"]
    assert ids(scope, reference="95225/2") == []
    assert ids(scope, reference="n'importe quoi") == []
    second = qd.new_revision(scope, guide_quote_id())
    assert ids(scope, reference="95225/2") == [second]
    assert set(ids(scope, reference="DEV000095225")) == {guide_quote_id(), second}


def test_filter_client_is_accent_and_case_insensitive(scopes):
    scope = scopes["operateur"]
    target = next(quote for quote in visible(scope) if any(c in "ÉÈÊ" for c in quote.company.name))
    typed = fold(target.company.name).upper().replace("E", "e")  # no accents, mixed case
    expected = [quote.id for quote in visible(scope) if quote.company.search_name == fold(typed)]
    assert target.id in expected
    assert ids(scope, client=typed) == expected
    word = fold(target.company.name).split()[-1]
    assert ids(scope, client=word) == [
        quote.id for quote in visible(scope) if word in quote.company.search_name
    ]


def test_filter_client_number(scopes):
    scope = scopes["operateur"]
    target = next(quote for quote in visible(scope) if quote.company.client_number)
    number = target.company.client_number
    expected = [quote.id for quote in visible(scope) if quote.company.client_number == number]
    assert ids(scope, client_number=number) == expected
    assert ids(scope, client_number=number.lower()) == expected
    assert ids(scope, client_number="CLXXXX") == []


def test_filter_offers(scopes):
    scope = scopes["operateur"]
    expected = [quote.id for quote in visible(scope) if "sip trunk" in fold(quote.offer_names)]
    assert expected and guide_quote_id() in expected
    assert ids(scope, offers="SIP TRUNK") == expected
    assert ids(scope, offers="numéros") == [
        quote.id for quote in visible(scope) if "numeros" in quote.search_offers
    ]


def test_filter_creation_one_day_and_range(scopes):
    scope = scopes["revendeur"]
    day = dt.date(2019, 7, 16)
    assert ids(scope, created_from=day, created_to=day) == [
        quote.id for quote in visible(scope) if quote.created_on == day
    ]
    start, end = parse_date_range("01/01/2021-31/12/2022")
    expected = [quote.id for quote in visible(scope) if start <= quote.created_on <= end]
    assert expected
    assert ids(scope, created_from=start, created_to=end) == expected
    assert ids(scope, created_from=start) == [
        quote.id for quote in visible(scope) if quote.created_on >= start
    ]
    assert ids(scope, created_to=end) == [
        quote.id for quote in visible(scope) if quote.created_on <= end
    ]


@pytest.mark.parametrize("step", [1, 2, 3, 4])
def test_filter_step(scopes, step):
    scope = scopes["operateur"]
    assert ids(scope, step=step) == [quote.id for quote in visible(scope) if quote.step == step]


def test_filter_commercial(scopes):
    scope = scopes["revendeur"]
    choices = dict(q.commercials(scope))
    for user_id in choices:
        expected = [quote.id for quote in visible(scope) if quote.commercial_id == user_id]
        assert ids(scope, commercial_id=user_id) == expected
    bernard = User.get(User.login == "c.bernard").id
    assert guide_quote_id() in ids(scope, commercial_id=bernard)


def test_filters_combined(scopes):
    scope = scopes["operateur"]
    start, end = dt.date(2019, 1, 1), dt.date(2022, 12, 31)
    expected = [
        quote.id
        for quote in visible(scope)
        if quote.step == 4
        and "sip" in quote.search_offers
        and start <= quote.created_on <= end
        and "garage" in quote.company.search_name
    ]
    got = ids(scope, step=4, offers="sip", created_from=start, created_to=end, client="Garage")
    assert got == expected and guide_quote_id() in got
    assert ids(scope, reference="95225", step=1) == []


def test_commercials_of_the_scope(scopes):
    revendeur = {name for _, name in q.commercials(scopes["revendeur"])}
    assert revendeur == {"Julie Revendeur", "Claire Bernard", "Luc Petit"}
    operator = {name for _, name in q.commercials(scopes["operateur"])}
    assert revendeur | {"Sophie Moreau", "Anne Opérateur"} <= operator
    assert "Nina Nord" not in operator  # another operator's reseller


def test_reseller_never_sees_another_resellers_quotes(scopes):
    first, second = scopes["revendeur"], scopes["revendeur2"]
    mine = set(ids(first))
    theirs = set(ids(second))
    assert mine and theirs and not mine & theirs
    assert all(Quote.get_by_id(i).reseller_id == first.company_id for i in mine)
    # Filters that match the other reseller's quotes still return none of them.
    other = Quote.get_by_id(next(iter(theirs)))
    assert set(ids(first, reference=f"{other.number}/{other.revision}")) == set()
    assert not set(ids(first, client=other.company.name)) & theirs
    assert not set(ids(first, step=other.step, offers=other.offer_names)) & theirs
    operator = set(ids(scopes["operateur"]))
    assert mine | theirs <= operator
    assert all(Quote.get_by_id(i).operator_id == scopes["operateur"].company_id for i in operator)
    foreign = Quote.select().where(Quote.operator != scopes["operateur"].company_id)
    assert foreign.count() and not {quote.id for quote in foreign} & operator


def test_hidden_quote_is_not_found_like_a_missing_one(scopes):
    quote_id = guide_quote_id()
    with pytest.raises(NotFound) as hidden:
        qd.get_quote(scopes["revendeur2"], quote_id)
    with pytest.raises(NotFound) as missing:
        qd.get_quote(scopes["revendeur2"], 999_999)
    assert hidden.value.message == missing.value.message
    with pytest.raises(NotFound, match="DEV000095225/1"):
        q.find_quote(scopes["revendeur2"], "DEV000095225/1")
    with pytest.raises(NotFound):
        q.find_quote(scopes["revendeur"], "DEV000095225/7")
    assert q.find_quote(scopes["operateur"], "DEV000095225/1") == quote_id


def test_paging(scopes):
    scope = scopes["operateur"]
    everything = ids(scope)
    pages = []
    for offset in range(0, len(everything), 7):
        page = q.list_quotes(scope, q.QuoteFilters(), offset=offset, limit=7)
        assert len(page) <= 7
        pages.extend(row.id for row in page)
    assert pages == everything
    assert q.list_quotes(scope, q.QuoteFilters(), offset=len(everything), limit=7) == []
    step = [row.id for row in q.list_quotes(scope, q.QuoteFilters(step=1), offset=2, limit=3)]
    assert step == ids(scope, step=1)[2:5]
