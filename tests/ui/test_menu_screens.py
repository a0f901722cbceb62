"""Catalogue, Commandes, Mes services, CSV export and import, each driven from the keyboard."""

from __future__ import annotations

from decimal import Decimal

import pytest
from textual.widgets import DataTable, Input, Static, Tree

from db.companies.prospects import ProspectFilters, list_prospects
from db.core.models import Company, CompanyKind, Offer, Order, OrderLine, Quote
from db.exchange.prospect_import import import_prospects  # noqa: F401 - the screen's service
from db.orders.orders import create_order_from_quote
from db.quotes.catalogue import OfferFilters, list_offers
from db.quotes.detail import create_quote, set_step
from screens.catalogue import CatalogueScreen, OfferDialog
from screens.import_prospects import ImportProspectsScreen
from screens.order_detail import OrderDetailScreen
from screens.orders import OrdersScreen, QuoteNumberDialog
from screens.prospects import ProspectsScreen
from screens.services import ServicesScreen
from tests.ui.conftest import SIZE, login, settle, type_text
from tui.app import MyOpenIPApp
from tui.settings import Settings
from tui.toolkit.dialogs.confirm import ConfirmDialog, MessageDialog
from tui.toolkit.dialogs.save_as import ExportDialog

SIP = "SIP Trunk Touch jusqu'à 2 appels simultanés"  # 82.80 / 5.76
CENTREX = "Centrex Cloud (par poste)"  # 25.00 / 12.50


@pytest.fixture
def app(demo_db, tmp_path):
    """The app with each person's inbox and outbox in the test's folder (imports, exports)."""
    return MyOpenIPApp(Settings(database=demo_db, files_dir=str(tmp_path / "files")))


@pytest.fixture(autouse=True)
def no_orders(demo_db):
    """Start from a book without orders, whatever the demo data holds, so counts are exact."""
    OrderLine.delete().execute()
    Order.delete().execute()


def column(app, index: int = 0) -> list[str]:
    table = app.screen.query_one(DataTable)
    return [str(table.get_row_at(i)[index]).strip() for i in range(table.row_count)]


async def open_menu(pilot, key: str) -> None:
    """Walk the menu tree with the arrow keys to the entry `key` and open it with Enter."""
    tree = pilot.app.screen.query_one(Tree)
    for _ in range(tree.last_line + 1):
        if tree.cursor_node is not None and tree.cursor_node.data == key:
            break
        await pilot.press("down")
    assert tree.cursor_node.data == key
    await pilot.press("enter")
    await settle(pilot)


async def filter_list(pilot, *texts: str) -> None:
    """'/' then type each text in the next filter input (Tab between them)."""
    await pilot.press("slash")
    for index, text in enumerate(texts):
        if index:
            await pilot.press("tab")
        await type_text(pilot, text)
    await pilot.pause(0.3)
    await settle(pilot)


def order_for(scope, company_id: int, lines) -> int:
    quote_id = create_quote(scope, company_id, lines)
    set_step(scope, quote_id, 4, Quote.get_by_id(quote_id).lock_version)
    return quote_id


def a_client(scope) -> Company:
    return scope.companies().where(Company.kind == CompanyKind.CLIENT).order_by(Company.id).first()


def offer_id(name: str) -> int:
    return Offer.get(Offer.name == name).id


async def test_catalogue_lists_offers_filters_and_staff_add_one(app, scopes):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot, "operateur", operator=True)
        await open_menu(pilot, "catalogue")
        assert isinstance(app.screen, CatalogueScreen)
        assert column(app) == [r.name for r in list_offers(scopes["operateur"], OfferFilters())]
        assert "ADSL Pro (ancienne offre)" not in column(app)  # retired: hidden by default

        await filter_list(pilot, "sip touch")
        assert column(app) == [
            "SIP Trunk Touch jusqu'à 10 appels simultanés",
            "SIP Trunk Touch jusqu'à 2 appels simultanés",
        ]
        assert column(app, 1)[1] == "82.80 €" and column(app, 2)[1] == "5.76 €"

        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, OfferDialog)
        await type_text(pilot, "SIP Trunk Touch 30 appels")
        await pilot.press("tab")
        await type_text(pilot, "199,9")
        await pilot.press("tab")
        await type_text(pilot, "45,123")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, OfferDialog)  # refused at the field, typing kept
        error = app.screen.query_one("#field-monthly_fee .error", Static)
        assert "2 décimales" in str(error.render())
        assert app.screen.query_one("#input-monthly_fee", Input).value == "45,123"
        await pilot.press("backspace")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CatalogueScreen)
        added = Offer.get(Offer.name == "SIP Trunk Touch 30 appels")
        assert (added.setup_fee, added.monthly_fee) == (Decimal("199.90"), Decimal("45.12"))
        await pilot.pause(0.2)
        await settle(pilot)
        assert "SIP Trunk Touch 30 appels" in column(app)


async def test_a_reseller_reads_the_catalogue_without_changing_it(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot, "revendeur")
        await open_menu(pilot, "catalogue")
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, CatalogueScreen)  # no "Nouvelle offre" for resellers
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, MessageDialog)


async def test_orders_list_filters_and_orders_a_signed_quote(app, scopes):
    scope = scopes["revendeur"]
    client = a_client(scope)
    first = Order.get_by_id(
        create_order_from_quote(scope, order_for(scope, client.id, [(offer_id(SIP), 1)]))
    )
    signed = Quote.get_by_id(order_for(scope, client.id, [(offer_id(CENTREX), 3)]))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot, "revendeur")
        await open_menu(pilot, "orders")
        assert isinstance(app.screen, OrdersScreen)
        assert column(app) == [first.number]
        assert column(app, 6) == ["82.80 € / 5.76 €"]

        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, QuoteNumberDialog)
        await type_text(pilot, "DEV000095225/1")  # signed, but its company is a prospect
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, QuoteNumberDialog)
        assert "appartenir à un client" in str(app.screen.query_one("#quote-error").render())
        assert app.screen.query_one(Input).value == "DEV000095225/1"
        app.screen.query_one(Input).value = ""
        await type_text(pilot, signed.reference)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, OrderDetailScreen)
        made = Order.get(Order.quote == signed.id)
        assert made.lines.count() == 1
        shown = str(app.screen.query_one("#order-info", Static).render())
        assert made.number in shown and signed.reference in shown

        await pilot.press("escape")
        await settle(pilot)
        assert column(app) == [made.number, first.number]
        await filter_list(pilot, first.number)
        assert column(app) == [first.number]


async def test_mes_services_shows_each_clients_services_and_the_totals(app, scopes):
    scope = scopes["revendeur"]
    client = a_client(scope)
    for lines in ([(offer_id(SIP), 3), (offer_id(CENTREX), 2)], [(offer_id(SIP), 1)]):
        create_order_from_quote(scope, order_for(scope, client.id, lines))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot, "revendeur")
        await open_menu(pilot, "services")
        assert isinstance(app.screen, ServicesScreen)
        assert column(app, 2) == ["Centrex Cloud (par pos…", "SIP Trunk Touch jusqu'…"]
        assert column(app, 3) == ["2", "4"]
        assert column(app, 4) == ["25.00 €", "23.04 €"]
        totals = str(app.screen.query_one("#services-totals", Static).render())
        assert "48.04 € / mois" in totals and "quantité 6" in totals

        await filter_list(pilot, "", "centrex")
        assert column(app, 2) == ["Centrex Cloud (par pos…"]
        totals = str(app.screen.query_one("#services-totals", Static).render())
        assert "25.00 € / mois" in totals


async def test_prospects_export_writes_what_the_filters_show(app, scopes, tmp_path):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot, "revendeur")
        await open_menu(pilot, "prospects")
        assert isinstance(app.screen, ProspectsScreen)
        await filter_list(pilot, "", "", "92110")
        await pilot.press("enter")  # back to the table
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, ExportDialog)
        name = app.screen.query_one(Input).value
        assert name.startswith("prospects-") and name.endswith(".csv")
        path = tmp_path / "files" / "revendeur" / "outbox" / name
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ProspectsScreen)
    expected = list_prospects(scopes["revendeur"], ProspectFilters(place="92110"), 0, 1000)
    with open(path, encoding="utf-8-sig") as stream:
        lines = stream.read().splitlines()
    assert lines[0] == "IDENTIFIANT;RAISON SOCIALE;CODE POSTAL / VILLE;ETAT"
    assert lines[1:] == [f"{r.id};{r.name};{r.place};{r.etat}" for r in expected]
    assert expected


async def test_import_screen_imports_a_file_of_the_inbox_and_shows_the_report(app, tmp_path):
    inbox = tmp_path / "files" / "revendeur" / "inbox"
    inbox.mkdir(parents=True)
    (inbox / "lot.csv").write_text(
        "Raison sociale;Voie;Code Postal;Commune\nIMPORT UI;rue A;75001;PARIS\nMAUVAIS;rue B;750;PARIS\n",
        encoding="utf-8",
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot, "revendeur")
        await open_menu(pilot, "import")
        assert isinstance(app.screen, ImportProspectsScreen)
        assert app.focused.id == "import-path" and app.focused.value == ""
        await type_text(pilot, "lot.csv")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert column(app, 1) == ["Importé", "Refusé"]
        assert "Code Postal" in column(app, 3)[1]
        status = str(app.screen.query_one("#import-status", Static).render())
        assert "1 prospect(s) importé(s)" in status and "1 refusée(s)" in status
    assert Company.get(Company.name == "IMPORT UI").kind == CompanyKind.PROSPECT
