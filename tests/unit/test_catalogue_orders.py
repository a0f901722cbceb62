"""Catalogue, Commandes and Mes services: prices, orders from signed client quotes, services."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest

from db.core.errors import ConcurrentEditError, DomainError, FieldError, NotFound, ValidationErrors
from db.core.models import AuditLog, Company, CompanyKind, Offer, Order, OrderLine, Quote
from db.orders.orders import (
    OrderFilters,
    count_orders,
    create_order_from_quote,
    create_order_from_reference,
    get_order,
    list_orders,
    preview_order,
)
from db.orders.subscriptions import ServiceFilters, count_services, list_services, service_totals
from db.quotes.catalogue import (
    NAME_TAKEN,
    STAFF_ONLY,
    OfferFilters,
    count_offers,
    get_offer,
    list_offers,
    offers,
    parse_price,
    save_offer,
    set_retired,
)
from db.quotes.detail import create_quote, get_quote, new_revision, set_step


@pytest.fixture(autouse=True)
def no_orders(demo_db):
    """Start from a book without orders, whatever the demo data holds, so counts are exact."""
    OrderLine.delete().execute()
    Order.delete().execute()


def offer(name: str, operator: int = 1) -> Offer:
    """The offer of that name in operator `operator`'s catalogue (the demo's OPENIP: 1)."""
    return Offer.get((Offer.name == name) & (Offer.operator == operator))


SIP = "SIP Trunk Touch jusqu'à 2 appels simultanés"  # 82.80 / 5.76
CENTREX = "Centrex Cloud (par poste)"  # 25.00 / 12.50


def a_client(scope) -> Company:
    return scope.companies().where(Company.kind == CompanyKind.CLIENT).order_by(Company.id).first()


def signed_quote(scope, company_id: int, lines) -> int:
    quote_id = create_quote(scope, company_id, lines)
    set_step(scope, quote_id, 4, Quote.get_by_id(quote_id).lock_version)
    return quote_id


# --- catalogue -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("82,80", Decimal("82.80")),
        ("82.80", Decimal("82.80")),
        ("82,8", Decimal("82.80")),
        ("1 234,50 €", Decimal("1234.50")),
        ("0", Decimal("0.00")),
    ],
)
def test_prices_are_typed_the_french_way_or_with_a_dot(typed, value):
    assert parse_price(typed) == value


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("12,345", "au plus 2 décimales"),
        ("-3", "positif ou nul"),
        ("douze", "Montant invalide"),
        ("1,2,3", "Montant invalide"),
    ],
)
def test_bad_prices_are_refused_in_french(typed, message):
    with pytest.raises(FieldError, match=message):
        parse_price(typed)


def test_only_operator_staff_change_the_catalogue(scopes):
    data = {"name": "Nouvelle offre", "setup_fee": "10", "monthly_fee": "1"}
    with pytest.raises(DomainError, match=STAFF_ONLY):
        save_offer(scopes["revendeur"], None, data)
    sip = offer(SIP)
    with pytest.raises(DomainError, match=STAFF_ONLY):
        set_retired(scopes["revendeur"], sip.id, True, sip.lock_version)
    assert not Offer.select().where(Offer.name == "Nouvelle offre").exists()


def test_staff_add_and_edit_offers_version_checked_and_audited(scopes):
    staff = scopes["operateur"]
    errors = None
    try:
        save_offer(staff, None, {"name": "", "setup_fee": "1,234", "monthly_fee": ""})
    except ValidationErrors as exc:
        errors = exc.errors
    assert set(errors) == {"name", "setup_fee", "monthly_fee"}

    offer_id = save_offer(
        staff, None, {"name": "Trunk SIP 30", "setup_fee": "199,90", "monthly_fee": "45.5"}
    )
    record = get_offer(staff, offer_id)
    assert (record.setup_fee, record.monthly_fee) == (Decimal("199.90"), Decimal("45.50"))
    assert AuditLog.get(AuditLog.action == "offer_created").entity_id == offer_id

    with pytest.raises(ValidationErrors) as taken:
        save_offer(staff, None, {"name": "trunk sip 30", "setup_fee": "1", "monthly_fee": "1"})
    assert taken.value.errors == {"name": NAME_TAKEN}

    save_offer(
        staff,
        offer_id,
        {"name": "Trunk SIP 30", "setup_fee": "210", "monthly_fee": "45,50"},
        record.lock_version,
    )
    assert get_offer(staff, offer_id).setup_fee == Decimal("210.00")
    with pytest.raises(ConcurrentEditError):  # the version the form was opened at is stale
        save_offer(
            staff,
            offer_id,
            {"name": "Trunk SIP 30", "setup_fee": "1", "monthly_fee": "1"},
            record.lock_version,
        )
    assert get_offer(staff, offer_id).setup_fee == Decimal("210.00")
    assert AuditLog.select().where(AuditLog.action == "offer_updated").count() == 1


def test_catalogue_list_filters_in_sql_and_hides_retired_offers(scopes):
    scope = scopes["revendeur"]
    names = [r.name for r in list_offers(scope, OfferFilters(name="sip touch"))]
    assert names == [
        "SIP Trunk Touch jusqu'à 10 appels simultanés",
        "SIP Trunk Touch jusqu'à 2 appels simultanés",
    ]
    on_sale = count_offers(scope, OfferFilters())
    everything = count_offers(scope, OfferFilters(include_retired=True))
    mine = Offer.select().where(Offer.operator == scope.operator_id)
    assert everything == mine.count() < Offer.select().count()  # not the other operator's
    assert on_sale == mine.where(Offer.retired == False).count()  # noqa: E712
    assert [r.status for r in list_offers(scope, OfferFilters(name="adsl"))] == []
    retired = list_offers(scope, OfferFilters(name="adsl", include_retired=True))
    assert [(r.name, r.status) for r in retired] == [("ADSL Pro (ancienne offre)", "Retirée")]


def test_a_retired_offer_stays_on_old_quotes_at_its_frozen_price(scopes):
    scope, staff = scopes["revendeur"], scopes["operateur"]
    client = a_client(scope)
    sip = offer(SIP)
    quote_id = create_quote(scope, client.id, [(sip.id, 2)])

    save_offer(
        staff, sip.id, {"name": SIP, "setup_fee": "99", "monthly_fee": "9,99"}, sip.lock_version
    )
    set_retired(staff, sip.id, True, Offer.get_by_id(sip.id).lock_version)
    assert sip.id not in [o.id for o in offers(scope)]  # not offered on new quotes

    line = get_quote(scope, quote_id).lines[0]
    assert (line.label, line.setup_fee, line.monthly_fee) == (
        SIP,
        Decimal("82.80"),
        Decimal("5.76"),
    )
    with pytest.raises(ValidationErrors, match="lines"):
        create_quote(scope, client.id, [(sip.id, 1)])

    # Signed and ordered after the retirement: the order takes the quoted prices.
    set_step(scope, quote_id, 4, Quote.get_by_id(quote_id).lock_version)
    order = get_order(scope, create_order_from_quote(scope, quote_id))
    assert [(li.label, li.setup_fee, li.monthly_fee) for li in order.lines] == [
        (SIP, Decimal("82.80"), Decimal("5.76"))
    ]
    assert (order.setup_total, order.monthly_total) == (Decimal("165.60"), Decimal("11.52"))

    set_retired(staff, sip.id, False, Offer.get_by_id(sip.id).lock_version)
    assert sip.id in [o.id for o in offers(scope)]
    assert [a.action for a in AuditLog.select().where(AuditLog.entity == "offer")][-2:] == [
        "offer_retired",
        "offer_reactivated",
    ]


# --- orders ----------------------------------------------------------------------------------


def test_an_order_from_a_signed_client_quote_carries_its_lines(scopes):
    scope = scopes["revendeur"]
    client = a_client(scope)
    quote_id = signed_quote(scope, client.id, [(offer(SIP).id, 3), (offer(CENTREX).id, 2)])
    quote = Quote.get_by_id(quote_id)

    preview = preview_order(scope, quote.reference)
    assert (preview.client, preview.lines, preview.amounts) == (
        client.name,
        2,
        "298.40 € / 42.28 €",
    )
    order_id = create_order_from_quote(scope, quote_id)

    order = Order.get_by_id(order_id)
    assert re.fullmatch(r"CMD\d{9}", order.number)
    assert (order.company_id, order.quote_id) == (client.id, quote_id)
    assert (order.reseller_id, order.operator_id) == (quote.reseller_id, quote.operator_id)
    lines = [
        (li.label, li.quantity, li.setup_fee, li.monthly_fee)
        for li in OrderLine.select().where(OrderLine.order == order_id).order_by(OrderLine.id)
    ]
    assert lines == [
        (SIP, 3, Decimal("82.80"), Decimal("5.76")),
        (CENTREX, 2, Decimal("25.00"), Decimal("12.50")),
    ]
    audit = (
        AuditLog.select()
        .where(AuditLog.action == "order_created")
        .order_by(AuditLog.id.desc())
        .first()
    )
    assert (audit.entity_id, audit.login) == (order_id, "revendeur")

    detail = get_order(scope, order_id)
    assert (detail.quote, detail.client_number) == (quote.reference, client.client_number)
    assert (detail.setup_total, detail.monthly_total) == (Decimal("298.40"), Decimal("42.28"))

    rows = list_orders(scope, OrderFilters(client=client.client_number))
    assert [(r.number, r.quote, r.amounts) for r in rows] == [
        (order.number, quote.reference, "298.40 € / 42.28 €")
    ]
    assert count_orders(scope, OrderFilters(number=order.number)) == 1
    assert count_orders(scope, OrderFilters(number="CMD999999999")) == 0
    assert count_orders(scope, OrderFilters(created_from=dt.date.today() + dt.timedelta(1))) == 0


def test_orders_appear_in_mes_services_with_exact_totals(scopes):
    scope = scopes["revendeur"]
    client = a_client(scope)
    first = create_order_from_quote(
        scope, signed_quote(scope, client.id, [(offer(SIP).id, 3), (offer(CENTREX).id, 2)])
    )
    Order.update(created_on=dt.date(2024, 3, 1)).where(Order.id == first).execute()
    create_order_from_quote(scope, signed_quote(scope, client.id, [(offer(SIP).id, 1)]))

    rows = list_services(scope, ServiceFilters(client=client.client_number))
    assert [(r.offer, r.quantity, r.monthly_amount, r.since) for r in rows] == [
        (CENTREX, 2, Decimal("25.00"), dt.date(2024, 3, 1)),
        (SIP, 4, Decimal("23.04"), dt.date(2024, 3, 1)),
    ]
    assert {r.client_monthly_total for r in rows} == {Decimal("48.04")}
    totals = service_totals(scope, ServiceFilters(client=client.client_number))
    assert (totals.clients, totals.services, totals.quantity, totals.monthly_total) == (
        1,
        2,
        6,
        Decimal("48.04"),
    )
    only_sip = ServiceFilters(client=client.client_number, offer="sip 2 appels")
    assert [r.offer for r in list_services(scope, only_sip)] == [SIP]
    assert service_totals(scope, only_sip).monthly_total == Decimal("23.04")
    assert count_services(scope, ServiceFilters()) == 2


def test_orders_and_services_stay_in_their_scope(scopes):
    scope = scopes["revendeur"]
    quote_id = signed_quote(scope, a_client(scope).id, [(offer(SIP).id, 1)])
    with pytest.raises(NotFound):
        create_order_from_quote(scopes["revendeur2"], quote_id)
    order_id = create_order_from_quote(scope, quote_id)
    assert count_orders(scopes["revendeur2"], OrderFilters()) == 0
    assert count_services(scopes["revendeur2"], ServiceFilters()) == 0
    with pytest.raises(NotFound):
        get_order(scopes["revendeur2"], order_id)
    assert count_orders(scopes["operateur"], OrderFilters()) == 1  # the reseller's operator
    assert count_services(scopes["operateur"], ServiceFilters()) == 1


def test_orders_are_refused_with_clear_french_messages(scopes):
    scope = scopes["revendeur"]
    client = a_client(scope)
    draft = create_quote(scope, client.id, [(offer(SIP).id, 1)])
    with pytest.raises(DomainError, match="Le devis doit être à l'étape 4"):
        create_order_from_quote(scope, draft)

    # The guide's DEV000095225/1 is signed but its company is still a prospect.
    with pytest.raises(DomainError, match="Le devis doit appartenir à un client"):
        create_order_from_reference(scope, "DEV000095225/1")

    signed = signed_quote(scope, client.id, [(offer(SIP).id, 1)])
    number = Order.get_by_id(create_order_from_quote(scope, signed)).number
    with pytest.raises(DomainError, match=f"déjà été commandé \\(commande {number}"):
        create_order_from_quote(scope, signed)
    # A new version of an ordered quote, signed again, would bill the services twice.
    revision = new_revision(scope, signed)
    set_step(scope, revision, 4, Quote.get_by_id(revision).lock_version)
    with pytest.raises(DomainError, match="déjà été commandé"):
        create_order_from_quote(scope, revision)
    assert Order.select().count() == 1
    assert OrderLine.select().count() == 1
