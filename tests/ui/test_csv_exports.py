"""Ctrl+O on Clients, Opérateurs, Ambassadeurs, Entreprises autres, Contacts, Mes devis and
Formulaires: the file holds the rows the filters select, read from the database in the user's
Scope, and a reseller's export never holds another reseller's rows."""

from __future__ import annotations

import csv

import pytest
from textual.widgets import Input, Tree

from db.companies.lists import CompanyFilters, ContactFilters, list_companies, list_contacts
from db.core.models import Company, CompanyKind, Contact, Document, Offer
from db.documents.storage import DocumentFilters, list_documents
from db.exchange.csv_format import french_amount
from db.exchange.exports import QUOTE_HEADER
from db.quotes.detail import create_quote
from db.quotes.lists import QuoteFilters, list_quotes
from screens.companies import ClientsScreen, OperatorsScreen, OtherCompaniesScreen, ResellersScreen
from screens.contacts import ContactsScreen
from screens.documents import DocumentsScreen
from screens.quotes import QuotesScreen
from tests.ui.conftest import SIZE, login, settle, type_text
from tests.ui.test_menu_screens import filter_list
from tui.app import MyOpenIPApp
from tui.settings import Settings
from tui.toolkit.dialogs.save_as import ExportDialog

ALL = 100_000  # a page size larger than any list of the demo store
OTHER_CLIENT = 1158  # a client of AQUITAINE TÉLÉCOM SERVICES (revendeur2), same operator
SECRET = "SECRET DU REVENDEUR2"


@pytest.fixture
def app(demo_db, tmp_path):
    """The app with its files (each person's inbox and outbox) in the test's folder."""
    return MyOpenIPApp(Settings(database=demo_db, files_dir=str(tmp_path / "files")))


def read_rows(path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as stream:
        return list(csv.reader(stream, delimiter=";"))


async def open_menu(pilot, key: str) -> None:
    """Move the menu's cursor up or down to the entry `key` and open it with Enter."""
    tree = pilot.app.screen.query_one(Tree)
    nodes = [tree.get_node_at_line(line) for line in range(tree.last_line + 1)]
    target = next(line for line, node in enumerate(nodes) if node is not None and node.data == key)
    while tree.cursor_line != target:
        await pilot.press("down" if tree.cursor_line < target else "up")
    await pilot.press("enter")
    await settle(pilot)


async def export_list(pilot, tmp_path, name: str) -> str:
    """Ctrl+O on the list, accept the proposed name in the outbox; the path written."""
    screen = pilot.app.screen
    await pilot.press("ctrl+o")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ExportDialog)
    proposed = pilot.app.screen.query_one(Input).value
    assert proposed.startswith(f"{name}-") and proposed.endswith(".csv") and "/" not in proposed
    await pilot.press("enter")
    await settle(pilot)
    assert pilot.app.screen is screen  # written: the dialog closed
    return str(tmp_path / "files" / pilot.app.scope.login / "outbox" / proposed)


async def export_filtered(app, tmp_path, user, key, screen_class, typed, name: str) -> str:
    """Log in as `user`, open the list from the menu, type `typed` in its filters, export it."""
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot, user, operator=user == "operateur")
        await open_menu(pilot, key)
        assert isinstance(app.screen, screen_class)
        await filter_list(pilot, *typed)
        await pilot.press("enter")  # back to the table
        return await export_list(pilot, tmp_path, name)


COMPANY_LISTS = [
    # login, menu entry, screen, kind, texts typed in the filters (Tab between), filters
    (
        "revendeur",
        "clients",
        ClientsScreen,
        CompanyKind.CLIENT,
        ("", "", "pharmacie"),
        CompanyFilters(name="pharmacie"),
    ),
    (
        "operateur",
        "operators",
        OperatorsScreen,
        CompanyKind.OPERATOR,
        ("", "openip"),
        CompanyFilters(name="openip"),
    ),
    (
        "operateur",
        "resellers",
        ResellersScreen,
        CompanyKind.RESELLER,
        ("", "telecom"),
        CompanyFilters(name="telecom"),
    ),
    (
        "operateur",
        "others",
        OtherCompaniesScreen,
        CompanyKind.OTHER,
        ("", "", "35"),
        CompanyFilters(place="35"),
    ),
]
LIST_NAMES = {
    CompanyKind.CLIENT: "clients",
    CompanyKind.OPERATOR: "operateurs",
    CompanyKind.RESELLER: "ambassadeurs",
    CompanyKind.OTHER: "entreprises-autres",
}


@pytest.mark.parametrize(("user", "key", "screen_class", "kind", "typed", "filters"), COMPANY_LISTS)
async def test_company_lists_export_what_the_filters_select(
    app, scopes, tmp_path, user, key, screen_class, kind, typed, filters
):
    path = await export_filtered(app, tmp_path, user, key, screen_class, typed, LIST_NAMES[kind])
    scope = scopes[user]
    everything = list_companies(scope, kind, CompanyFilters(), 0, ALL)
    expected = list_companies(scope, kind, filters, 0, ALL)
    assert expected
    if kind != CompanyKind.OPERATOR:  # a user sees one operator: there is nothing to leave out
        assert len(expected) < len(everything)  # the filter did select
    rows = read_rows(path)
    if kind == CompanyKind.CLIENT:
        assert rows[0] == [
            "IDENTIFIANT",
            "N° client",
            "RAISON SOCIALE",
            "CODE POSTAL / VILLE",
            "SIREN",
        ]
        assert rows[1:] == [
            [str(r.id), r.client_number, r.name, r.place, r.siren] for r in expected
        ]
    else:
        assert rows[0] == ["IDENTIFIANT", "RAISON SOCIALE", "CODE POSTAL / VILLE", "SIREN"]
        assert rows[1:] == [[str(r.id), r.name, r.place, r.siren] for r in expected]


async def test_contacts_export_what_the_filters_select(app, scopes, tmp_path):
    typed = ("", "pharmacie")  # Nom / Prénom, Entreprise
    path = await export_filtered(
        app, tmp_path, "revendeur", "contacts", ContactsScreen, typed, "contacts"
    )
    scope = scopes["revendeur"]
    expected = list_contacts(scope, ContactFilters(company="pharmacie"), 0, ALL)
    assert expected and len(expected) < len(list_contacts(scope, ContactFilters(), 0, ALL))
    rows = read_rows(path)
    assert rows[0] == ["Nom", "Prénom", "Entreprise", "Téléphone", "E-mail", "Administrateur"]
    assert rows[1:] == [
        [r.last_name, r.first_name, r.company_name, r.phone, r.email, r.admin_label]
        for r in expected
    ]


async def test_quotes_export_what_the_filter_panel_selects(app, scopes, tmp_path):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot, "revendeur")
        await open_menu(pilot, "quotes")
        assert isinstance(app.screen, QuotesScreen)
        app.screen.query_one("#q-client", Input).focus()
        await type_text(pilot, "pharmacie")
        await pilot.press("enter")  # Rechercher, then the results
        await settle(pilot)
        path = await export_list(pilot, tmp_path, "devis")
    scope = scopes["revendeur"]
    expected = list_quotes(scope, QuoteFilters(client="pharmacie"), 0, ALL)
    assert expected and len(expected) < len(list_quotes(scope, QuoteFilters(), 0, ALL))
    rows = read_rows(path)
    assert rows[0] == list(QUOTE_HEADER) and rows[0][-2:] == ["M.E.S.", "ABO."]
    assert rows[1:] == [
        [
            r.reference,
            r.client,
            r.client_number,
            r.commune,
            r.offers,
            r.created,
            r.step_label,
            r.partners,
            r.commercial,
            french_amount(r.setup_total),
            french_amount(r.monthly_total),
        ]
        for r in expected
    ]


def add_document(company_id: int, kind: str, filename: str) -> None:
    Document.create(
        company=company_id,
        kind=kind,
        filename=filename,
        size=2048,
        sha256="0" * 64,
        content=b"%PDF-1.4",
    )


async def test_documents_export_what_the_filters_select(app, scopes, tmp_path):
    add_document(1124, Document.KIND_RIB, "rib-morel.pdf")
    add_document(1124, Document.KIND_MANDATE_SIGNED, "mandat-morel.pdf")
    add_document(1125, Document.KIND_RIB, "rib-simon.pdf")
    add_document(OTHER_CLIENT, Document.KIND_RIB, "rib-boyer.pdf")  # revendeur2's
    typed = ("", "rib")  # ENTREPRISE, TYPE
    path = await export_filtered(
        app, tmp_path, "revendeur", "documents", DocumentsScreen, typed, "formulaires"
    )
    expected = list_documents(scopes["revendeur"], DocumentFilters(kind="rib"), 0, ALL)
    assert [r.filename for r in expected] == ["rib-simon.pdf", "rib-morel.pdf"]
    rows = read_rows(path)
    assert rows[0] == ["TYPE", "IDENTIFIANT", "ENTREPRISE", "FICHIER", "TAILLE", "DATE", "PAR"]
    assert rows[1:] == [
        ["RIB", str(r.company_id), r.company_name, r.filename, "2,0 Ko", r.date_label, ""]
        for r in expected
    ]


def plant_secrets(scopes) -> None:
    """Revendeur2's client, its contact, a quote and a document, all named SECRET."""
    client = Company.get_by_id(OTHER_CLIENT)
    assert client.reseller_id == scopes["revendeur2"].company_id
    client.name = SECRET
    client.save()
    Contact.update(last_name=SECRET).where(Contact.company == OTHER_CLIENT).execute()
    offer = Offer.select().where(Offer.retired == False).order_by(Offer.id).first()  # noqa: E712
    create_quote(scopes["revendeur2"], OTHER_CLIENT, [(offer.id, 1)])
    add_document(OTHER_CLIENT, Document.KIND_RIB, f"{SECRET}.pdf")
    add_document(1124, Document.KIND_RIB, "rib-morel.pdf")  # revendeur's own


async def export_unfiltered(pilot, tmp_path, key: str, name: str) -> str:
    await open_menu(pilot, key)  # the list has the focus
    path = await export_list(pilot, tmp_path, name)
    await pilot.press("escape")
    await settle(pilot)
    return path


EVERY_LIST = [
    ("clients", "clients"),
    ("contacts", "contacts"),
    ("documents", "formulaires"),
    ("quotes", "devis"),
]


async def test_a_reseller_export_never_holds_another_resellers_rows(app, scopes, tmp_path):
    plant_secrets(scopes)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot, "revendeur")
        paths = {
            name: await export_unfiltered(pilot, tmp_path, key, name) for key, name in EVERY_LIST
        }
    scope = scopes["revendeur"]
    expected = {
        "clients": len(list_companies(scope, CompanyKind.CLIENT, CompanyFilters(), 0, ALL)),
        "contacts": len(list_contacts(scope, ContactFilters(), 0, ALL)),
        "devis": len(list_quotes(scope, QuoteFilters(), 0, ALL)),
        "formulaires": len(list_documents(scope, DocumentFilters(), 0, ALL)),
    }
    for name, path in paths.items():
        rows = read_rows(path)
        assert len(rows) - 1 == expected[name] > 0, name
        assert not [row for row in rows if any(SECRET in cell for cell in row)], name
    own = {c.id for c in scope.companies().where(Company.kind == CompanyKind.CLIENT)}
    assert {int(row[0]) for row in read_rows(paths["clients"])[1:]} == own


async def test_the_operator_export_holds_every_reseller_of_the_operator(app, scopes, tmp_path):
    """The counterpart of the test above: the rows are there for someone who may see them."""
    plant_secrets(scopes)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot, "operateur", operator=True)
        paths = {
            name: await export_unfiltered(pilot, tmp_path, key, name) for key, name in EVERY_LIST
        }
    for name, path in paths.items():
        assert [row for row in read_rows(path) if any(SECRET in cell for cell in row)], name
