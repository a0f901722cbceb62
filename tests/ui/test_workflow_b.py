"""Workflow B through the real UI: E-boutique › Mes devis → DEV000095225/1 → Créer le compte client."""

from __future__ import annotations

from textual.widgets import Input, Static

from db.core.models import AuditLog, BillingPoint, Company, CompanyKind, Quote
from screens.client_account import ClientAccountScreen
from screens.company_detail import CompanyDetailScreen
from screens.quote_detail import QuoteDetailScreen
from tests.ui.conftest import SIZE, login, settle, type_text
from tests.ui.quote_screens import (
    error_at,
    field,
    guide_quote,
    open_client_account,
    open_mes_devis,
    shown_ids,
)
from tests.unit.quote_data import IBAN
from tui.toolkit.dialogs.confirm import MessageDialog
from tui.toolkit.widgets.record_list import RecordList

# --- the workflow --------------------------------------------------------------------------


async def test_quote_dev000095225_becomes_a_client_account(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot)
        await open_mes_devis(pilot)
        assert len(shown_ids(app)) > 1

        await pilot.press("slash")
        assert app.focused.id == "q-reference"
        await type_text(pilot, "DEV000095225")
        await pilot.press("enter")
        await settle(pilot)
        quote = guide_quote()
        assert shown_ids(app) == [quote.id]
        [row] = app.screen.query_one(RecordList).rows
        assert (row.reference, row.created, row.step, row.amounts) == (
            "DEV000095225/1",
            "16/07/2019",
            4,
            "82.80 € / 5.76 €",
        )
        cells = [str(c) for c in app.screen.query_one("DataTable").get_row_at(0)]
        assert cells[0].strip() == "DEV000095225/1" and cells[-1].strip() == "82.80 € / 5.76 €"

        await pilot.press("enter")  # the results have the focus: Entrée opens the quote
        await settle(pilot)
        assert isinstance(app.screen, QuoteDetailScreen)
        assert "DEV000095225/1" in str(app.screen.query_one("#quote-title", Static).render())
        assert "82.80 € / 5.76 €" in str(app.screen.query_one("#quote-totals", Static).render())
        assert app.screen.query_one("#client-account").display

        await pilot.press("ctrl+k")
        await settle(pilot)
        assert isinstance(app.screen, ClientAccountScreen)
        assert field(app, "billing.holder").value == "GARAGE DU CENTRE"
        assert field(app, "admin.last_name").value == "LEROUX"
        assert field(app, "ident.siret").value == "40305211100016"

        siret = field(app, "ident.siret").control
        siret.focus()
        siret.value = ""
        await type_text(pilot, "40305211100018")  # wrong Luhn key
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Le SIRET est invalide" in error_at(app, "ident.siret")
        assert error_at(app, "billing.email")  # still missing
        assert siret.value == "40305211100018"  # the typing is kept
        garage = Company.get_by_id(1745)
        assert garage.kind == CompanyKind.PROSPECT and garage.client_number is None
        assert not BillingPoint.select().where(BillingPoint.company == 1745).exists()
        assert not AuditLog.select().where(AuditLog.action == "converted_to_client").exists()

        siret.focus()
        await pilot.press("end", "backspace", "backspace")
        await type_text(pilot, "16")
        field(app, "billing.email").control.focus()
        await type_text(pilot, "compta@garageducentre.fr")
        field(app, "billing.iban").control.focus()
        await type_text(pilot, IBAN)
        await pilot.pause()
        assert field(app, "billing.bic").value == "BNPAFRPP"  # suggested from the IBAN
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert isinstance(app.screen, MessageDialog)
        garage = Company.get_by_id(1745)
        assert garage.kind == CompanyKind.CLIENT and garage.client_number
        assert garage.siret == "40305211100016"
        assert garage.client_number in app.screen.message
        quote = Quote.get_by_id(quote.id)
        assert quote.company_id == 1745
        audit = AuditLog.get(
            (AuditLog.action == "converted_to_client") & (AuditLog.entity_id == 1745)
        )
        assert audit.login == "revendeur" and garage.client_number in audit.details
        point = BillingPoint.get(BillingPoint.company == 1745)
        assert point.iban == IBAN.replace(" ", "") and point.rum

        await pilot.press("enter")  # OK: the client's own detail, with its N° client
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, CompanyDetailScreen) and app.screen.company_id == 1745
        text = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert garage.client_number in text and "GARAGE DU CENTRE" in text

        await pilot.press("escape")  # up the menu tree: the Clients list
        await settle(pilot)
        assert type(app.screen).__name__ == "ClientsScreen"

        app.push_screen(QuoteDetailScreen(quote.id))  # the quote now shows the N° client
        await settle(pilot)
        assert isinstance(app.screen, QuoteDetailScreen)
        info = str(app.screen.query_one("#info-left", Static).render())
        assert garage.client_number in info
        assert not app.screen.query_one("#client-account").display
        await pilot.press("ctrl+k")  # no longer offered: nothing opens
        await settle(pilot)
        assert isinstance(app.screen, QuoteDetailScreen)


async def test_leaving_the_client_account_form_with_edits_asks_first(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_client_account(pilot)
        field(app, "billing.email").control.focus()
        await type_text(pilot, "a@b.fr")
        await pilot.press("escape")
        await settle(pilot)
        assert "Abandonner" in str(app.screen.query_one("#yes").label)
        await pilot.press("n")  # Rester: the typing is still there
        await settle(pilot)
        assert isinstance(app.screen, ClientAccountScreen)
        assert field(app, "billing.email").value == "a@b.fr"
        await pilot.press("escape", "o")
        await settle(pilot)
        assert isinstance(app.screen, QuoteDetailScreen)
        assert Company.get_by_id(1745).kind == CompanyKind.PROSPECT


# --- snapshots -----------------------------------------------------------------------------


def _no_blink(app) -> None:
    for box in app.screen.query(Input):
        box.cursor_blink = False


def test_snapshot_mes_devis(app, snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await login(pilot)
        await open_mes_devis(pilot)
        _no_blink(pilot.app)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_snapshot_creer_le_compte_client(app, snap_compare):
    async def run_before(pilot):
        await open_client_account(pilot)
        _no_blink(pilot.app)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_client_account_form_has_the_guides_labels():
    from db.quotes.client_account import CLIENT_ACCOUNT_ADMIN_FIELDS, CLIENT_ACCOUNT_BILLING_FIELDS
    from screens.client_account import ADMIN_FIELDS, BILLING_FIELDS, IDENT_FIELDS

    assert tuple(f.name for f in BILLING_FIELDS) == CLIENT_ACCOUNT_BILLING_FIELDS
    assert tuple(f.name for f in ADMIN_FIELDS) == CLIENT_ACCOUNT_ADMIN_FIELDS
    assert [f.caption for f in BILLING_FIELDS] == [
        "Titulaire du compte *",
        "Email facturation *",
        "Mode de paiement",
        "Délais de paiement",
        "Autres",
        # Required for Prélèvement only (marked * while it is chosen); the RUM is generated
        # when left empty.
        "Iban",
        "Code Bic",
        "Code rum",
    ]
    assert [f.caption for f in IDENT_FIELDS] == ["SIREN", "SIRET"]
    assert [f.caption for f in ADMIN_FIELDS] == [
        "Civilité *",
        "Nom *",
        "Prénom *",
        "Téléphone *",
        "Email *",
    ]


async def test_a_concurrent_edit_is_refused_in_a_banner_and_the_typing_kept(app):
    async with app.run_test(size=SIZE) as pilot:
        await open_client_account(pilot)
        # Someone edits the prospect while the form is open.
        Company.update(lock_version=Company.lock_version + 1, updated_by="operateur").where(
            Company.id == 1745
        ).execute()
        field(app, "billing.email").control.focus()
        await type_text(pilot, "compta@garageducentre.fr")
        field(app, "billing.iban").control.focus()
        await type_text(pilot, IBAN.replace(" ", ""))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ClientAccountScreen)
        banner = str(app.screen.query_one("#banner", Static).render())
        assert "modifiée par operateur" in banner
        assert field(app, "billing.email").value == "compta@garageducentre.fr"
        assert Company.get_by_id(1745).kind == CompanyKind.PROSPECT
        assert not BillingPoint.select().where(BillingPoint.company == 1745).exists()
