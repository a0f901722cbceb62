"""Snapshots at 100×30 of workflow A's main screens: Connexion, Prospects, step 2, Détails."""

from __future__ import annotations

from tests.ui.conftest import SIZE, login, settle


async def _prospects(pilot) -> None:
    await settle(pilot)
    await login(pilot)
    await pilot.press("enter")
    await settle(pilot)


def test_connexion(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_prospects(app, snap_compare):
    assert snap_compare(app, terminal_size=SIZE, run_before=_prospects)


def test_wizard_step_2(app, snap_compare):
    async def run_before(pilot):
        await _prospects(pilot)
        from screens.navigation import open_prospect_at

        open_prospect_at(pilot.app, 1743)
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)


def test_prospect_details(app, snap_compare):
    async def run_before(pilot):
        await _prospects(pilot)
        from screens.navigation import open_prospect_at

        open_prospect_at(pilot.app, 1744)
        await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=run_before)
