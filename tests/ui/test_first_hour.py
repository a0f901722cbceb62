"""Issue 13, the first hour of a support agent, at 80×24: live field checks, the BIC that follows
the IBAN, conversions that end on the client, the palette, F1, keys typed ahead, the lists, the
wizard's step keys, Escape up the menu tree and the looks of item 11."""

from __future__ import annotations

from textual import events
from textual.widgets import Static

from db.core.models import BillingPoint
from screens.home import HomeScreen
from screens.prospect_wizard import ProspectWizardScreen, open_prospect_at
from tests.ui.conftest import login, settle, type_text
from tui.toolkit.widgets.form import FormField

SMALL = (80, 24)


def field(app, name: str) -> FormField:
    return app.screen.query_one(f"#field-{name}", FormField)


def error_of(app, name: str) -> str:
    return str(field(app, name).query_one(".error", Static).render())


def caption_of(app, name: str) -> str:
    return str(field(app, name).query_one(".caption").render())


async def open_step_2(pilot, prospect: int = 1743) -> None:
    await login(pilot)
    open_prospect_at(pilot.app, prospect, 2)
    await settle(pilot)
    await settle(pilot)
    assert isinstance(pilot.app.screen, ProspectWizardScreen) and pilot.app.screen.step == 2


async def retype(pilot, name: str, text: str) -> None:
    control = field(pilot.app, name).control
    control.focus()
    control.value = ""
    await type_text(pilot, text)


# -- 1: each field checked when the cursor leaves it, cleared as soon as it is right ------------
async def test_a_wrong_iban_is_told_on_leaving_it_and_cleared_once_right(app):
    async with app.run_test(size=SMALL) as pilot:
        await open_step_2(pilot)
        await retype(pilot, "iban", "FR76 3000 6000 0112 3456 7890 188")  # wrong check digits
        assert error_of(app, "iban") == ""  # nothing while typing
        await pilot.press("tab")
        await settle(pilot)
        assert error_of(app, "iban") == "La clé de contrôle de l'IBAN est incorrecte."
        assert field(app, "iban").has_class("-invalid")
        field(app, "iban").control.focus()
        await pilot.press("end", "backspace")
        await type_text(pilot, "9")  # right now: cleared at once, the cursor still in it
        await settle(pilot)
        assert app.focused is field(app, "iban").control
        assert error_of(app, "iban") == "" and not field(app, "iban").has_class("-invalid")


async def test_after_a_refused_save_fixed_fields_lose_their_message(app):
    async with app.run_test(size=SMALL) as pilot:
        await open_step_2(pilot)
        await retype(pilot, "iban", "FR76 3000 6000 0112 3456 7890 188")
        await retype(pilot, "email", "compta@@duval.fr")
        await pilot.press("ctrl+s")
        await settle(pilot)
        banner = str(app.screen.query_one("#banner", Static).render())
        assert banner == "3 champ(s) à corriger : rien n'a été enregistré."
        assert error_of(app, "email") == "L'adresse e-mail est invalide : un seul « @ » est permis."
        assert error_of(app, "bic") == "Ce champ est obligatoire."  # no BIC from a wrong IBAN
        await retype(pilot, "email", "compta@duval.fr")
        await settle(pilot)
        assert error_of(app, "email") == ""
        assert str(app.screen.query_one("#banner", Static).render()) == (
            "2 champ(s) à corriger : rien n'a été enregistré."
        )
        await retype(pilot, "iban", "FR76 3000 6000 0112 3456 7890 189")
        await settle(pilot)
        assert field(app, "bic").value  # suggested from the corrected IBAN
        assert error_of(app, "iban") == "" and error_of(app, "bic") == ""
        assert not app.screen.query_one("#banner", Static).display
        assert not BillingPoint.select().where(BillingPoint.company == 1743).exists()


# -- 2: the BIC follows the IBAN while the user has not typed one --------------------------------
async def test_the_bic_follows_a_changed_iban_unless_typed(app):
    async with app.run_test(size=SMALL) as pilot:
        await open_step_2(pilot)
        await retype(pilot, "iban", "DE89 3704 0044 0532 0130 00")
        german = field(app, "bic").value
        assert german.startswith("COBADE")
        await retype(pilot, "iban", "FR76 3000 6000 0112 3456 7890 189")
        await settle(pilot)
        assert field(app, "bic").value.startswith("AGRIFR")  # the French bank's, not the German
        await retype(pilot, "bic", "BNPAFRPPXXX")  # the user's own
        await retype(pilot, "iban", "FR14 2004 1010 0505 0001 3M02 606")
        assert field(app, "bic").value == "BNPAFRPPXXX"
        await retype(pilot, "email", "compta@duval.fr")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen.step == 3
        billing = BillingPoint.get(BillingPoint.company == 1743)
        assert billing.bic == "BNPAFRPPXXX"


# -- 7: keys typed ahead ------------------------------------------------------------------------
def typed(text: str) -> list[events.Key]:
    names = {"\t": ("tab", None), "\r": ("enter", "\r"), " ": ("space", " "), "/": ("slash", "/")}
    return [events.Key(*names.get(c, (c, c))) for c in text]


async def test_login_typed_in_one_read_logs_in(app):
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        for key in typed("revendeur\tdemo\r"):  # all queued before the app reads the first
            app.post_message(key)
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.scope.login == "revendeur"


# -- 3: a conversion ends on the client's detail, with no error ----------------------------------
def record_notifications(app) -> list[tuple[str, str]]:
    said: list[tuple[str, str]] = []
    notify = app.notify

    def spy(message, *args, **kwargs):
        said.append((str(message), kwargs.get("severity", "information")))
        return notify(message, *args, **kwargs)

    app.notify = spy
    return said


async def test_transformer_en_client_ends_on_the_clients_detail(app):
    from db.core.models import Company
    from screens.company_detail import CompanyDetailScreen
    from tui.toolkit.dialogs.confirm import MessageDialog

    async with app.run_test(size=SMALL) as pilot:
        await login(pilot)
        said = record_notifications(app)
        open_prospect_at(app, 1744)
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        await pilot.press("o")  # Transformer
        await settle(pilot)
        assert isinstance(app.screen, MessageDialog)
        number = Company.get_by_id(1744).client_number
        assert number and number in str(
            app.screen.query_one("Static").parent.query("Static")[1].render()
        )
        await pilot.press("enter")  # OK
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, CompanyDetailScreen) and app.screen.company_id == 1744
        assert [s for s in said if s[1] == "error"] == []
        assert "introuvable" not in " ".join(m for m, _ in said)
        text = " ".join(str(w.render()) for w in app.screen.query(Static))
        assert number in text


# -- 5: the palette --------------------------------------------------------------------------------
async def open_palette(pilot, text: str):
    from textual.command import CommandList, CommandPalette

    await pilot.press("ctrl+p")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CommandPalette)
    await type_text(pilot, text)
    await pilot.pause(0.7)
    await settle(pilot)
    options = pilot.app.screen.query_one(CommandList).options
    return [str(option.prompt) for option in options]


async def test_the_palette_speaks_french(app):
    from textual.command import CommandInput

    async with app.run_test(size=SMALL) as pilot:
        await login(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert app.screen.query_one(CommandInput).placeholder.startswith("Rechercher")
        await type_text(pilot, "zzqqxx")
        await pilot.pause(0.8)
        await settle(pilot)
        shown = " ".join(str(o.prompt) for o in app.screen.query_one("CommandList").options)
        assert "Aucun résultat" in shown and "No matches" not in shown


async def test_the_palette_finds_a_converted_prospect_and_tells_the_owner(app):
    from db.companies.conversion import convert_to_client
    from db.core.models import Company

    async with app.run_test(size=SMALL) as pilot:
        await login(pilot, "operateur", operator=True)
        company = Company.get_by_id(1744)
        convert_to_client(app.scope, 1744, company.lock_version)
        shown = await open_palette(pilot, "1744")
        line = next(p for p in shown if p.startswith("1744 ·"))
        owner = Company.get_by_id(company.reseller_id).name
        assert "Client" in line and f"Revendeur : {owner}" in line
        assert "·  ·" not in " ".join(shown)


async def test_one_failing_search_does_not_hide_the_others(app, monkeypatch):
    from tui import commands

    def broken(scope, query, limit):
        raise RuntimeError("boom")

    commands.load_record_searches()
    monkeypatch.setattr(commands, "RECORD_SEARCHES", [broken, *commands.RECORD_SEARCHES])
    async with app.run_test(size=SMALL) as pilot:
        await login(pilot)
        shown = await open_palette(pilot, "1743")
        assert any(p.startswith("1743 · CABINET DUVAL") for p in shown)


# -- 6: F1, this app's French help ---------------------------------------------------------------
async def test_f1_lists_the_screens_keys_first_in_french(app):
    from screens.help import HelpScreen

    async with app.run_test(size=SMALL) as pilot:
        await open_step_2(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        own = str(app.screen.query_one("#help-own").render()).splitlines()
        everywhere = str(app.screen.query_one("#help-everywhere").render())
        assert own[0].split() == ["Ctrl+S", "Enregistrer", "et", "continuer"]
        assert any(line.split()[:2] == ["Ctrl+G", "Générer"] for line in own)
        assert any(line.split()[:2] == ["Échap", "Retour"] for line in own)
        assert "Ctrl+Q" in everywhere and "Déconnexion" in everywhere
        shown = "\n".join(own) + everywhere
        for generic in ("Move cursor", "Focus Next", "Delete", "Paste"):
            assert generic not in shown
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, ProspectWizardScreen)


# -- 10: Escape up the menu tree, Ctrl+L from anywhere -------------------------------------------
async def test_escape_goes_up_the_menu_tree_not_back_through_history(app):
    from screens.prospects import ProspectsScreen

    async with app.run_test(size=SMALL) as pilot:
        await login(pilot)
        for place in ("quotes", "clients", "catalogue"):
            app.open_place(place)
            await settle(pilot)
        open_prospect_at(app, 1743)  # as the palette does: four jumps
        await settle(pilot)
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ProspectsScreen)  # the wizard's parent place
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        assert len(app.screen_stack) == 2


async def test_ctrl_l_logs_out_from_any_screen_asking_for_unsaved_edits(app):
    from screens.login import LoginScreen
    from tui.toolkit.dialogs.confirm import ConfirmDialog

    async with app.run_test(size=SMALL) as pilot:
        await open_step_2(pilot)
        await retype(pilot, "holder", "UN AUTRE TITULAIRE")
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # Rester
        await settle(pilot)
        assert isinstance(app.screen, ProspectWizardScreen)
        assert field(app, "holder").value == "UN AUTRE TITULAIRE"
        await pilot.press("ctrl+l")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen) and app.scope is None
        assert len(app.screen_stack) == 2


async def test_filters_typed_in_one_read_land_in_their_boxes(app):
    from screens.prospects import ProspectsScreen
    from tui.toolkit.widgets.record_list import RecordList

    async with app.run_test(size=(100, 30)) as pilot:
        await login(pilot, "operateur", operator=True)
        app.open_place("prospects")
        await settle(pilot)
        assert isinstance(app.screen, ProspectsScreen)
        for key in typed("/\tduval\t\tbretagne"):  # `/` to the filters, then Tab, all at once
            app.post_message(key)
        await settle(pilot)
        await settle(pilot)
        listing = app.screen.query_one(RecordList)
        assert listing.filter_values() == {
            "identifiant": "",
            "name": "duval",
            "place": "",
            "owner": "bretagne",
        }
        assert all(row.owner == "BRETAGNE TÉLÉCOM PARTENAIRES" for row in listing.rows)
