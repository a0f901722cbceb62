"""Quotes: filters against the database, scope, versions, steps, totals and "Créer le compte client"."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from db import client_account as ca
from db import quote_detail as qd
from db import quotes as q
from db.catalogue import offers
from db.dates import parse_date_fr, parse_date_range
from db.errors import (
    ConcurrentEditError,
    ConversionRefused,
    FieldError,
    NotFound,
    ValidationErrors,
)
from db.models import (
    AuditLog,
    BillingPoint,
    Company,
    CompanyKind,
    Contact,
    Offer,
    Quote,
    QuoteLine,
    QuotePartner,
    Site,
    User,
    fold,
)
from db.money import format_amount

ALL = 10_000
IBAN = "FR76 3000 4000 0312 3456 7890 143"
SIRET = "40305211100024"  # valid, and not the one the demo stores for 1745 (40305211100016)


def ids(scope, **filters) -> list[int]:
    return [row.id for row in q.list_quotes(scope, q.QuoteFilters(**filters), limit=ALL)]


def visible(scope) -> list[Quote]:
    """Independent of db.quotes: every quote the scope may see, newest first."""
    column = Quote.operator if scope.is_operator else Quote.reseller
    return list(
        Quote.select()
        .where(column == scope.company_id)
        .order_by(Quote.created_on.desc(), Quote.id.desc())
    )


def guide_quote_id() -> int:
    return Quote.get((Quote.number == 95225) & (Quote.revision == 1)).id


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


# --- the quote -------------------------------------------------------------------------------


def test_guide_quote_detail(scopes):
    detail = qd.get_quote(scopes["revendeur"], q.find_quote(scopes["revendeur"], "95225"))
    assert detail.reference == "DEV000095225/1" and detail.step_label == "4 - Signé / accepté"
    assert (detail.company_name, detail.company_kind, detail.city) == (
        "GARAGE DU CENTRE",
        CompanyKind.PROSPECT,
        "CLICHY",
    )
    assert detail.client_number == ""
    [line] = detail.lines
    assert (line.quantity, line.setup_total, line.monthly_total) == (
        1,
        Decimal("82.80"),
        Decimal("5.76"),
    )
    assert detail.amounts == "82.80 € / 5.76 €"
    assert detail.can_create_client_account and not detail.editable
    assert [r.reference for r in detail.revisions] == ["DEV000095225/1"]


def _snapshot(quote_id: int):
    quote = Quote.get_by_id(quote_id)
    lines = [
        (line.offer_id, line.label, line.quantity, line.setup_fee, line.monthly_fee)
        for line in quote.lines.order_by(QuoteLine.id)
    ]
    partners = [p.company_id for p in quote.partners]
    return (
        quote.revision,
        quote.step,
        quote.lock_version,
        quote.setup_total,
        quote.monthly_total,
        quote.offer_names,
        quote.created_on,
        lines,
        partners,
    )


def test_new_revision_copies_and_leaves_the_original_unchanged(scopes):
    scope = scopes["revendeur"]
    first = guide_quote_id()
    before = _snapshot(first)
    second = qd.new_revision(scope, first)
    assert _snapshot(first) == before
    copy = qd.get_quote(scope, second)
    assert copy.reference == "DEV000095225/2" and copy.step == 1 and copy.editable
    assert copy.created_on == dt.date.today()
    assert copy.amounts == "82.80 € / 5.76 €"
    assert _snapshot(second)[7:] == before[7:]  # same lines (frozen prices) and partners
    assert [r.reference for r in copy.revisions] == ["DEV000095225/1", "DEV000095225/2"]
    # Editing the copy leaves /1 as it was.
    offer = Offer.get(Offer.name == "SDA 10 numéros")
    qd.update_lines(scope, second, [(offer.id, 2)], copy.lock_version)
    assert _snapshot(first) == before
    # A version made from /1 again still takes the next free number.
    assert Quote.get_by_id(qd.new_revision(scope, first)).revision == 3
    assert AuditLog.select().where(AuditLog.action == "quote_revised").count() == 2


def test_new_revision_of_a_hidden_quote_is_refused(scopes):
    with pytest.raises(NotFound):
        qd.new_revision(scopes["revendeur2"], guide_quote_id())
    assert Quote.select().where(Quote.number == 95225).count() == 1


def _offer(name: str) -> Offer:
    return Offer.get(Offer.name == name)


def test_create_quote_with_exact_decimal_totals(scopes):
    scope = scopes["revendeur"]
    mobile = _offer("Forfait mobile Pro 100 Go")  # 0.00 / 19.99
    sip = _offer("SIP Trunk Touch jusqu'à 2 appels simultanés")  # 82.80 / 5.76
    centrex = _offer("Centrex Cloud (par poste)")  # 25.00 / 12.50
    quote_id = qd.create_quote(scope, 1745, [(mobile.id, 7), (sip.id, 3), (centrex.id, 11)])
    detail = qd.get_quote(scope, quote_id)
    assert detail.setup_total == Decimal("523.40")  # 0 + 248.40 + 275.00
    assert detail.monthly_total == Decimal("294.71")  # 139.93 + 17.28 + 137.50
    assert detail.amounts == "523.40 € / 294.71 €"
    assert sum((line.monthly_total for line in detail.lines), Decimal(0)) == Decimal("294.71")
    assert [line.quantity for line in detail.lines] == [7, 3, 11]
    stored = Quote.get_by_id(quote_id)
    assert Decimal(stored.monthly_total) == Decimal("294.71")
    assert stored.number == 95226 and stored.revision == 1 and stored.step == 1
    assert stored.reseller_id == scope.company_id and stored.operator_id == scope.operator_id
    assert [p.company_id for p in stored.partners] == [scope.company_id]
    assert stored.commercial_id == scope.user_id
    assert "sip trunk" in stored.search_offers and " + " in stored.offer_names
    # Prices are frozen: a later catalogue change does not touch the quote.
    Offer.update(monthly_fee=Decimal("99.99")).where(Offer.id == mobile.id).execute()
    assert qd.get_quote(scope, quote_id).monthly_total == Decimal("294.71")
    assert ids(scope, reference=stored.reference) == [quote_id]


def test_create_quote_refusals(scopes):
    scope = scopes["revendeur"]
    retired = Offer.get(Offer.retired == True)  # noqa: E712
    sip = _offer("SIP Trunk Touch jusqu'à 2 appels simultanés")
    count = Quote.select().count()
    with pytest.raises(ValidationErrors) as exc:
        qd.create_quote(scope, 1745, [(sip.id, 1), (retired.id, 1)])
    assert "n'est plus commercialisée" in exc.value.errors["lines.1"]
    with pytest.raises(ValidationErrors) as exc:
        qd.create_quote(scope, 1745, [(sip.id, 0), (sip.id, 1000), (sip.id, "2"), (999, 1)])
    assert set(exc.value.errors) == {"lines.0", "lines.1", "lines.3"}
    with pytest.raises(ValidationErrors) as exc:
        qd.create_quote(scope, 1745, [])
    assert "lines" in exc.value.errors
    with pytest.raises(ValidationErrors) as exc:
        qd.create_quote(scope, 1745, [(sip.id, 1)], commercial_id=User.get(login="s.moreau").id)
    assert "commercial" in exc.value.errors
    with pytest.raises(ValidationErrors) as exc:
        qd.create_quote(scope, 9, [(sip.id, 1)])  # an "entreprise autre"
    assert "company" in exc.value.errors
    other = Company.get((Company.kind == CompanyKind.PROSPECT) & (Company.reseller == 3))
    with pytest.raises(NotFound):
        qd.create_quote(scope, other.id, [(sip.id, 1)])
    assert Quote.select().count() == count
    assert retired.id not in {offer.id for offer in offers()}
    assert retired.id in {offer.id for offer in offers(include_retired=True)}


def test_update_lines_recomputes_and_keeps_frozen_prices(scopes):
    scope = scopes["revendeur"]
    sip = _offer("SIP Trunk Touch jusqu'à 2 appels simultanés")
    sda = _offer("SDA 10 numéros")
    quote_id = qd.create_quote(scope, 1745, [(sip.id, 1)])
    Offer.update(setup_fee=Decimal("100.00")).where(Offer.id == sip.id).execute()
    version = qd.update_lines(scope, quote_id, [(sip.id, 2), (sda.id, 3)], 1)
    detail = qd.get_quote(scope, quote_id)
    assert version == detail.lock_version == 2
    assert detail.setup_total == Decimal("195.60")  # 2 × 82.80 (frozen) + 3 × 10.00
    assert detail.monthly_total == Decimal("20.52")  # 2 × 5.76 + 3 × 3.00
    assert "numeros" in Quote.get_by_id(quote_id).search_offers
    assert ids(scope, offers="SDA", reference=detail.reference) == [quote_id]
    with pytest.raises(ConcurrentEditError):
        qd.update_lines(scope, quote_id, [(sda.id, 1)], 1)
    # A retired offer already on the quote may stay; a new one may not.
    Offer.update(retired=True).where(Offer.id.in_([sip.id, sda.id])).execute()
    qd.update_lines(scope, quote_id, [(sip.id, 1)], 2)
    with pytest.raises(ValidationErrors):
        qd.update_lines(scope, quote_id, [(sip.id, 1), (sda.id, 1)], 3)


def test_signed_quote_lines_cannot_change(scopes):
    scope = scopes["revendeur"]
    quote_id = guide_quote_id()
    with pytest.raises(ValidationErrors) as exc:
        qd.update_lines(scope, quote_id, [(_offer("SDA 10 numéros").id, 1)], 1)
    assert "nouvelle version" in exc.value.errors["lines"]
    assert Quote.get_by_id(quote_id).lock_version == 1


def test_steps_move_with_version_checks(scopes):
    scope = scopes["revendeur"]
    quote_id = qd.create_quote(scope, 1745, [(_offer("SDA 10 numéros").id, 1)])
    version = qd.next_step(scope, quote_id, 1)
    assert (Quote.get_by_id(quote_id).step, version) == (2, 2)
    version = qd.set_step(scope, quote_id, 4, version)
    assert qd.get_quote(scope, quote_id).step_label == "4 - Signé / accepté"
    with pytest.raises(FieldError, match="dernière"):
        qd.next_step(scope, quote_id, version)
    with pytest.raises(ConcurrentEditError) as exc:
        qd.previous_step(scope, quote_id, 1)  # loaded before the two moves
    assert "revendeur" in exc.value.message
    version = qd.previous_step(scope, quote_id, version)
    assert Quote.get_by_id(quote_id).step == 3
    with pytest.raises(FieldError):
        qd.set_step(scope, quote_id, 5, version)
    with pytest.raises(NotFound):
        qd.set_step(scopes["revendeur2"], quote_id, 1, version)
    assert Quote.get_by_id(quote_id).lock_version == version
    moves = AuditLog.select().where(
        (AuditLog.action == "quote_step_changed") & (AuditLog.entity_id == quote_id)
    )
    assert moves.count() == 3


# --- Créer le compte client ------------------------------------------------------------------


def _form(scope, quote_id):
    prefill = ca.client_account_prefill(scope, quote_id)
    billing = dict(prefill["billing"], email="compta@garageducentre.fr", iban=IBAN, bic="")
    ident = dict(prefill["ident"], siret=SIRET)
    return billing, ident, dict(prefill["admin"]), prefill["versions"]


def _untouched(company_id: int, version: int) -> None:
    company = Company.get_by_id(company_id)
    assert (company.kind, company.client_number, company.lock_version) == (
        CompanyKind.PROSPECT,
        None,
        version,
    )
    assert not BillingPoint.select().where(BillingPoint.company == company_id).exists()
    admins = Contact.select().where((Contact.company == company_id) & Contact.is_admin)
    assert not admins.exists()
    assert not AuditLog.select().where(AuditLog.entity_id == company_id).exists()


def test_prefill_knows_the_prospect(scopes):
    prefill = ca.client_account_prefill(scopes["revendeur"], guide_quote_id())
    assert prefill["billing"]["holder"] == "GARAGE DU CENTRE"
    assert prefill["billing"]["payment_mode"] == "Prélèvement"
    stored = Company.get_by_id(1745)
    assert prefill["ident"] == {"siren": stored.siren, "siret": stored.siret}
    admin = prefill["admin"]
    assert (admin["civility"], admin["last_name"], admin["first_name"]) == (
        "Madame",
        "LEROUX",
        "Nadia",
    )
    assert admin["phone"] == "01 47 30 11 22"
    assert admin["email"] == "nadia.leroux@garageducentre.fr"


def test_create_client_account_converts_the_prospect(scopes):
    scope = scopes["revendeur"]
    quote_id = guide_quote_id()
    billing, ident, admin, versions = _form(scope, quote_id)
    number = ca.create_client_account(scope, quote_id, billing, ident, admin, versions)

    company = Company.get_by_id(1745)
    assert company.kind == CompanyKind.CLIENT and company.client_number == number
    assert company.siret == SIRET and company.vat_number == "FR32403052111"
    assert company.converted_by == "revendeur"
    detail = qd.get_quote(scope, quote_id)
    assert detail.client_number == number and detail.company_kind == CompanyKind.CLIENT
    assert not detail.can_create_client_account
    assert ids(scope, client_number=number) == [quote_id]

    point = BillingPoint.get(BillingPoint.company == 1745)
    assert point.iban == IBAN.replace(" ", "") and point.bic  # BIC filled from the IBAN
    assert point.rum  # generated, the field was left empty
    assert (point.street, point.postcode, point.city) == ("place du Marché", "92110", "CLICHY")
    assert (point.vat_regime, point.payment_terms) == ("Assujetti", "À réception")
    # The known contact became the administrator instead of being recorded twice.
    [contact] = Contact.select().where(Contact.company == 1745)
    assert contact.is_admin and contact.last_name == "LEROUX" and contact.phone == "+33147301122"
    row = AuditLog.get((AuditLog.action == "converted_to_client") & (AuditLog.entity_id == 1745))
    assert row.login == "revendeur" and number in row.details
    assert AuditLog.get(AuditLog.action == "client_account_created").entity_id == quote_id
    with pytest.raises(ConversionRefused, match="déjà client"):
        ca.create_client_account(scope, quote_id, billing, ident, admin)


def test_invalid_siret_is_refused_at_its_field_and_nothing_written(scopes):
    scope = scopes["revendeur"]
    quote_id = guide_quote_id()
    billing, ident, admin, versions = _form(scope, quote_id)
    ident["siret"] = "40305211100018"
    admin["phone"] = ""
    billing["iban"] = "FR76 3000 4000 0312 3456 7890 199"
    with pytest.raises(ValidationErrors) as exc:
        ca.create_client_account(scope, quote_id, billing, ident, admin, versions)
    assert "clé de contrôle" in exc.value.errors["ident.siret"]
    assert {"ident.siret", "admin.phone", "billing.iban"} <= set(exc.value.errors)
    _untouched(1745, versions["company"])
    # Fixed, the same form goes through.
    ident["siret"], admin["phone"], billing["iban"] = SIRET, "01 47 30 11 22", IBAN
    assert ca.create_client_account(scope, quote_id, billing, ident, admin, versions)


def test_siret_of_another_client_rolls_everything_back(scopes):
    scope = scopes["revendeur"]
    quote_id = guide_quote_id()
    holder = Company.get((Company.kind == CompanyKind.CLIENT) & (Company.reseller == 2))
    Company.update(siren="403052111", siret=SIRET).where(Company.id == holder.id).execute()
    billing, ident, admin, versions = _form(scope, quote_id)
    with pytest.raises(ConversionRefused) as exc:
        ca.create_client_account(scope, quote_id, billing, ident, admin, versions)
    assert holder.name in exc.value.message
    _untouched(1745, versions["company"])
    assert not Contact.get(Contact.company == 1745).is_admin
    assert Company.get_by_id(1745).siret != SIRET  # the typed SIRET was rolled back too


def test_incomplete_site_is_listed_by_the_refusal(scopes):
    scope = scopes["revendeur"]
    quote_id = guide_quote_id()
    Site.update(street="").where(Site.company == 1745).execute()
    billing, ident, admin, versions = _form(scope, quote_id)
    with pytest.raises(ConversionRefused) as exc:
        ca.create_client_account(scope, quote_id, billing, ident, admin, versions)
    assert "Voie (Société (étape 1))" in exc.value.missing
    _untouched(1745, versions["company"])


def test_required_fields_and_taken_rum(scopes):
    scope = scopes["revendeur"]
    quote_id = guide_quote_id()
    with pytest.raises(ValidationErrors) as exc:
        ca.create_client_account(scope, quote_id, {}, {}, {})
    assert {
        "billing.email",
        "billing.iban",
        "billing.bic",
        "admin.civility",
        "admin.last_name",
        "admin.first_name",
        "admin.phone",
        "admin.email",
    } <= set(exc.value.errors)
    taken = BillingPoint.get(BillingPoint.company == 1744).rum
    billing, ident, admin, versions = _form(scope, quote_id)
    billing["rum"] = taken
    with pytest.raises(ValidationErrors) as exc:
        ca.create_client_account(scope, quote_id, billing, ident, admin, versions)
    assert set(exc.value.errors) == {"billing.rum"}
    _untouched(1745, versions["company"])


def test_stale_form_is_refused(scopes):
    scope = scopes["revendeur"]
    quote_id = guide_quote_id()
    billing, ident, admin, versions = _form(scope, quote_id)
    Company.update(lock_version=Company.lock_version + 1, updated_by="revendeur").where(
        Company.id == 1745
    ).execute()
    with pytest.raises(ConcurrentEditError):
        ca.create_client_account(scope, quote_id, billing, ident, admin, versions)
    assert Company.get_by_id(1745).kind == CompanyKind.PROSPECT


def test_client_account_only_from_a_signed_prospect_quote(scopes):
    scope = scopes["revendeur"]
    quote_id = guide_quote_id()
    qd.set_step(scope, quote_id, 3, 1)
    assert not qd.get_quote(scope, quote_id).can_create_client_account
    with pytest.raises(ConversionRefused, match="étape 4"):
        ca.client_account_prefill(scope, quote_id)
    client_quote = (
        Quote.select()
        .join(Company, on=(Quote.company == Company.id))
        .where((Company.kind == CompanyKind.CLIENT) & (Quote.reseller == 2))
        .first()
    )
    Quote.update(step=4).where(Quote.id == client_quote.id).execute()
    detail = qd.get_quote(scope, client_quote.id)
    assert detail.client_number and not detail.can_create_client_account
    with pytest.raises(NotFound):
        ca.client_account_prefill(scopes["revendeur2"], guide_quote_id())
    assert QuotePartner.select().count() == Quote.select().count()
