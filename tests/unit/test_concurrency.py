"""No lost updates: two people on the same prospect, in one process and in two OS processes."""

from __future__ import annotations

import random
import re
import shutil

import pytest

from bench.race import run_race
from bench.workload import make_ready_prospects, step_data, token_of
from db.companies.conversion import convert_to_client
from db.companies.prospects import (
    load_prospect,
    save_admin_step,
    save_billing_step,
    save_company_step,
)
from db.core.database import close_database, database_proxy, open_database
from db.core.errors import ConcurrentEditError, ConversionRefused
from db.core.models import AuditLog, BillingPoint, Company, CompanyKind, Contact, Sequence, Site
from db.core.rows import AlreadyConverted

SAVE = {1: save_company_step, 2: save_billing_step, 3: save_admin_step}
WHEN = r"le \d{2}/\d{2}/\d{4} à \d{2}:\d{2}"


def save(scope, record, step, token):
    """Save wizard step `step` of `record` as its form would, with the versions it was loaded at."""
    data = step_data(record, step, token, random.Random(token))
    return SAVE[step](scope, record.company.id, data, record.versions)


def stored_tokens(company_id):
    """The token each wizard record of the prospect holds (see bench.workload.step_data)."""
    site = Site.get_or_none((Site.company == company_id) & (Site.is_main == True))  # noqa: E712
    billing = BillingPoint.select().where(BillingPoint.company == company_id).first()
    admin = Contact.get_or_none((Contact.company == company_id) & (Contact.is_admin == True))  # noqa: E712
    return {
        "company": token_of(Company.get_by_id(company_id).name),
        "site": token_of(site.street) if site else None,
        "billing": token_of(billing.complement) if billing else None,
        "admin": token_of(admin.first_name) if admin else None,
    }


STEP_TOKENS = {1: ("company", "site"), 2: ("billing",), 3: ("admin",)}


def audit_count(company_id, action="prospect_step_saved"):
    return (
        AuditLog.select()
        .where((AuditLog.entity_id == company_id) & (AuditLog.action == action))
        .count()
    )


@pytest.mark.parametrize("step", [1, 2, 3])
def test_second_save_is_refused_naming_who_and_when_and_first_is_kept(scopes, step):
    alice, bob = scopes["revendeur"], scopes["operateur"]
    mine = load_prospect(alice, 1744)
    theirs = load_prospect(bob, 1744)
    save(alice, mine, step, "alice")
    with pytest.raises(ConcurrentEditError) as exc:
        save(bob, theirs, step, "bob")
    assert exc.value.who == "revendeur"
    assert re.search(rf"modifiée par revendeur {WHEN}", exc.value.message), exc.value.message
    assert "Rechargez-la" in exc.value.message
    after = load_prospect(bob, 1744)
    tokens = stored_tokens(1744)
    assert all(tokens[name] == "alice" for name in STEP_TOKENS[step])
    assert after.versions["company"] == mine.versions["company"] + 1
    record = STEP_TOKENS[step][-1]
    assert after.versions[record] == mine.versions[record] + 1
    assert audit_count(1744) == 1
    # Bob reloads and re-applies: now his save goes through, on top of Alice's.
    save(bob, after, step, "bob")
    assert all(stored_tokens(1744)[name] == "bob" for name in STEP_TOKENS[step])


def test_a_save_of_another_step_is_refused_too(scopes):
    """Any save moves the prospect's version on: a form loaded before it is stale."""
    alice, bob = scopes["revendeur"], scopes["operateur"]
    mine, theirs = load_prospect(alice, 1744), load_prospect(bob, 1744)
    save(alice, mine, 1, "alice")
    with pytest.raises(ConcurrentEditError):
        save(bob, theirs, 3, "bob")
    assert stored_tokens(1744)["admin"] is None


@pytest.mark.parametrize("step", [2, 3])
def test_two_people_creating_the_same_record_make_one(scopes, step):
    """1743 is at step 2: no billing point and no administrator yet; both forms are empty."""
    alice, bob = scopes["revendeur"], scopes["operateur"]
    mine, theirs = load_prospect(alice, 1743), load_prospect(bob, 1743)
    assert mine.versions[STEP_TOKENS[step][0]] == 0
    save(alice, mine, step, "alice")
    with pytest.raises(ConcurrentEditError, match="par revendeur"):
        save(bob, theirs, step, "bob")
    assert BillingPoint.select().where(BillingPoint.company == 1743).count() == (step == 2)
    admins = Contact.select().where((Contact.company == 1743) & (Contact.is_admin == True))  # noqa: E712
    assert admins.count() == (step == 3)
    assert stored_tokens(1743)[STEP_TOKENS[step][0]] == "alice"


def test_save_rolls_back_whole_when_one_record_is_stale(scopes):
    """Step 1 writes the company and its site: a stale site refuses both, nothing half-saved."""
    alice = scopes["revendeur"]
    record = load_prospect(alice, 1744)
    Site.update(lock_version=Site.lock_version + 1, updated_by="operateur").where(
        Site.company == 1744
    ).execute()
    with pytest.raises(ConcurrentEditError, match="par operateur"):
        save(alice, record, 1, "alice")
    assert stored_tokens(1744)["company"] is None
    assert Company.get_by_id(1744).lock_version == record.versions["company"]
    assert audit_count(1744) == 0


def test_conversion_then_edit_refuses_the_edit_clearly(scopes):
    alice, bob = scopes["revendeur"], scopes["operateur"]
    form = load_prospect(alice, 1744)
    number = convert_to_client(
        bob, 1744, expected_version=load_prospect(bob, 1744).versions["company"]
    )
    for step in (1, 2, 3):
        with pytest.raises(AlreadyConverted) as exc:
            save(alice, form, step, "alice")
        assert isinstance(exc.value, ConcurrentEditError)
        message = exc.value.message
        assert "transformé en client" in message and number in message
        assert re.search(rf"par operateur {WHEN}", message), message
    company = Company.get_by_id(1744)
    assert (company.kind, company.client_number) == (CompanyKind.CLIENT, number)
    assert stored_tokens(1744) == {"company": None, "site": None, "billing": None, "admin": None}


def test_edit_then_conversion_refuses_the_conversion(scopes):
    alice, bob = scopes["revendeur"], scopes["operateur"]
    form, details = load_prospect(alice, 1744), load_prospect(bob, 1744)
    save(alice, form, 3, "alice")
    with pytest.raises(ConcurrentEditError, match="par revendeur"):
        convert_to_client(bob, 1744, expected_version=details.versions["company"])
    company = Company.get_by_id(1744)
    assert (company.kind, company.client_number, company.converted_at) == (
        CompanyKind.PROSPECT,
        None,
        None,
    )
    assert audit_count(1744, "converted_to_client") == 0
    # Bob looks again at what Alice saved, then converts.
    reloaded = load_prospect(bob, 1744)
    assert convert_to_client(bob, 1744, expected_version=reloaded.versions["company"])


def test_conversion_against_conversion_one_winner(scopes):
    alice, bob = scopes["revendeur"], scopes["operateur"]
    mine, theirs = load_prospect(alice, 1744), load_prospect(bob, 1744)
    before = Sequence.get(Sequence.name == "client_number").value
    number = convert_to_client(alice, 1744, expected_version=mine.versions["company"])
    with pytest.raises(ConversionRefused, match="déjà client") as exc:
        convert_to_client(bob, 1744, expected_version=theirs.versions["company"])
    assert number in exc.value.message
    assert Company.get_by_id(1744).client_number == number
    assert Company.get_by_id(1744).converted_by == "revendeur"
    assert audit_count(1744, "converted_to_client") == 1
    assert Sequence.get(Sequence.name == "client_number").value == before + 1


# --- two OS processes on one SQLite file ------------------------------------------------------


@pytest.fixture
def race_db(tmp_path, demo_template):
    """A private SQLite copy of the demo store with 25 fresh, complete prospects of 'revendeur'."""
    path = tmp_path / "race.db"
    shutil.copyfile(demo_template, path)
    open_database(path)
    ids = make_ready_prospects(25, random.Random(7), reseller_id=2, operator_id=1)
    close_database()
    yield path, ids
    close_database()


def _reopen(path):
    open_database(path)
    result = database_proxy.obj.execute_sql("PRAGMA integrity_check").fetchone()[0]
    assert result == "ok"


@pytest.mark.slow
def test_two_processes_racing_the_same_conversions(race_db):
    path, ids = race_db
    results = run_race(path, ids, [("revendeur", "convert"), ("operateur", "convert")])
    a, b = results["revendeur:convert"], results["operateur:convert"]
    assert [r[0] for r in a] == ids and [r[0] for r in b] == ids
    _reopen(path)
    for (cid, out_a, detail_a), (_, out_b, detail_b) in zip(a, b, strict=True):
        assert sorted((out_a, out_b)) == ["ok", "refused: conversion, déjà client"], (
            cid,
            detail_a,
            detail_b,
        )
        number = detail_a if out_a == "ok" else detail_b
        company = Company.get_by_id(cid)
        assert (company.kind, company.client_number) == (CompanyKind.CLIENT, number)
        assert company.converted_at is not None
        assert audit_count(cid, "converted_to_client") == 1
    numbers = [r[2] for r in a + b if r[1] == "ok"]
    assert len(numbers) == len(ids) == len(set(numbers))


@pytest.mark.slow
def test_two_processes_racing_conversion_against_edit(race_db):
    path, ids = race_db
    results = run_race(path, ids, [("revendeur", "edit"), ("operateur", "convert")])
    edits, conversions = results["revendeur:edit"], results["operateur:convert"]
    _reopen(path)
    for (cid, edit, edit_detail), (_, conv, conv_detail) in zip(edits, conversions, strict=True):
        company = Company.get_by_id(cid)
        admin_token = stored_tokens(cid)["admin"]
        if conv == "ok":  # the conversion went first: the edit was refused, nothing of it stored
            assert edit == "refused: already converted (edit)", (cid, edit_detail)
            assert (company.kind, company.client_number) == (CompanyKind.CLIENT, conv_detail)
            assert admin_token is None
        else:  # the edit went first: the conversion, made at the version loaded, was refused
            assert (edit, conv) == ("ok", "refused: version conflict"), (cid, conv_detail)
            assert (company.kind, company.client_number) == (CompanyKind.PROSPECT, None)
            assert admin_token == f"revendeur-{cid}"
            assert audit_count(cid, "converted_to_client") == 0
