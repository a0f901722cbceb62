"""One quote through the real UI: new version, steps with a concurrent change, a new quote from the
catalogue."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from textual.widgets import Input, Static

from db.core.models import Offer, Quote, QuoteLine
from screens.quote_detail import QuoteDetailScreen
from screens.quote_new import QuoteNewScreen
from tests.ui.conftest import SIZE, login, settle, type_text
from tests.ui.quote_screens import guide_quote, open_mes_devis

# --- the quote: versions, steps, lines, new quote ------------------------------------------


def _frozen(quote_id: int):
    quote = Quote.get_by_id(quote_id)
    lines = [
        (line.offer_id, line.quantity, line.setup_fee, line.monthly_fee)
        for line in quote.lines.order_by(QuoteLine.id)
    ]
    return (quote.step, quote.lock_version, quote.setup_total, quote.monthly_total, lines)


async def test_new_version_leaves_the_first_unchanged(app):
    first = guide_quote().id
    before = _frozen(first)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot)
        from screens.quotes import open_quote

        open_quote(app, first)
        await settle(pilot)
        await pilot.press("ctrl+v")
        await settle(pilot)
        await pilot.press("o")  # Créer
        await settle(pilot)
        second = Quote.get((Quote.number == 95225) & (Quote.revision == 2))
        assert isinstance(app.screen, QuoteDetailScreen) and app.screen.quote_id == second.id
        assert second.step == 1 and second.created_on == dt.date.today()

        # The copy can be edited: one more SIP Trunk Touch line and a Centrex.
        await pilot.press("ctrl+e")
        await settle(pilot)
        centrex = Offer.get(Offer.name == "Centrex Cloud (par poste)")
        catalogue = app.screen.query_one("#catalogue")
        index = next(
            i
            for i in range(catalogue.option_count)
            if catalogue.get_option_at_index(i).id == str(centrex.id)
        )
        catalogue.highlighted = index
        await pilot.press("enter", "enter", "enter")  # Centrex × 3
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QuoteDetailScreen)
        edited = Quote.get_by_id(second.id)
        assert Decimal(edited.setup_total) == Decimal("157.80")  # 82.80 + 3 × 25.00
        assert Decimal(edited.monthly_total) == Decimal("43.26")  # 5.76 + 3 × 12.50
        assert "157.80 € / 43.26 €" in str(app.screen.query_one("#quote-totals", Static).render())

    assert _frozen(first) == before


async def test_steps_move_and_a_concurrent_change_is_shown(app, scopes):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot)
        from db.quotes.detail import create_quote, set_step
        from screens.quotes import open_quote

        sda = Offer.get(Offer.name == "SDA 10 numéros")
        quote_id = create_quote(scopes["revendeur"], 1744, [(sda.id, 2)])
        open_quote(app, quote_id)
        await settle(pilot)
        await pilot.press("ctrl+right")
        await settle(pilot)
        assert Quote.get_by_id(quote_id).step == 2
        assert "2 - Envoyé au client" in str(app.screen.query_one("#quote-title", Static).render())

        # Someone else moves it meanwhile: the next move is refused and said so.
        set_step(scopes["operateur"], quote_id, 3, Quote.get_by_id(quote_id).lock_version)
        await pilot.press("ctrl+left")
        await settle(pilot)
        assert Quote.get_by_id(quote_id).step == 3
        banner = str(app.screen.query_one("#banner", Static).render())
        assert "modifié par operateur" in banner
        assert "3 - En négociation" in str(app.screen.query_one("#quote-title", Static).render())
        await pilot.press("ctrl+left")
        await settle(pilot)
        assert Quote.get_by_id(quote_id).step == 2


async def test_new_quote_for_a_prospect_from_the_catalogue(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot)
        await open_mes_devis(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, QuoteNewScreen)
        await pilot.press("ctrl+s")  # nothing chosen yet
        await settle(pilot)
        assert "Choisissez" in str(app.screen.query_one("#company-box .error", Static).render())

        await type_text(pilot, "boulangerie martin fils")
        await pilot.pause(0.3)
        await settle(pilot)
        await pilot.press("enter")  # the first match
        await settle(pilot)
        assert app.screen.company.id == 1744
        sip = Offer.get(Offer.name == "SIP Trunk Touch jusqu'à 2 appels simultanés")
        catalogue = app.screen.query_one("#catalogue")
        assert app.focused is catalogue
        index = next(
            i
            for i in range(catalogue.option_count)
            if catalogue.get_option_at_index(i).id == str(sip.id)
        )
        catalogue.highlighted = index
        await pilot.press("enter", "enter")  # quantity 2
        await pilot.press("tab", "enter")  # the line: Quantité…
        await settle(pilot)
        quantity = app.screen.query_one("#quantity", Input)
        quantity.value = ""
        await type_text(pilot, "3")
        await pilot.press("enter")
        await settle(pilot)
        assert "248.40 € / 17.28 €" in str(app.screen.query_one("#editor-totals", Static).render())
        count = Quote.select().count()
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert Quote.select().count() == count + 1
        quote = Quote.select().order_by(Quote.id.desc()).first()
        assert isinstance(app.screen, QuoteDetailScreen) and app.screen.quote_id == quote.id
        assert quote.company_id == 1744 and quote.revision == 1 and quote.step == 1
        assert Decimal(quote.setup_total) == Decimal("248.40")
        assert [(line.offer_id, line.quantity) for line in quote.lines] == [(sip.id, 3)]
