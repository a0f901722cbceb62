"""Workflow B through the real UI: E-boutique › Mes devis → DEV000095225/1 → Créer le compte client."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from textual.widgets import Input, Select, Static, Tree

from db.models import AuditLog, BillingPoint, Company, CompanyKind, Offer, Quote, QuoteLine, User
from screens.client_account import ClientAccountScreen
from screens.quote_detail import QuoteDetailScreen
from screens.quote_new import QuoteNewScreen
from screens.quotes import QuotesScreen
from tests.ui.conftest import SIZE, login, settle, type_text
from tui.widgets.dialogs import MessageDialog
from tui.widgets.form import FormField
from tui.widgets.record_list import RecordList

IBAN = "FR76 3000 4000 0312 3456 7890 143"


def guide_quote() -> Quote:
    return Quote.get((Quote.number == 95225) & (Quote.revision == 1))


def visible(scope) -> list[Quote]:
    """Independent of db.quotes: the quotes this scope may see, newest first."""
    column = Quote.operator if scope.is_operator else Quote.reseller
    return list(
        Quote.select()
        .where(column == scope.company_id)
        .order_by(Quote.created_on.desc(), Quote.id.desc())
    )


def shown_ids(app) -> list[int]:
    return [row.id for row in app.screen.query_one(RecordList).rows]


def field(app, key: str) -> FormField:
    return app.screen.query_one(f"#field-{key.replace('.', '-')}", FormField)


def error_at(app, key: str) -> str:
    return str(field(app, key).query_one(".error", Static).render())


async def open_mes_devis(pilot) -> None:
    """From the menu tree: E-boutique › Mes devis (the last menu: End, then up), then Entrée."""
    tree = pilot.app.screen.query_one(Tree)
    await pilot.press("end")
    for _ in range(60):
        node = tree.cursor_node
        if node is not None and str(node.label) == "Mes devis":
            break
        await pilot.press("up")
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, QuotesScreen)


async def type_into(pilot, selector: str, text: str) -> None:
    box = pilot.app.screen.query_one(selector, Input)
    box.focus()
    box.value = ""
    await type_text(pilot, text)


async def search_by_text(pilot, key: str, text: str) -> None:
    await type_into(pilot, f"#q-{key}", text)
    await pilot.press("enter")
    await settle(pilot)


async def choose(pilot, selector: str, index: int) -> None:
    """Open a Select with Entrée and take its option `index` (0 is the blank Toutes/Tous)."""
    pilot.app.screen.query_one(selector, Select).focus()
    await pilot.press("enter")
    await pilot.press("home")
    for _ in range(index):
        await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)


async def clear_filters(pilot) -> None:
    screen = pilot.app.screen
    for key in ("reference", "client_number", "client", "offers", "created"):
        screen.query_one(f"#q-{key}", Input).value = ""
    for key in ("step", "commercial"):
        screen.query_one(f"#q-{key}", Select).clear()
    await settle(pilot)
    screen.query_one("#search").press()
    await settle(pilot)


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

        await pilot.press("enter")  # OK: back to the quote, which shows the N° client
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
        await settle(pilot)
        await login(pilot)
        from screens.quotes import open_quote

        open_quote(app, guide_quote().id)
        await settle(pilot)
        await pilot.press("ctrl+k")
        await settle(pilot)
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


# --- the filters against the database ------------------------------------------------------


def expected_for(app, scope):
    """What the database gives for a condition on the scope's quotes, as the first page shows."""
    quotes = visible(scope)

    def expected(keep) -> list[int]:
        return [q.id for q in quotes if keep(q)][: app.settings.page_size]

    return quotes, expected


async def test_text_filters_give_what_the_database_gives(app, scopes):
    quotes, expected = expected_for(app, scopes["revendeur"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot)
        await open_mes_devis(pilot)
        assert shown_ids(app) == expected(lambda q: True)

        await search_by_text(pilot, "reference", "95225/1")
        assert shown_ids(app) == [guide_quote().id]
        await clear_filters(pilot)

        await search_by_text(pilot, "client", "garage centre")
        wanted = expected(
            lambda q: "garage" in q.company.search_name and "centre" in q.company.search_name
        )
        assert wanted and shown_ids(app) == wanted
        await clear_filters(pilot)

        await search_by_text(pilot, "offers", "sip")
        assert shown_ids(app) == expected(lambda q: "sip" in q.search_offers)
        await clear_filters(pilot)

        number = next(q for q in quotes if q.company.client_number).company.client_number
        await search_by_text(pilot, "client_number", number.lower())
        assert shown_ids(app) == expected(lambda q: q.company.client_number == number)

        # What does not parse is said in French at its filter, the typing kept, nothing searched.
        before = shown_ids(app)
        await search_by_text(pilot, "created", "31/02/2019")
        box = app.screen.query_one("#filter-created")
        assert "Date invalide (jj/mm/aaaa)." in str(box.query_one(".error", Static).render())
        assert app.focused.id == "q-created" and app.focused.value == "31/02/2019"
        assert shown_ids(app) == before
        await search_by_text(pilot, "reference", "DEV1/x")
        box = app.screen.query_one("#filter-reference")
        assert "N° de devis invalide" in str(box.query_one(".error", Static).render())


async def test_date_step_and_commercial_filters_give_what_the_database_gives(app, scopes):
    _, expected = expected_for(app, scopes["revendeur"])
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot)
        await open_mes_devis(pilot)

        await search_by_text(pilot, "created", "16/07/2019")
        assert shown_ids(app) == expected(lambda q: q.created_on == dt.date(2019, 7, 16))
        await search_by_text(pilot, "created", "2021-2022")
        start, end = dt.date(2021, 1, 1), dt.date(2022, 12, 31)
        wanted = expected(lambda q: start <= q.created_on <= end)
        assert wanted and shown_ids(app) == wanted
        await clear_filters(pilot)

        await choose(pilot, "#q-step", 1)
        wanted = expected(lambda q: q.step == 1)
        assert wanted and shown_ids(app) == wanted
        await clear_filters(pilot)

        select = app.screen.query_one("#q-commercial", Select)
        options = [value for _, value in select._options if value is not Select.NULL]
        bernard = User.get(User.login == "c.bernard").id
        await choose(pilot, "#q-commercial", options.index(bernard) + 1)
        wanted = expected(lambda q: q.commercial_id == bernard)
        assert guide_quote().id in wanted and shown_ids(app) == wanted

        # Combined: Commercial (still chosen) + Étape 4 + Création 2019.
        await choose(pilot, "#q-step", 4)
        await search_by_text(pilot, "created", "2019")
        wanted = expected(
            lambda q: q.commercial_id == bernard and q.step == 4 and q.created_on.year == 2019
        )
        assert guide_quote().id in wanted and shown_ids(app) == wanted


async def test_revendeur2_never_sees_the_quote_of_revendeur(app, scopes):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot, "revendeur2")
        await open_mes_devis(pilot)
        theirs = [q.id for q in visible(scopes["revendeur2"])]
        assert shown_ids(app) == theirs[: app.settings.page_size]
        assert guide_quote().id not in shown_ids(app)
        await search_by_text(pilot, "reference", "DEV000095225")
        assert shown_ids(app) == []
        assert "Aucun devis" in str(app.screen.query_one(".status", Static).render())
        await search_by_text(pilot, "reference", "")
        await search_by_text(pilot, "client", "GARAGE DU CENTRE")
        assert guide_quote().id not in shown_ids(app)

        from tui.commands import RECORD_SEARCHES

        found = [
            label for search in RECORD_SEARCHES for label, _, _ in search(app.scope, "95225", 8)
        ]
        assert not any("DEV000095225" in label for label in found)


async def test_palette_finds_a_quote_by_number(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot)
        await pilot.press("ctrl+p")
        await type_text(pilot, "95225/1")
        await pilot.pause(0.5)
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, QuoteDetailScreen)
        assert app.screen.quote_id == guide_quote().id


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
        from db.quote_detail import create_quote, set_step
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
        await settle(pilot)
        await login(pilot)
        from screens.quotes import open_quote

        open_quote(pilot.app, guide_quote().id)
        await settle(pilot)
        await pilot.press("ctrl+k")
        await settle(pilot)
        _no_blink(pilot.app)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


# --- helpers of these screens, without a terminal ------------------------------------------


def test_search_companies_is_scoped_to_prospects_and_clients(scopes):
    from db.quote_detail import search_companies

    mine = search_companies(scopes["revendeur"], "garage centre")
    assert [c.id for c in mine][:1] == [1745] and mine[0].label.startswith(
        "GARAGE DU CENTRE (1745)"
    )
    assert search_companies(scopes["revendeur"], "1745")[0].id == 1745
    assert search_companies(scopes["revendeur2"], "1745") == []
    hidden = search_companies(scopes["revendeur2"], "garage du centre")
    assert all(c.id != 1745 for c in hidden)
    kinds = {c.kind for c in search_companies(scopes["operateur"], "", 200)}
    assert kinds <= {CompanyKind.PROSPECT, CompanyKind.CLIENT}


def test_results_fit_100_columns_and_amounts_are_never_cut(scopes):
    from db.quotes import QuoteFilters, list_quotes
    from screens.quotes import fit_widths, quote_cells

    rows = list_quotes(scopes["operateur"], QuoteFilters(), 0, 100)
    widest = max(len(row.amounts) for row in rows)
    table = 100 - 1  # the list's left padding
    widths = fit_widths(table, rows)
    assert sum(w + 1 for w in widths.values()) + 1 <= table  # one gap per column + scrollbar
    for row in rows:
        cells = quote_cells(row, widths)
        assert all(len(cell) <= widths[key] + 1 for cell, key in zip(cells, widths, strict=True))
        assert cells[-1].strip() == row.amounts and widths["amounts"] == widest
        assert cells[0].strip() == row.reference and cells[4].strip() == row.created
    wide = fit_widths(250, rows)
    assert wide["client"] == max(len(row.client) for row in rows)  # room enough: nothing cut


def test_client_account_form_has_the_guides_labels():
    from db.client_account import CLIENT_ACCOUNT_ADMIN_FIELDS, CLIENT_ACCOUNT_BILLING_FIELDS
    from screens.client_account import ADMIN_FIELDS, BILLING_FIELDS, IDENT_FIELDS

    assert tuple(f.name for f in BILLING_FIELDS) == CLIENT_ACCOUNT_BILLING_FIELDS
    assert tuple(f.name for f in ADMIN_FIELDS) == CLIENT_ACCOUNT_ADMIN_FIELDS
    assert [f.caption for f in BILLING_FIELDS] == [
        "Titulaire du compte *",
        "Email facturation *",
        "Mode de paiement",
        "Délais de paiement",
        "Autres",
        "Iban *",
        "Code Bic *",
        "Code rum *",
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
        await settle(pilot)
        await login(pilot)
        from screens.quotes import open_quote

        open_quote(app, guide_quote().id)
        await settle(pilot)
        await pilot.press("ctrl+k")
        await settle(pilot)
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
