"""Sensitive data: IBANs masked wherever a list or a summary shows them; no IBAN or password in
the log or in what a crash shows the user."""

from __future__ import annotations

import logging

import pytest
from textual.widgets import DataTable, Static

from db.core import validation as v
from db.core.database import database_proxy
from db.core.models import BillingPoint, Company, CompanyKind
from tests.ui.conftest import SIZE, login, settle
from tui.logs import configure_logging, crash_summary

SECRET_IBAN = "FR7630006000011234567890189"


def screen_text(screen) -> str:
    """What the screen's text widgets and tables hold, as plain text."""
    parts = [str(widget.render()) for widget in screen.query(Static)]
    for table in screen.query(DataTable):
        for row in range(table.row_count):
            parts.extend(str(cell) for cell in table.get_row_at(row))
    return "\n".join(parts)


def assert_masked(text: str, iban: str) -> None:
    compact = "".join(iban.split())
    assert compact not in text.replace(" ", "")
    assert v.mask_iban(compact) in text


def _billing_of(scopes, kind: str) -> BillingPoint:
    reseller = scopes["revendeur"].company_id
    with database_proxy.connection_context():
        return (
            BillingPoint.select(BillingPoint, Company)
            .join(Company)
            .where(
                (Company.kind == kind) & (Company.reseller == reseller) & (BillingPoint.iban != "")
            )
            .order_by(BillingPoint.id)
            .first()
        )


async def test_company_detail_lists_billing_points_with_iban_masked(app, scopes):
    from screens.company_detail import CompanyDetailScreen

    billing = _billing_of(scopes, CompanyKind.CLIENT)
    assert billing is not None, "the demo has clients with a billing point"
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        app.push_screen(CompanyDetailScreen(billing.company_id))
        await settle(pilot)
        assert_masked(screen_text(app.screen), billing.iban)


async def test_prospect_details_show_iban_masked(app, scopes):
    from screens.prospect_details import ProspectDetailsScreen

    billing = _billing_of(scopes, CompanyKind.PROSPECT)
    assert billing is not None, "the demo has prospects past step 2"
    async with app.run_test(size=SIZE) as pilot:
        await login(pilot)
        app.push_screen(ProspectDetailsScreen(billing.company_id))
        await settle(pilot)
        assert_masked(screen_text(app.screen), billing.iban)


def fill_billing_form() -> None:
    iban = SECRET_IBAN  # a local variable, as a form handler would hold  # noqa: F841
    password = "motdepasse-secret"  # noqa: F841
    raise RuntimeError("échec inattendu")


async def test_a_crash_shows_one_sentence_and_logs_no_values(app, caplog, capfd):
    shown: list = []
    panic = app.panic
    app.panic = lambda *renderables: (shown.extend(renderables), panic(*renderables))
    with caplog.at_level(logging.CRITICAL, logger="myopenip"), pytest.raises(RuntimeError):
        async with app.run_test(size=SIZE) as pilot:
            app.call_later(fill_billing_form)
            await pilot.pause()
    assert shown == [crash_summary(RuntimeError())]
    exit_text = " ".join(capfd.readouterr().err.split())  # what the terminal shows on exit
    assert "RuntimeError" in exit_text
    for secret in (SECRET_IBAN, "motdepasse-secret", "Traceback", "iban ="):
        assert secret not in exit_text
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "fill_billing_form" in logged and "échec inattendu" in logged
    assert SECRET_IBAN not in logged and "motdepasse-secret" not in logged


def test_log_file_masks_ibans_and_never_writes_to_the_terminal(tmp_path, capsys):
    root = logging.getLogger()
    saved = root.handlers[:], root.level, logging.lastResort, logging.raiseExceptions
    log_file = tmp_path / "logs" / "myopenip.log"
    try:
        handler = configure_logging(str(log_file))
        assert not [
            h
            for h in root.handlers
            if isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler)
        ]
        try:
            raise ValueError(f"IBAN refusé : {v.format_iban(SECRET_IBAN)}")
        except ValueError:
            logging.getLogger("myopenip").exception("Erreur avec %s", SECRET_IBAN)
        handler.flush()
    finally:
        for h in root.handlers[:]:
            if h not in saved[0]:
                root.removeHandler(h)
                h.close()
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
        logging.lastResort, logging.raiseExceptions = saved[2], saved[3]
    text = log_file.read_text(encoding="utf-8")
    assert "Erreur avec" in text and "ValueError" in text
    assert SECRET_IBAN not in text.replace(" ", "")
    assert v.mask_iban(SECRET_IBAN) in text
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
