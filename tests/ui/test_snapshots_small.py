"""Issue 13: snapshots at 80×24 of the lists, the wizard's step 2 and F1 (100×30 ones are in
test_snapshots_a, test_companies_ui and test_workflow_b; F1 at both sizes here). At 80 columns
each list keeps its identifier, its state or amount and its action (tui/toolkit/widgets/record_list.py
Column priorities), and the footer shows whole keys only."""

from __future__ import annotations

import pytest

from tests.ui.conftest import SIZE, login, settle
from tests.ui.test_companies_ui import open_menu
from tests.ui.test_snapshots_a import _prospects
from tests.ui.test_workflow_b import _no_blink, open_mes_devis

SMALL = (80, 24)


async def _step_2(pilot) -> None:
    from screens.prospect_wizard import open_prospect_at

    await _prospects(pilot)
    open_prospect_at(pilot.app, 1743)
    await settle(pilot)
    await settle(pilot)


def test_prospects_80x24(app, snap_compare):
    assert snap_compare(app, terminal_size=SMALL, run_before=_prospects)


def test_mes_devis_80x24(app, snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await login(pilot)
        await open_mes_devis(pilot)
        _no_blink(pilot.app)

    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


def test_clients_80x24(app, snap_compare):
    async def run_before(pilot):
        await settle(pilot)
        await login(pilot)
        await open_menu(pilot, "Clients")

    assert snap_compare(app, terminal_size=SMALL, run_before=run_before)


def test_wizard_step_2_80x24(app, snap_compare):
    assert snap_compare(app, terminal_size=SMALL, run_before=_step_2)


@pytest.mark.parametrize("size", [SMALL, SIZE], ids=["80x24", "100x30"])
def test_f1_on_step_2(app, snap_compare, size):
    async def run_before(pilot):
        await _step_2(pilot)
        await pilot.press("f1")
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
