"""Ctrl+P: screens by their French label, records by identifiant, raison sociale or number."""

from __future__ import annotations

import pytest
from textual.command import CommandList, CommandPalette

from screens.prospect_wizard import ProspectWizardScreen
from tests.ui.conftest import SIZE, login, settle, type_text


async def _palette(pilot, text: str) -> None:
    await pilot.press("ctrl+p")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CommandPalette)
    await type_text(pilot, text)
    await pilot.pause(0.5)
    await settle(pilot)


async def test_palette_finds_a_prospect_by_identifiant_and_opens_it(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot)
        await _palette(pilot, "1743")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ProspectWizardScreen)
        assert app.screen.company_id == 1743 and app.screen.step == 2


async def test_palette_opens_a_screen_by_its_label(app):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot)
        await _palette(pilot, "Mes devis")
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "QuotesScreen"


@pytest.mark.parametrize(("user", "found"), [("revendeur", True), ("revendeur2", False)])
async def test_palette_finds_prospects_only_within_scope(app, user, found):
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot, user)
        await _palette(pilot, "DUVAL ET ASSOC")
        options = app.screen.query_one(CommandList).options
        texts = " ".join(str(option.prompt) for option in options)
        assert ("CABINET DUVAL" in texts) is found
