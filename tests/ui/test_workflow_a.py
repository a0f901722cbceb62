"""Workflow A through the real UI: Connexion → Prospects → Reprendre → steps 2-3 → Transformer en client."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from db.core.models import AuditLog, BillingPoint, Company, CompanyKind, Contact
from screens.home import HomeScreen
from screens.login import LoginScreen
from screens.prospect_details import ProspectDetailsScreen
from screens.prospect_wizard import ProspectWizardScreen
from screens.prospects import ProspectsScreen
from tests.ui.conftest import SIZE, login, settle, type_text
from tui.toolkit.widgets.form import FormField


def field(app, name: str) -> FormField:
    return app.screen.query_one(f"#field-{name}", FormField)


def table_ids(app) -> list[str]:
    table = app.screen.query_one(DataTable)
    return [table.get_row_at(i)[0] for i in range(table.row_count)]


async def test_prospect_1743_becomes_a_client_from_the_keyboard(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.focused.id == "login"
        await login(pilot)
        assert isinstance(app.screen, HomeScreen)

        await pilot.press("enter")  # the cursor starts on the first entry: Prospects
        await settle(pilot)
        assert isinstance(app.screen, ProspectsScreen)
        await pilot.press("slash")
        assert app.focused.id == "filter-identifiant"
        await type_text(pilot, "1743")
        await pilot.pause(0.3)
        await settle(pilot)
        assert table_ids(app) == ["1743"]
        row = app.screen.query_one(DataTable).get_row_at(0)
        assert row[3] == "Création - étape 2" and row[4] == "Reprendre >"

        await pilot.press("enter")  # from the filter to the table
        await pilot.press("enter")  # Reprendre >
        await settle(pilot)
        assert isinstance(app.screen, ProspectWizardScreen) and app.screen.step == 2
        assert field(app, "holder").value == "CABINET DUVAL ET ASSOCIÉS"
        assert field(app, "street").value == "rue de Neuilly"  # the guide's billing address

        await pilot.press("tab")
        await type_text(pilot, "compta@duval.fr")
        iban = field(app, "iban").control
        iban.focus()
        await type_text(pilot, "FR76 3000 6000 0112 3456 7890 188")  # wrong check digits
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "clé de contrôle" in str(field(app, "iban").query_one(".error", Static).render())
        assert iban.value == "FR76 3000 6000 0112 3456 7890 188"  # the typing is kept
        assert not BillingPoint.select().where(BillingPoint.company == 1743).exists()

        iban.focus()
        await pilot.press("backspace")
        await type_text(pilot, "9")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.step == 3
        billing = BillingPoint.get(BillingPoint.company == 1743)
        assert billing.iban == "FR7630006000011234567890189" and billing.bic  # BIC from the IBAN
        assert billing.rum  # generated for Prélèvement
        assert Company.get_by_id(1743).creation_step == 2

        field(app, "last_name").control.focus()
        await type_text(pilot, "DUVAL")
        await pilot.press("tab")
        await type_text(pilot, "Jean")
        await pilot.press("tab")
        await type_text(pilot, "01 84 78 78 80")
        field(app, "email").control.focus()
        await type_text(pilot, "jean.duval@duval.fr")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ProspectDetailsScreen)
        admin = Contact.get((Contact.company == 1743) & Contact.is_admin)
        assert admin.phone == "+33184787880"

        await pilot.press("ctrl+t")
        await pilot.press("o")
        await settle(pilot)
        company = Company.get_by_id(1743)
        assert company.kind == CompanyKind.CLIENT and company.client_number
        assert (
            AuditLog.select()
            .where((AuditLog.action == "converted_to_client") & (AuditLog.entity_id == 1743))
            .exists()
        )
        shown = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert company.client_number in shown  # the N° client is shown to the user
        await pilot.press("enter")  # close the N° client message
        await settle(pilot)
        await settle(pilot)
        assert type(app.screen).__name__ == "CompanyDetailScreen"  # the client's own screen
        assert app.screen.company_id == 1743
        await pilot.press("escape")  # up the menu tree: a client's place is Clients
        await settle(pilot)
        assert type(app.screen).__name__ == "ClientsScreen"
        app.open_place("prospects")
        await settle(pilot)
        assert "1743" not in table_ids(app)  # a client leaves Prospects


async def test_login_refusals_use_one_generic_message(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot, "revendeur", "mauvais")
        message = str(app.screen.query_one("#login-error", Static).render())
        assert isinstance(app.screen, LoginScreen)
        await login(pilot, "", "")
        assert str(app.screen.query_one("#login-error", Static).render()) == message
        app.screen.query_one("#login", Input).value = ""
        app.screen.query_one("#login", Input).focus()
        await login(pilot, "revendeur", "demo", operator=True)  # wrong portal
        assert isinstance(app.screen, LoginScreen)
        assert str(app.screen.query_one("#login-error", Static).render()) == message


async def test_f2_switches_portal_without_moving_focus(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.portal == "revendeur"
        await pilot.press("f2")
        assert screen.portal == "operateur" and app.focused.id == "login"
        await pilot.press("f2")
        assert screen.portal == "revendeur"


async def test_reseller_sees_only_its_prospects_and_operator_sees_all(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot, "revendeur2")
        await pilot.press("enter")
        await settle(pilot)
        ids = table_ids(app)
        assert ids and "1743" not in ids and "1744" not in ids
        expected = {
            str(c.id)
            for c in Company.select().where(
                (Company.kind == CompanyKind.PROSPECT) & (Company.reseller == 3)
            )
        }
        assert set(ids) == expected


async def test_leaving_with_unsaved_edits_asks_first(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot)
        from screens.prospect_wizard import open_prospect_at

        open_prospect_at(app, 1743)
        await settle(pilot)
        await pilot.press("tab")
        await type_text(pilot, "x@y.fr")
        await pilot.press("escape")
        await settle(pilot)
        from tui.toolkit.dialogs.confirm import ConfirmDialog

        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # stay
        assert isinstance(app.screen, ProspectWizardScreen)
        assert field(app, "email").value == "x@y.fr"


async def test_new_prospect_from_the_list(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, ProspectWizardScreen) and app.screen.step == 1
        await type_text(pilot, "NOUVELLE SOCIÉTÉ TEST")
        await pilot.press("tab")
        await type_text(pilot, "732829321")  # bad SIREN key
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert field(app, "siren").has_class("-invalid")
        assert field(app, "site_street").has_class("-invalid")
        assert not Company.select().where(Company.name == "NOUVELLE SOCIÉTÉ TEST").exists()
        field(app, "siren").control.value = "732829320"
        field(app, "site_street").control.value = "rue de Paris"
        field(app, "site_postcode").control.value = "75001"
        field(app, "site_city").control.value = "PARIS"
        await pilot.press("ctrl+s")
        await settle(pilot)
        company = Company.get(Company.name == "NOUVELLE SOCIÉTÉ TEST")
        assert company.vat_number == "FR44732829320" and company.reseller_id == 2
        assert app.screen.step == 2
