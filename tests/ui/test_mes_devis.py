"""Mes devis through the real UI: each filter against the database, the scope, the palette, and the
list's layout at 100 columns."""

from __future__ import annotations

import datetime as dt

from textual.widgets import Static

from db.core.kinds import CompanyKind
from db.core.models import User
from screens.quote_detail import QuoteDetailScreen
from tests.ui.conftest import SIZE, login, settle, type_text
from tests.ui.quote_screens import (
    choose,
    clear_filters,
    guide_quote,
    open_mes_devis,
    search_by_text,
    shown_ids,
)
from tests.unit.quote_data import visible
from tui.toolkit.widgets.choice import Choice

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

        select = app.screen.query_one("#q-commercial", Choice)
        options = [value for _, value in select.options]
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


# --- helpers of these screens, without a terminal ------------------------------------------


def test_search_companies_is_scoped_to_prospects_and_clients(scopes):
    from db.companies.lists import search_companies
    from screens.quote_new import QUOTABLE

    mine = search_companies(scopes["revendeur"], "garage centre", 20, QUOTABLE)
    assert [c.id for c in mine][:1] == [1745] and mine[0].label.startswith(
        "GARAGE DU CENTRE (1745)"
    )
    assert search_companies(scopes["revendeur"], "1745", 20, QUOTABLE)[0].id == 1745
    assert search_companies(scopes["revendeur2"], "1745", 20, QUOTABLE) == []
    hidden = search_companies(scopes["revendeur2"], "garage du centre", 20, QUOTABLE)
    assert all(c.id != 1745 for c in hidden)
    everyone = search_companies(scopes["operateur"], "e", 200)
    assert {c.kind for c in everyone} > {CompanyKind.PROSPECT, CompanyKind.CLIENT}
    kinds = {c.kind for c in search_companies(scopes["operateur"], "e", 200, QUOTABLE)}
    assert kinds == {CompanyKind.PROSPECT, CompanyKind.CLIENT}


def test_results_fit_100_columns_and_amounts_are_never_cut(scopes):
    from db.quotes.lists import QuoteFilters, list_quotes
    from screens.quote_columns import fit_widths, quote_cells

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
