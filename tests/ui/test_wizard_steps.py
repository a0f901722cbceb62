"""Issue 13 item 9: a key to any saved step (F6-F9) of the wizard from any step, and Générer le mandat on
an unsaved step 2 that offers to save first, then generates (and stays on step 2)."""

from __future__ import annotations

from textual.widgets import Static

from db.core.models import BillingPoint, Document
from screens.prospect_details import ProspectDetailsScreen
from screens.prospect_wizard import ProspectWizardScreen, open_prospect_at
from tests.ui.conftest import login, settle
from tests.ui.test_first_hour import SMALL, field, retype
from tui.toolkit.dialogs.confirm import ConfirmDialog
from tui.toolkit.dialogs.file_picker import WriteDocumentDialog
from tui.toolkit.widgets.step_indicator import StepIndicator


async def open_at(pilot, prospect: int, step: int) -> ProspectWizardScreen:
    await login(pilot)
    open_prospect_at(pilot.app, prospect, step)
    await settle(pilot)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ProspectWizardScreen) and screen.step == step
    return screen


async def test_alt_digits_go_to_every_saved_step_and_f1_says_so(app):
    async with app.run_test(size=SMALL) as pilot:
        await open_at(pilot, 1744, 2)  # 1744: steps 1-3 saved
        await pilot.press("f1")
        await settle(pilot)
        own = str(app.screen.query_one("#help-own").render())
        for line in (
            "F6               Étape 1",
            "F8               Étape 3",
            "F9               Détail",
        ):
            assert line in own
        assert "F7" not in own  # the step shown
        await pilot.press("escape")
        await settle(pilot)
        steps = str(app.screen.query_one(StepIndicator).render())
        assert steps == "✓1 — [2] — ✓3 —  4    F6…F9 : étapes 1 à 4"
        await pilot.press("f6")
        await settle(pilot)
        assert app.screen.step == 1
        assert field(app, "name").value == "BOULANGERIE MARTIN ET FILS"
        await pilot.press("f8")
        await settle(pilot)
        assert app.screen.step == 3
        await pilot.press("f7")
        await settle(pilot)
        assert app.screen.step == 2
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, ProspectDetailsScreen)


async def test_a_step_not_saved_yet_cannot_be_jumped_to(app):
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_at(pilot, 1743, 2)  # 1743: only step 1 saved
        await pilot.press("f8", "f9")
        await settle(pilot)
        assert app.screen is screen and screen.step == 2
        await pilot.press("f6")
        await settle(pilot)
        assert screen.step == 1


async def test_going_to_another_step_asks_before_dropping_edits(app):
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_at(pilot, 1744, 2)
        await retype(pilot, "holder", "UN AUTRE TITULAIRE")
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Des modifications ne sont pas enregistrées." in str(
            app.screen.query_one(Static).render()
        )
        await pilot.press("n")
        await settle(pilot)
        assert app.screen is screen and screen.step == 2
        assert field(app, "holder").value == "UN AUTRE TITULAIRE"


async def test_generer_on_an_unsaved_step_2_saves_then_generates_and_stays(app):
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_at(pilot, 1743, 2)
        assert not BillingPoint.select().where(BillingPoint.company == 1743).exists()
        await retype(pilot, "iban", "FR14 2004 1010 0505 0001 3M02 606")
        await retype(pilot, "email", "compta@duval.fr")
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        message = str(app.screen.query_one(Static).render())
        assert (
            message == "Le point de facturation n'est pas enregistré.\nEnregistrer puis générer ?"
        )
        await pilot.press("o")
        await settle(pilot)
        await settle(pilot)
        billing = BillingPoint.get(BillingPoint.company == 1743)
        assert billing.iban == "FR1420041010050500013M02606"
        assert billing.rum  # assigned by the generation
        assert Document.select().where(Document.company == 1743).count() == 1
        assert isinstance(app.screen, WriteDocumentDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and screen.step == 2  # not pushed on to step 3
        assert not screen.dirty


async def test_a_refused_save_before_generating_generates_nothing(app):
    async with app.run_test(size=SMALL) as pilot:
        screen = await open_at(pilot, 1743, 2)
        await retype(pilot, "iban", "FR76 3000 6000 0112 3456 7890 188")  # wrong key
        await pilot.press("ctrl+g")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert app.screen is screen and screen.step == 2
        assert Document.select().where(Document.company == 1743).count() == 0
        assert "incorrecte" in str(field(app, "iban").query_one(".error").render())
        # A later plain save of a good IBAN does not generate behind the user's back.
        await retype(pilot, "iban", "FR14 2004 1010 0505 0001 3M02 606")
        await retype(pilot, "email", "compta@duval.fr")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.step == 3
        assert Document.select().where(Document.company == 1743).count() == 0
