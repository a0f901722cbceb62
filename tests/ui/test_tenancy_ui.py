"""On screen: the other operator's catalogue and creditor changes never show at OPENIP."""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import DataTable, Input

from db.core.models import Offer
from db.core.scope import Scope
from db.documents.creditor import get_creditor_settings, set_creditor_settings
from db.quotes.catalogue import OfferFilters, list_offers, save_offer
from screens.catalogue import CatalogueScreen
from screens.creditor_settings import CreditorSettingsScreen
from tests.ui.conftest import SIZE, login, settle
from tui.app import MyOpenIPApp
from tui.settings import Settings

SIP = "SIP Trunk Touch jusqu'à 2 appels simultanés"  # 82.80 / 5.76 at both operators
NORD_STAFF = Scope(None, "staff.nord", "operateur", 6, 6)


def rows(app) -> list[tuple[str, ...]]:
    table = app.screen.query_one(DataTable)
    return [
        tuple(str(cell).strip() for cell in table.get_row_at(i)[:3]) for i in range(table.row_count)
    ]


async def test_nord_changing_its_prices_and_creditor_shows_nothing_at_openip(demo_db, scopes):
    sip = Offer.get((Offer.operator == 6) & (Offer.name == SIP))
    save_offer(NORD_STAFF, sip.id, {"name": SIP, "setup_fee": "1", "monthly_fee": "2"}, 1)
    save_offer(NORD_STAFF, None, {"name": "Fibre Nord", "setup_fee": "0", "monthly_fee": "9"})
    set_creditor_settings(NORD_STAFF, replace(get_creditor_settings(6), name="NORD SAS"))

    app = MyOpenIPApp(Settings(database=demo_db))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot, "operateur", operator=True)
        app.open_place("catalogue")
        await settle(pilot)
        assert isinstance(app.screen, CatalogueScreen)
        shown = rows(app)
        assert (SIP, "82.80 €", "5.76 €") in shown
        assert not [r for r in shown if r[0] == "Fibre Nord"]
        assert [r[0] for r in shown] == [
            r.name for r in list_offers(scopes["operateur"], OfferFilters(), 0, 100)
        ]
        await pilot.press("escape")
        await settle(pilot)
        app.open_place("creditor")
        await settle(pilot)
        assert isinstance(app.screen, CreditorSettingsScreen)
        assert app.screen.query_one("#input-name", Input).value == "OPENIP"
