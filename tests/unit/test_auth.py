"""Login safety: argon2 hashes, no plain text anywhere, lock-out, one generic message, audit."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from peewee import CharField, TextField

import db.auth as auth
from db.auth import (
    LOGIN_FAILED,
    LoginPolicy,
    authenticate,
    check_password,
    create_user,
    set_disabled,
    set_password,
)
from db.database import database_proxy, is_sqlite
from db.errors import DomainError
from db.models import ALL_MODELS, AuditLog, User
from db.seed import DEMO_PASSWORD

RESELLER = User.PORTAL_RESELLER
OPERATOR = User.PORTAL_OPERATOR


def refused(login, password, portal=RESELLER, policy=None):
    """Assert the login is refused with the one generic message."""
    with pytest.raises(DomainError) as exc:
        authenticate(login, password, portal, policy)
    assert exc.value.message == LOGIN_FAILED
    return exc.value


def user(login) -> User:
    return User.get(User.login == login)


def audit_rows(action, **where):
    query = AuditLog.select().where(AuditLog.action == action)
    for name, value in where.items():
        query = query.where(getattr(AuditLog, name) == value)
    return list(query.order_by(AuditLog.id))


@pytest.fixture
def clock(monkeypatch):
    """Move db.auth's clock on: clock(minutes=16)."""
    start = auth.now()
    state = {"now": start}
    monkeypatch.setattr(auth, "now", lambda: state["now"])

    def move(**delta):
        state["now"] = start + dt.timedelta(**delta)
        return state["now"]

    return move


# --- hashes and plain text -------------------------------------------------------------------


def test_hashes_are_argon2id(demo_db):
    create_user("nouveau", "Mot2Passe-Solide", RESELLER, 2)
    set_password("revendeur", "Autre-Secret-42")
    for login in ("nouveau", "revendeur", "operateur"):
        assert user(login).password_hash.startswith("$argon2id$")
    assert authenticate("nouveau", "Mot2Passe-Solide", RESELLER).login == "nouveau"


def test_unknown_login_costs_one_real_verification():
    """The dummy hash checked for unknown logins has the hasher's own cost, so timing is equal."""
    from argon2 import extract_parameters

    dummy = extract_parameters(auth._DUMMY_HASH)
    real = extract_parameters(auth._hasher.hash("x"))
    assert (dummy.type, dummy.time_cost, dummy.memory_cost, dummy.parallelism) == (
        real.type,
        real.time_cost,
        real.memory_cost,
        real.parallelism,
    )
    assert auth.verify_password(auth._DUMMY_HASH, "myopenip-dummy-password")


def _text_values():
    """Every value of every text column of every table (audit log included)."""
    for model in ALL_MODELS:
        columns = [f for f in model._meta.sorted_fields if isinstance(f, (CharField, TextField))]
        if not columns:
            continue
        for row in model.select(*columns).tuples():
            for column, value in zip(columns, row, strict=True):
                if value:
                    yield f"{model.__name__}.{column.name}", str(value)


def test_no_plain_text_password_anywhere(demo_db):
    first, second = "Premier-Secret-7781", "Second-Secret-9920"
    wrong = ["Mauvais-Essai-0001", "Mauvais-Essai-0002"]
    create_user("agent.x", first, RESELLER, 2, "Agent X")
    assert authenticate("agent.x", first, RESELLER).login == "agent.x"
    for password in wrong:
        refused("agent.x", password)
    refused("agent.x", first, OPERATOR)  # right password, wrong portal
    # Someone types the password in the login field: the unknown login must not be kept whole.
    refused(first, first)
    refused(f"  {second} ", "x")
    set_password("agent.x", second)
    scope = authenticate("agent.x", second, RESELLER)
    assert not check_password(scope, wrong[0])
    assert check_password(scope, second)
    set_disabled("agent.x")
    refused("agent.x", second)

    secrets = [first, second, *wrong]
    leaks = [(where, s) for where, value in _text_values() for s in secrets if s in value]
    assert leaks == []
    assert len(audit_rows("login_failed")) >= 6
    if is_sqlite():  # the files themselves, WAL included
        database_proxy.obj.close()
        path = Path(demo_db)
        for file in (path, path.with_name(path.name + "-wal")):
            if file.exists():
                raw = file.read_bytes()
                assert not [s for s in secrets if s.encode() in raw], file


# --- lock-out ---------------------------------------------------------------------------------


def test_five_failures_lock_for_fifteen_minutes_with_the_same_message(demo_db, clock):
    for _ in range(4):
        refused("revendeur", "faux")
    assert user("revendeur").failed_attempts == 4
    assert user("revendeur").locked_until is None
    refused("revendeur", "faux")
    locked = user("revendeur")
    assert locked.locked_until == clock() + dt.timedelta(minutes=15)
    assert len(audit_rows("login_locked", entity_id=locked.id)) == 1
    # The right password is refused while locked, with exactly the same message.
    refused("revendeur", DEMO_PASSWORD)
    clock(minutes=14, seconds=59)
    refused("revendeur", DEMO_PASSWORD)
    # Attempts while locked neither count nor extend the lock.
    assert user("revendeur").locked_until == locked.locked_until
    assert user("revendeur").failed_attempts == 0
    clock(minutes=15, seconds=1)
    assert authenticate("revendeur", DEMO_PASSWORD, RESELLER).login == "revendeur"
    assert user("revendeur").locked_until is None
    reasons = [r.details for r in audit_rows("login_failed", entity_id=locked.id)]
    assert sum("verrouillé" in d for d in reasons) == 2


def test_policy_is_configurable(demo_db, clock):
    policy = LoginPolicy(max_attempts=2, lock_minutes=3)
    refused("revendeur", "faux", policy=policy)
    refused("revendeur", "faux", policy=policy)
    refused("revendeur", DEMO_PASSWORD, policy=policy)
    assert user("revendeur").locked_until == clock() + dt.timedelta(minutes=3)
    clock(minutes=3, seconds=1)
    assert authenticate("revendeur", DEMO_PASSWORD, RESELLER, policy).login == "revendeur"


def test_success_resets_the_counter(demo_db):
    for _ in range(4):
        refused("revendeur", "faux")
    authenticate("revendeur", DEMO_PASSWORD, RESELLER)
    assert user("revendeur").failed_attempts == 0
    for _ in range(4):
        refused("revendeur", "faux")
    assert user("revendeur").locked_until is None
    assert authenticate("revendeur", DEMO_PASSWORD, RESELLER).login == "revendeur"


def test_lock_is_per_login(demo_db):
    for _ in range(5):
        refused("revendeur", "faux")
    refused("revendeur", DEMO_PASSWORD)
    assert authenticate("revendeur2", DEMO_PASSWORD, RESELLER).login == "revendeur2"


def test_concurrent_failures_are_counted_exactly(demo_db):
    """Eight simultaneous wrong attempts: the fifth locks, the last three meet the lock."""
    barrier = threading.Barrier(8)
    outcomes = []

    def attempt():
        barrier.wait()
        try:
            authenticate("revendeur", "faux", RESELLER)
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(exc.message)
        finally:
            database_proxy.obj.close()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes == [LOGIN_FAILED] * 8
    uid = user("revendeur").id
    assert user("revendeur").locked_until is not None
    assert len(audit_rows("login_locked", entity_id=uid)) == 1
    details = [r.details for r in audit_rows("login_failed", entity_id=uid)]
    assert len(details) == 8 and sum("verrouillé" in d for d in details) == 3


# --- who may log in ---------------------------------------------------------------------------


def test_success_and_failures_are_audited(demo_db):
    scope = authenticate("revendeur", DEMO_PASSWORD, RESELLER)
    ok = audit_rows("login", entity_id=scope.user_id)
    assert len(ok) == 1 and ok[0].login == "revendeur" and ok[0].user_id == scope.user_id
    assert user("revendeur").last_login_at is not None
    refused("revendeur", "faux")
    failed = audit_rows("login_failed", entity_id=scope.user_id)
    assert len(failed) == 1 and failed[0].login == "revendeur"
    assert "mot de passe" in failed[0].details
    refused("personne", "faux")
    unknown = audit_rows("login_failed", entity_id=None)
    assert len(unknown) == 1 and "inconnu" in unknown[0].details


def test_reseller_cannot_log_in_through_operator_portal(demo_db):
    refused("revendeur", DEMO_PASSWORD, OPERATOR)
    refused("operateur", DEMO_PASSWORD, RESELLER)
    assert "portail" in audit_rows("login_failed")[0].details
    assert authenticate("operateur", DEMO_PASSWORD, OPERATOR).is_operator


def test_unknown_login_gets_the_same_message(demo_db):
    refused("inconnu", DEMO_PASSWORD)
    refused("", "")


def test_disabled_user_refused_and_enabled_again(demo_db):
    set_disabled("revendeur")
    refused("revendeur", DEMO_PASSWORD)
    assert user("revendeur").disabled
    assert len(audit_rows("user_disabled", entity_id=user("revendeur").id)) == 1
    set_disabled("revendeur", False)
    assert authenticate("revendeur", DEMO_PASSWORD, RESELLER).login == "revendeur"
    assert len(audit_rows("user_enabled")) == 1


def test_seeded_commercials_without_password_cannot_log_in(demo_db):
    refused("c.bernard", "!disabled")
    refused("c.bernard", "")


# --- administration ---------------------------------------------------------------------------


def test_set_password_replaces_it_lifts_the_lock_and_is_audited(demo_db):
    for _ in range(5):
        refused("revendeur", "faux")
    before = user("revendeur")
    set_password("revendeur", "Nouveau-Secret-1")
    after = user("revendeur")
    assert after.locked_until is None and after.failed_attempts == 0
    assert after.lock_version == before.lock_version + 1
    refused("revendeur", DEMO_PASSWORD)
    assert authenticate("revendeur", "Nouveau-Secret-1", RESELLER).login == "revendeur"
    rows = audit_rows("password_set", entity_id=after.id)
    assert len(rows) == 1 and "Nouveau" not in rows[0].details


def test_administration_refusals(demo_db):
    with pytest.raises(DomainError, match="inconnu"):
        set_password("personne", "Secret-123")
    with pytest.raises(DomainError, match="inconnu"):
        set_disabled("personne")
    with pytest.raises(DomainError, match="au moins"):
        set_password("revendeur", "abc")
    with pytest.raises(DomainError, match="existe déjà"):
        create_user("revendeur", "Secret-123", RESELLER, 2)
    with pytest.raises(DomainError, match="ambassadeur"):
        create_user("x", "Secret-123", RESELLER, 1)  # 1 is the operator
    with pytest.raises(DomainError, match="opérateur"):
        create_user("x", "Secret-123", OPERATOR, 2)
    with pytest.raises(DomainError, match="Portail"):
        create_user("x", "Secret-123", "admin", 2)
    assert not User.select().where(User.login == "x").exists()
    created = create_user("  y  ", "Secret-123", OPERATOR, 1, "Yves")
    assert created.login == "y" and audit_rows("user_created", entity_id=created.id)


# --- idle lock screen -------------------------------------------------------------------------


def test_check_password_counts_failures_and_honours_the_lock(demo_db, clock):
    scope = authenticate("revendeur", DEMO_PASSWORD, RESELLER)
    assert check_password(scope, DEMO_PASSWORD)
    assert audit_rows("session_unlocked", entity_id=scope.user_id)
    for _ in range(5):
        assert not check_password(scope, "faux")
    assert user("revendeur").locked_until is not None
    assert not check_password(scope, DEMO_PASSWORD)
    refused("revendeur", DEMO_PASSWORD)
    clock(minutes=16)
    assert check_password(scope, DEMO_PASSWORD)
    set_disabled("revendeur")
    assert not check_password(scope, DEMO_PASSWORD)


# --- the audit log and the logs never hold a password or a whole IBAN -------------------------

IBAN = "FR7630004000031234567890143"
MASKED_IBAN = "FR76 **** **** **** **** ***0 143"


def test_audit_masks_ibans_and_blanks_passwords_whoever_the_caller(demo_db):
    from db import audit

    audit.record(
        None,
        "test",
        "company",
        1744,
        iban=IBAN,
        note=f"ancien FR76 3000 4000 0312 3456 7890 143, nouveau {IBAN}",
        password="Secret-999",
        nested={"new_password": "Secret-999", "ibans": [IBAN]},
    )
    row = audit_rows("test")[0]
    assert IBAN not in row.details and "3000 4000 0312" not in row.details
    assert "Secret-999" not in row.details
    assert row.details.count(MASKED_IBAN) == 4
    # Not IBANs: left alone.
    assert audit.redact("CL0001001 DEV000095225/1 FR40303265045 AB12 MARTIN") == (
        "CL0001001 DEV000095225/1 FR40303265045 AB12 MARTIN"
    )


def test_logs_and_tracebacks_are_redacted(caplog):
    import logging

    from db.audit import RedactingFilter

    logger = logging.getLogger("myopenip.test-redaction")
    logger.addFilter(RedactingFilter())
    try:
        raise ValueError(f"IBAN refusé : {IBAN}")
    except ValueError:
        with caplog.at_level(logging.ERROR, logger=logger.name):
            logger.exception("Erreur sur %s", IBAN)
    text = caplog.text
    assert IBAN not in text and MASKED_IBAN in text and "ValueError" in text
