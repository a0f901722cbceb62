"""Entreprises through the UI: each list shows the database's rows and filters, a client's billing
point is edited with the wizard's rules, a contact is added, and F3 "Sélectionner..." opens a company."""

from __future__ import annotations

import datetime as dt

import pytest
from textual.widgets import DataTable, Input, Static, Tree

from db.core.models import AuditLog, BillingPoint, Company, CompanyKind, Contact, Quote
from screens.companies import (
    ClientsScreen,
    OperatorsScreen,
    OtherCompaniesScreen,
    ResellersScreen,
)
from screens.company_detail import CompanyDetailScreen
from screens.company_forms import BillingEditScreen
from screens.company_selector import CompanySelector
from screens.contacts import ContactFormScreen, ContactsScreen
from screens.prospect_details import ProspectDetailsScreen
from tests.ui.conftest import SIZE, login, settle, type_text
from tui.toolkit.widgets.record_list import RecordList

VALID_IBAN = "FR7630004000031234567890143"


async def open_menu(pilot, label: str) -> None:
    """Entreprises › GESTION DES ENTREPRISES › `label`, moving the tree's cursor with the arrows."""
    tree = pilot.app.screen.query_one(Tree)
    while tree.cursor_line > 0:
        await pilot.press("up")
    for _ in range(40):
        if tree.cursor_node is not None and str(tree.cursor_node.label) == label:
            break
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)


def shown_keys(app) -> list[str]:
    table = app.screen.query_one(RecordList).query_one(DataTable)
    return [row.key.value for row in table.ordered_rows]


async def filter_list(pilot, position: int, text: str) -> None:
    """`/` focuses the first filter; Tab moves to the `position`-th one; type; wait for SQL."""
    await pilot.press("slash")
    for _ in range(position):
        await pilot.press("tab")
    await type_text(pilot, text)
    await pilot.pause(0.3)
    await settle(pilot)


@pytest.mark.parametrize(
    ("label", "screen", "kind"),
    [
        ("Clients", ClientsScreen, CompanyKind.CLIENT),
        ("Ambassadeurs", ResellersScreen, CompanyKind.RESELLER),
        ("Entreprises autres", OtherCompaniesScreen, CompanyKind.OTHER),
        ("Opérateurs", OperatorsScreen, CompanyKind.OPERATOR),
    ],
)
async def test_company_lists_show_the_database_and_filter(app, label, screen, kind):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "operateur", operator=True)
        await open_menu(pilot, label)
        assert isinstance(app.screen, screen)
        operator = app.scope.company_id
        expected = {
            str(c.id)
            for c in Company.select().where((Company.kind == kind) & (Company.operator == operator))
        }
        assert set(shown_keys(app)) == expected and expected

        # The RAISON SOCIALE filter (second input, third for clients after N° client).
        target = Company.get_by_id(int(sorted(expected)[0]))
        word = target.name.split()[-1]
        await filter_list(pilot, 2 if kind == CompanyKind.CLIENT else 1, word.lower())
        wanted = {k for k in expected if word.lower() in Company.get_by_id(int(k)).name.lower()}
        assert set(shown_keys(app)) == wanted and target.id in {int(k) for k in wanted}
        status = str(app.screen.query_one(RecordList).query_one(".status", Static).render())
        assert f"sur {len(wanted)}" in status


async def test_clients_list_of_a_reseller_and_its_client_number_filter(app):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await open_menu(pilot, "Clients")
        reseller = app.scope.company_id
        mine = [
            c
            for c in Company.select()
            .where((Company.kind == CompanyKind.CLIENT) & (Company.reseller == reseller))
            .order_by(Company.id.desc())
        ]
        assert shown_keys(app) == [str(c.id) for c in mine]
        await filter_list(pilot, 1, mine[-1].client_number[-4:])
        assert shown_keys(app) == [str(mine[-1].id)]


async def test_contacts_list_shows_the_database_and_filters(app):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        await open_menu(pilot, "Contacts")
        assert isinstance(app.screen, ContactsScreen)
        reseller = app.scope.company_id
        expected = {
            str(c.id)
            for c in Contact.select()
            .join(Company, on=(Contact.company == Company.id))
            .where(Company.reseller == reseller)
        }
        assert set(shown_keys(app)) == expected
        await filter_list(pilot, 1, "garage du centre")  # Entreprise
        nadia = Contact.get(Contact.last_name == "LEROUX")
        assert shown_keys(app) == [str(nadia.id)]
        table = app.screen.query_one(RecordList).query_one(DataTable)
        assert table.get_row_at(0)[:4] == ["LEROUX", "Nadia", "GARAGE DU CENTRE", "01 47 30 11 22"]

        await pilot.press("enter")  # from the filter to the table
        await pilot.press("enter")  # Éditer
        await settle(pilot)
        assert isinstance(app.screen, ContactFormScreen)
        assert app.screen.query_one("#input-last_name", Input).value == "LEROUX"


def _client(scope_reseller: int) -> Company:
    return (
        Company.select()
        .where((Company.kind == CompanyKind.CLIENT) & (Company.reseller == scope_reseller))
        .order_by(Company.id)
        .first()
    )


async def _open_client(pilot, client: Company) -> None:
    await open_menu(pilot, "Clients")
    await filter_list(pilot, 0, str(client.id))
    await pilot.press("enter")  # from the filter to the table
    await pilot.press("enter")  # Détail
    await settle(pilot)
    assert isinstance(pilot.app.screen, CompanyDetailScreen)


async def test_billing_point_invalid_iban_refused_at_the_field_then_valid_saved(app):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        client = _client(app.scope.company_id)
        billing = BillingPoint.get(BillingPoint.company == client.id)
        await _open_client(pilot, client)
        masked = str(app.screen.query_one("#billing-table", DataTable).get_row_at(0)[2])
        assert "*" in masked and billing.iban not in masked.replace(" ", "")

        await pilot.press("ctrl+f")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, BillingEditScreen)
        iban = form.query_one("#input-iban", Input)
        # Whole on the billing point itself, in groups of four as the user reads it.
        assert iban.value.replace(" ", "") == billing.iban
        assert iban.value == " ".join(billing.iban[i : i + 4] for i in range(0, 27, 4))
        iban.focus()
        iban.value = ""
        await type_text(pilot, VALID_IBAN[:-1] + "0")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        error = str(form.query_one("#field-iban .error", Static).render())
        assert "IBAN" in error
        assert iban.value == VALID_IBAN[:-1] + "0"  # what was typed stays
        assert BillingPoint.get_by_id(billing.id).iban == billing.iban

        await pilot.press("backspace")
        await type_text(pilot, "3")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CompanyDetailScreen)
        saved = BillingPoint.get_by_id(billing.id)
        assert saved.iban == VALID_IBAN and saved.lock_version == billing.lock_version + 1
        audit = AuditLog.get(
            (AuditLog.action == "billing_point_saved") & (AuditLog.entity_id == billing.id)
        )
        assert audit.login == "revendeur" and VALID_IBAN not in audit.details
        masked = str(app.screen.query_one("#billing-table", DataTable).get_row_at(0)[2])
        assert masked.endswith("0 143")


async def test_contact_added_from_a_company_detail(app):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        client = _client(app.scope.company_id)
        await _open_client(pilot, client)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, ContactFormScreen)
        await pilot.press("tab")  # Civilité (Monsieur) → Nom
        await type_text(pilot, "DURAND")
        await pilot.press("tab")
        await type_text(pilot, "Alice")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "obligatoire" in str(app.screen.query_one("#field-email .error", Static).render())
        app.screen.query_one("#input-email", Input).focus()
        await type_text(pilot, "alice.durand@exemple.fr")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, CompanyDetailScreen)
        contact = Contact.get(Contact.last_name == "DURAND")
        assert contact.company_id == client.id and contact.first_name == "Alice"
        names = [
            row[1]
            for row in map(
                app.screen.query_one("#contacts-table", DataTable).get_row_at,
                range(app.screen.query_one("#contacts-table", DataTable).row_count),
            )
        ]
        assert "DURAND" in names


async def test_selector_f3_opens_a_client_and_a_prospect(app):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        client = _client(app.scope.company_id)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, CompanySelector)
        await type_text(pilot, client.client_number)
        await pilot.pause(0.3)
        await settle(pilot)
        assert app.screen.hits[0].id == client.id
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CompanyDetailScreen)
        assert app.screen.company_id == client.id

        # Enter straight after typing: the selector searches, then opens the best match.
        await pilot.press("f3")
        await settle(pilot)
        await type_text(pilot, "boulangerie martin et f")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ProspectDetailsScreen)  # 1744 is ready: its details
        assert app.screen.company_id == 1744


async def test_selector_finds_nothing_of_another_reseller(app):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot, "revendeur2")
        await pilot.press("f3")
        await settle(pilot)
        await type_text(pilot, "boulangerie martin et fils")
        await pilot.pause(0.3)
        await settle(pilot)
        assert 1744 not in {h.id for h in app.screen.hits}
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, CompanySelector)


def test_palette_client_search_is_scoped(scopes):
    from screens.companies import search_companies
    from tui.commands import RECORD_SEARCHES

    assert search_companies in RECORD_SEARCHES
    client = _client(scopes["revendeur"].company_id)
    for text in (client.client_number, client.client_number[-4:], client.name.lower()):
        labels = [label for label, _, _ in search_companies(scopes["revendeur"], text, 8)]
        assert f"{client.id} · {client.client_number} · {client.name}" in labels, text
    assert search_companies(scopes["revendeur2"], client.client_number, 8) == []
    assert search_companies(scopes["revendeur2"], client.name, 8) == []


async def test_palette_opens_a_client_by_its_number(app):
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        client = _client(app.scope.company_id)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, client.client_number)
        await pilot.pause(0.5)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CompanyDetailScreen)
        assert app.screen.company_id == client.id


# -- snapshots ---------------------------------------------------------------------------------


def test_clients_list_snapshot(app, snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await login(pilot)
        await open_menu(pilot, "Clients")

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_client_detail_snapshot(app, snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await login(pilot)
        # A client of revendeur with a billing point and quotes, so every section shows.
        client = (
            Company.select()
            .join(BillingPoint, on=(BillingPoint.company == Company.id))
            .switch(Company)
            .join(Quote, on=(Quote.company == Company.id))
            .where((Company.kind == CompanyKind.CLIENT) & (Company.reseller == 2))
            .order_by(Company.id)
            .first()
        )
        # The demo dates its conversions from today: pin it so the picture stays the same.
        Company.update(converted_at=dt.datetime(2024, 3, 5, 10, 30)).where(
            Company.id == client.id
        ).execute()
        pilot.app.push_screen(CompanyDetailScreen(client.id))
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
