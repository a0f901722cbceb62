"""Commander from the quote itself (Ctrl+O on a client's signed quote)."""

from __future__ import annotations

from db.core.kinds import CompanyKind
from db.core.models import Company, Offer, Order, Quote
from db.quotes.detail import create_quote, set_step
from screens.order_detail import OrderDetailScreen
from screens.quote_detail import QuoteDetailScreen
from tests.ui.conftest import SIZE, login, settle
from tui.toolkit.dialogs.confirm import ConfirmDialog
from tui.toolkit.widgets.footer import AppFooter


def signed_quote_of_a_client(scope) -> Quote:
    client = (
        scope.companies().where(Company.kind == CompanyKind.CLIENT).order_by(Company.id).first()
    )
    offer = Offer.select().where(Offer.retired == False).order_by(Offer.id).first()  # noqa: E712
    quote_id = create_quote(scope, client.id, [(offer.id, 2)])
    set_step(scope, quote_id, 4, Quote.get_by_id(quote_id).lock_version)
    return Quote.get_by_id(quote_id)


def footer_text(app) -> str:
    return str(app.screen.query_one(AppFooter).render())


async def open_quote(pilot, quote_id: int) -> None:
    pilot.app.push_screen(QuoteDetailScreen(quote_id))
    await settle(pilot)
    await settle(pilot)


async def test_ctrl_o_orders_a_signed_client_quote_once(app, scopes):
    quote = signed_quote_of_a_client(scopes["revendeur"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot, "revendeur")
        await open_quote(pilot, quote.id)
        assert "Commander" in footer_text(app)

        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")  # Annuler: nothing is made
        await settle(pilot)
        assert isinstance(app.screen, QuoteDetailScreen)
        assert not Order.select().where(Order.quote == quote.id).exists()

        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, OrderDetailScreen)
        order = Order.get(Order.quote == quote.id)
        assert order.lines.count() == 1

        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, QuoteDetailScreen)
        await pilot.press("ctrl+o")  # a second order of the same quote is refused, with its number
        await settle(pilot)
        assert isinstance(app.screen, QuoteDetailScreen)
        assert Order.select().where(Order.quote == quote.id).count() == 1
        messages = [str(n.message) for n in app._notifications]
        assert any(order.number in message for message in messages)


async def test_no_commander_on_a_prospects_quote(app):
    prospect_quote = Quote.get((Quote.number == 95225) & (Quote.revision == 1))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot, "revendeur")
        await open_quote(pilot, prospect_quote.id)
        assert "Commander" not in footer_text(app)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, QuoteDetailScreen)
        assert not Order.select().where(Order.quote == prospect_quote.id).exists()
