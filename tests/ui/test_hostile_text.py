"""Hostile text in the store never reaches the terminal raw (issue 12).

A reseller's prospect named with a terminal escape sequence (set the window title: OSC 0)
must not act on the operator's terminal: the test captures every byte the app writes to
its terminal, through the app's real output path (the screen-diff driver of tui/wire.py),
and checks that the sequence is absent and the name is drawn with visible placeholders.
"""

from __future__ import annotations

from textual.drivers.headless_driver import HeadlessDriver

from db.core.database import database_proxy
from db.core.models import Company, CompanyKind, Site
from db.core.text import visible
from db.exchange.prospect_import import import_prospects
from screens.prospects import ProspectsScreen
from tests.ui.conftest import SIZE, login, settle
from tui.app import MyOpenIPApp
from tui.settings import Settings
from tui.wire import screen_diff_driver

HOSTILE = "ACME\x1b]0;PWNED\x07SA"


class CapturingDriver(HeadlessDriver):
    """The headless driver, but not headless: the app renders and its writes are kept."""

    written: list[str]

    @property
    def is_headless(self) -> bool:
        return False

    def write(self, data: str) -> None:
        self.written.append(data)


def _attackers_row(reseller_id: int, operator_id: int) -> int:
    """A prospect stored as if the text rule had been bypassed (an old row, a direct write)."""
    with database_proxy.connection_context():
        company = Company.create(
            kind=CompanyKind.PROSPECT,
            name=HOSTILE,
            reseller=reseller_id,
            operator=operator_id,
            creation_step=1,
        )
        Site.create(company=company, street="1 rue du Test", postcode="75001", city="PARIS")
        return company.id


def test_the_import_refuses_the_name(scopes, tmp_path):
    path = tmp_path / "prospects.csv"
    path.write_text(
        f'Raison sociale;Voie;Code Postal;Commune\n"{HOSTILE}";1 rue du Test;75001;PARIS\n',
        encoding="utf-8",
    )
    with path.open("rb") as stream:
        report = import_prospects(scopes["revendeur"], stream, path.name)
    assert report.imported == []
    (refused,) = report.refused
    assert any("caractère de contrôle invisible (U+001B)" in reason for reason in refused.messages)
    assert not Company.select().where(Company.name.contains("PWNED")).exists()


async def test_no_escape_byte_from_a_stored_name_reaches_the_operators_terminal(demo_db, scopes):
    revendeur = scopes["revendeur"]
    company_id = _attackers_row(revendeur.company_id, scopes["operateur"].company_id)
    app = MyOpenIPApp(Settings(database=demo_db))
    CapturingDriver.written = []
    app.driver_class = screen_diff_driver(CapturingDriver)
    async with app.run_test(headless=False, size=SIZE) as pilot:
        await settle(pilot)
        await login(pilot, "operateur", operator=True)
        await pilot.press("enter")  # Prospects
        await settle(pilot)
        assert isinstance(app.screen, ProspectsScreen)
        table = app.screen.query_one("DataTable")
        shown = [str(cell) for row in range(table.row_count) for cell in table.get_row_at(row)]
        assert visible(HOSTILE) in shown, f"prospect {company_id} not listed first"
    output = "".join(CapturingDriver.written)
    assert output, "the capturing driver received the frames"
    assert "\x1b]0;" not in output and "PWNED\x07" not in output
    # The app's own sequences start with ESC; none is followed by the value's "]0;".
    assert "ACME\x1b" not in output
    assert "ACME␛]0;PWNED␇SA" in output
