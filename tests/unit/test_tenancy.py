"""Two operators: each has its own catalogue and SEPA creditor; no change reaches the other's resellers.

The demo has OPENIP (1: resellers 2-5, logins operateur, revendeur, revendeur2) and NORD
OPÉRATEUR RÉSEAUX (6: reseller 7, FLANDRES TÉLÉCOM, commercial n.nord).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from db.core.database import database_proxy, is_sqlite
from db.core.errors import DomainError, NotFound, ValidationErrors
from db.core.kinds import CompanyKind
from db.core.models import (
    BillingPoint,
    Company,
    Offer,
    OperatorSetting,
    Quote,
    QuoteLine,
    SchemaMeta,
    Setting,
)
from db.core.schema import SCHEMA_VERSION, init_schema
from db.core.scope import Scope
from db.documents.creditor import get_creditor_settings, set_creditor_settings
from db.documents.mandate_generation import mandate_data
from db.documents.rum import assign_rum
from db.quotes.catalogue import (
    OfferFilters,
    get_offer,
    list_offers,
    offers,
    save_offer,
    set_retired,
)
from db.quotes.detail import create_quote

OPENIP, NORD = 1, 6
SIP = "SIP Trunk Touch jusqu'à 2 appels simultanés"
NORD_STAFF = Scope(None, "staff.nord", "operateur", NORD, NORD)


def catalogue(scope) -> list[tuple]:
    """What the user's Catalogue screen lists (retired offers included)."""
    return [
        (r.id, r.name, r.setup_fee, r.monthly_fee, r.status)
        for r in list_offers(scope, OfferFilters(include_retired=True), 0, 1000)
    ]


def a_prospect(reseller_id: int) -> Company:
    return (
        Company.select()
        .where((Company.kind == CompanyKind.PROSPECT) & (Company.reseller == reseller_id))
        .order_by(Company.id)
        .first()
    )


def test_an_operator_changing_its_catalogue_changes_nothing_for_the_other(scopes):
    openip_views = {login: catalogue(scopes[login]) for login in ("operateur", "revendeur")}
    nord_reseller = scopes["n.nord"]
    theirs = {r.name: r for r in list_offers(nord_reseller, OfferFilters(), 0, 1000)}
    sip = get_offer(NORD_STAFF, theirs[SIP].id)

    save_offer(
        NORD_STAFF, sip.id, {"name": SIP, "setup_fee": "1", "monthly_fee": "0,50"}, sip.lock_version
    )
    set_retired(NORD_STAFF, theirs["SDA 10 numéros"].id, True, 1)
    added = save_offer(
        NORD_STAFF, None, {"name": "Fibre Nord 1 Gbit/s", "setup_fee": "0", "monthly_fee": "99"}
    )

    for login, before in openip_views.items():
        assert catalogue(scopes[login]) == before, login
    assert "Fibre Nord 1 Gbit/s" not in {o.name for o in offers(scopes["revendeur"])}
    nord_now = {r.name: r for r in list_offers(nord_reseller, OfferFilters(), 0, 1000)}
    assert (nord_now[SIP].setup_fee, str(nord_now[SIP].monthly_fee)) == (1, "0.50")
    assert "SDA 10 numéros" not in nord_now and "Fibre Nord 1 Gbit/s" in nord_now
    assert Offer.get_by_id(added).operator_id == NORD


def test_another_operators_offer_is_not_found_by_id(scopes):
    staff, reseller = scopes["operateur"], scopes["revendeur"]
    nord_offer = Offer.get((Offer.operator == NORD) & (Offer.name == SIP))
    with pytest.raises(NotFound):
        get_offer(staff, nord_offer.id)
    with pytest.raises(NotFound):
        save_offer(staff, nord_offer.id, {"name": "Volée", "setup_fee": "0", "monthly_fee": "0"})
    with pytest.raises(NotFound):
        set_retired(staff, nord_offer.id, True, nord_offer.lock_version)
    assert Offer.get_by_id(nord_offer.id).name == SIP and not Offer.get_by_id(nord_offer.id).retired
    # Nor put on a quote by one of the other operator's resellers.
    count = Quote.select().count()
    with pytest.raises(ValidationErrors) as refused:
        create_quote(reseller, a_prospect(2).id, [(nord_offer.id, 1)])
    assert refused.value.errors["lines.0"] == "Offre introuvable dans le catalogue."
    assert Quote.select().count() == count


def test_the_same_name_may_be_on_sale_at_both_operators(scopes):
    staff = scopes["operateur"]
    first = save_offer(staff, None, {"name": "Offre Commune", "setup_fee": "1", "monthly_fee": "1"})
    second = save_offer(
        NORD_STAFF, None, {"name": "Offre Commune", "setup_fee": "2", "monthly_fee": "2"}
    )
    assert first != second
    with pytest.raises(ValidationErrors):  # but not twice at the same operator
        save_offer(staff, None, {"name": "Offre Commune", "setup_fee": "1", "monthly_fee": "1"})


def test_an_operator_changing_its_creditor_changes_nothing_on_the_others_mandates(scopes):
    revendeur, nord_reseller = scopes["revendeur"], scopes["n.nord"]
    openip_mandate = mandate_data(revendeur, 1744)
    assert openip_mandate.creditor_name == "OPENIP"
    current = get_creditor_settings(NORD)
    set_creditor_settings(
        NORD_STAFF, replace(current, name="NORD SAS", address="1 place du Nord\n59000 LILLE")
    )
    assert mandate_data(revendeur, 1744) == openip_mandate
    assert get_creditor_settings(OPENIP).name == "OPENIP"
    theirs = mandate_data(nord_reseller, a_prospect(7).id)
    assert (theirs.creditor_name, theirs.creditor_address) == (
        "NORD SAS",
        "1 place du Nord\n59000 LILLE",
    )
    # Staff save their own operator's settings only; resellers none.
    with pytest.raises(DomainError, match="votre opérateur"):
        set_creditor_settings(NORD_STAFF, replace(current, name="Pirate"), operator_id=OPENIP)
    with pytest.raises(DomainError, match="réservés au personnel"):
        set_creditor_settings(nord_reseller, replace(current, name="Pirate"))
    assert get_creditor_settings(OPENIP).name == "OPENIP"
    saved_by = OperatorSetting.get(
        (OperatorSetting.operator == NORD) & (OperatorSetting.key == "creditor_name")
    )
    assert saved_by.value == "NORD SAS"


def test_a_generated_rum_takes_the_companys_operators_prefix(scopes):
    company = a_prospect(7)
    billing = BillingPoint.create(company=company, holder="FLANDRES", email="a@b.fr")
    rum = assign_rum(billing.id, None, needed=True)
    assert "-NORD-" in rum and "OPENIP" not in rum  # MOIP-NORD-20261204-…


# --- migration from schema 1 (one catalogue, one creditor for the database) ------------------


def _back_to_schema_1(database) -> dict:
    """Turn the demo store into what schema 1 held: NORD's quote lines on OPENIP's offers."""
    by_name = {o.name: o.id for o in Offer.select().where(Offer.operator == OPENIP)}
    nord_lines = {}
    for offer in Offer.select().where(Offer.operator == NORD):
        lines = QuoteLine.select(QuoteLine.id).where(QuoteLine.offer == offer.id)
        for line in lines:
            nord_lines[line.id] = offer.name
        QuoteLine.update(offer=by_name[offer.name]).where(QuoteLine.offer == offer.id).execute()
    from db.core.models import OrderLine

    for offer in Offer.select().where(Offer.operator == NORD):
        OrderLine.update(offer=by_name[offer.name]).where(OrderLine.offer == offer.id).execute()
    Offer.delete().where(Offer.operator == NORD).execute()
    for row in OperatorSetting.select().where(OperatorSetting.operator == OPENIP):
        Setting.insert(key=row.key, value=row.value).execute()
    from playhouse.migrate import SqliteMigrator, migrate

    if is_sqlite():
        database.execute_sql("PRAGMA foreign_keys = OFF")  # the table is rebuilt under its lines
        migrate(SqliteMigrator(database).drop_column("offer", "operator_id", legacy=True))
        database.execute_sql("PRAGMA foreign_keys = ON")
    else:
        database.execute_sql('ALTER TABLE "offer" DROP COLUMN "operator_id"')
    database.execute_sql('DROP TABLE "operator_setting"')
    database.execute_sql('DROP TABLE "login_throttle"')
    SchemaMeta.update(version=1).execute()
    return nord_lines


def test_schema_1_is_migrated_and_each_operator_keeps_what_it_saw(demo_db, scopes):
    database = database_proxy.obj
    nord_lines = _back_to_schema_1(database)
    assert nord_lines  # the demo has quotes at NORD's reseller
    openip_offers = database.execute_sql("SELECT id, name, setup_fee FROM offer").fetchall()

    assert init_schema() == SCHEMA_VERSION

    assert SchemaMeta.get_by_id(1).version == SCHEMA_VERSION
    mine = [
        (o.id, o.name, float(o.setup_fee)) for o in Offer.select().where(Offer.operator == OPENIP)
    ]
    assert sorted(mine) == sorted((i, n, float(s)) for i, n, s in openip_offers)  # same ids
    nord = {o.id: o.name for o in Offer.select().where(Offer.operator == NORD)}
    assert sorted(nord.values()) == sorted(n for _, n, _ in openip_offers)  # a full copy
    for line_id, name in nord_lines.items():
        assert nord[QuoteLine.get_by_id(line_id).offer_id] == name  # on NORD's copy now
    for operator in (OPENIP, NORD):
        assert get_creditor_settings(operator).name == "OPENIP"  # both kept what they printed
    assert not Setting.select().where(Setting.key.startswith("creditor")).exists()
    assert init_schema() == SCHEMA_VERSION  # a second start changes nothing
    assert Offer.select().count() == 2 * len(openip_offers)
