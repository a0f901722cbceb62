"""Issue 13 item 11, the looks: phones in forms as in the details, Formulaires' dates with the
year whole, the step-4 breadcrumb whole at 80 columns, the operator's Prospects with its owner
column and filter, and Virement without IBAN/BIC."""

from __future__ import annotations

from textual.widgets import Button, DataTable

from db.core.models import BillingPoint
from screens.prospect_details import ProspectDetailsScreen
from screens.prospect_wizard import open_prospect_at
from tests.ui.conftest import login, settle
from tests.ui.test_first_hour import SMALL, error_of, field, open_step_2, retype
from tui.toolkit.widgets.record_list import RecordList


async def test_the_admin_step_shows_phones_as_the_details_do(app):
    async with app.run_test(size=SMALL) as pilot:
        await login(pilot)
        open_prospect_at(app, 1744, 3)
        await settle(pilot)
        await settle(pilot)
        assert field(app, "phone").value == "01 84 78 78 80"
        assert field(app, "mobile").value == "06 12 34 56 78"
        assert not app.screen.dirty  # shown differently, not changed


async def test_the_step_4_breadcrumb_fits_80_columns(app):
    async with app.run_test(size=SMALL) as pilot:
        await login(pilot)
        open_prospect_at(app, 1744)
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, ProspectDetailsScreen)
        assert str(app.screen.query_one("#crumb-billing", Button).label) == "Point de facturation"
        assert str(app.screen.query_one("#crumb-admin", Button).label) == "Administrateur"
        assert app.screen.query_one("#breadcrumb").children[-1].region.right <= 80
        await pilot.resize_terminal(110, 30)
        await settle(pilot)
        label = str(app.screen.query_one("#crumb-billing", Button).label)
        assert label == "Édition du point de facturation prospect"  # the guide's words


async def test_formulaires_dates_have_the_whole_year(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await login(pilot)
        from db.documents.mandate_generation import generate_mandate

        generate_mandate(app.scope, 1744)  # one document to list
        app.open_place("documents")
        await settle(pilot)
        await settle(pilot)
        table = app.screen.query_one(RecordList).query_one(DataTable)
        assert table.row_count  # the demo's mandates and RIBs
        labels = [str(c.label) for c in table.columns.values()]
        date = str(table.get_row_at(0)[labels.index("DATE")])
        day, hour = date.split()
        assert len(day) == 10 and day[2] == day[5] == "/" and len(hour) == 5  # 30/11/2026 14:05


async def test_the_operator_sees_and_filters_each_prospects_reseller(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await login(pilot, "operateur", operator=True)
        app.open_place("prospects")
        await settle(pilot)
        listing = app.screen.query_one(RecordList)
        table = listing.query_one(DataTable)
        assert [str(c.label) for c in table.columns.values()][3] == "REVENDEUR"
        owners = {row.owner for row in listing.rows}
        assert "TÉLÉCOM CONSEIL ÎLE-DE-FRANCE" in owners and len(owners) > 1
        app.screen.query_one("#filter-owner").focus()
        await pilot.press(*"bretagne")
        await settle(pilot)
        assert listing.rows
        assert {row.owner for row in listing.rows} == {"BRETAGNE TÉLÉCOM PARTENAIRES"}


async def test_a_reseller_has_no_owner_column(app):
    async with app.run_test(size=(100, 30)) as pilot:
        await login(pilot)
        app.open_place("prospects")
        await settle(pilot)
        table = app.screen.query_one(RecordList).query_one(DataTable)
        assert "REVENDEUR" not in [str(c.label) for c in table.columns.values()]
        assert not app.screen.query("#filter-owner")


async def test_virement_saves_without_iban_or_bic(app):
    async with app.run_test(size=SMALL) as pilot:
        await open_step_2(pilot)
        select = field(app, "payment_mode").control
        select.value = "Virement"
        await settle(pilot)
        assert "*" not in str(field(app, "iban").query_one(".caption").render())
        await retype(pilot, "email", "compta@duval.fr")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.step == 3, error_of(app, "iban")
        billing = BillingPoint.get(BillingPoint.company == 1743)
        assert billing.payment_mode == "Virement" and not billing.iban
