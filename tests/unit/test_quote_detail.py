"""One quote: its detail, versions, new quotes, lines with exact Decimal totals, steps."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from db.core.errors import (
    ConcurrentEditError,
    FieldError,
    NotFound,
    ValidationErrors,
)
from db.core.models import (
    AuditLog,
    Company,
    CompanyKind,
    Offer,
    Quote,
    QuoteLine,
    User,
)
from db.quotes import detail as qd
from db.quotes import lists as q
from db.quotes.catalogue import offers
from tests.unit.quote_data import guide_quote_id, ids

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
    assert retired.id not in {offer.id for offer in offers(scope)}
    assert retired.id in {offer.id for offer in offers(scope, include_retired=True)}


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
