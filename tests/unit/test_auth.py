"""Login safety: argon2 hashes, no plain text anywhere, lock-out, one generic message, audit."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest
from peewee import CharField, TextField

import db.accounts.auth as auth
from db.accounts.auth import (
    LOGIN_FAILED,
    LoginPolicy,
    LoginThrottled,
    authenticate,
    check_password,
    create_user,
    set_disabled,
    set_password,
    wait_text,
)
from db.core.database import database_proxy, is_sqlite
from db.core.errors import DomainError
from db.core.models import ALL_MODELS, AuditLog, LoginThrottle, User
from db.demo.seed import DEMO_PASSWORD

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
    """Move db.accounts.auth's clock on: clock(minutes=16)."""
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


def test_hashes_use_owasps_lighter_parameters_and_old_ones_are_upgraded(demo_db):
    from argon2 import PasswordHasher, extract_parameters

    create_user("nouveau", "Mot2Passe-Solide", RESELLER, 2)
    made = extract_parameters(user("nouveau").password_hash)
    assert (made.memory_cost, made.time_cost, made.parallelism) == (19 * 1024, 2, 1)
    # A hash of the former parameters (argon2-cffi's default, 64 MiB, t=3, p=4) still opens
    # the account, and is replaced by one of today's at that login.
    old = PasswordHasher(time_cost=3, memory_cost=64 * 1024, parallelism=4).hash("Ancien-Secret-1")
    User.update(password_hash=old).where(User.login == "nouveau").execute()
    assert authenticate("nouveau", "Ancien-Secret-1", RESELLER).login == "nouveau"
    upgraded = user("nouveau").password_hash
    assert upgraded != old
    assert extract_parameters(upgraded).memory_cost == 19 * 1024
    assert authenticate("nouveau", "Ancien-Secret-1", RESELLER).login == "nouveau"


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


# --- failed logins slowed per (login, source) ------------------------------------------------

KEY_A = "key:SHA256:aaaa"
KEY_B = "key:SHA256:bbbb"


def slowed(login, password, source, portal=RESELLER) -> int:
    """Assert the attempt is refused with the wait message; the seconds to wait."""
    with pytest.raises(LoginThrottled) as exc:
        authenticate(login, password, portal, source=source)
    assert exc.value.message == (
        "Trop d'essais infructueux depuis ce poste : réessayez dans "
        f"{wait_text(exc.value.retry_after)}."
    )
    return exc.value.retry_after


def throttle(login, source) -> LoginThrottle | None:
    return LoginThrottle.get_or_none(
        (LoginThrottle.login_digest == auth._digest(login)) & (LoginThrottle.source == source)
    )


def test_after_five_failures_each_attempt_waits_a_doubling_delay(demo_db, clock):
    for _ in range(4):
        with pytest.raises(DomainError) as exc:
            authenticate("revendeur", "faux", RESELLER, source=KEY_A)
        assert exc.value.message == LOGIN_FAILED
    assert throttle("revendeur", KEY_A).blocked_until is None
    with pytest.raises(DomainError, match="Identifiants incorrects"):
        authenticate("revendeur", "faux", RESELLER, source=KEY_A)  # the 5th: 1 s from now on
    waits = [slowed("revendeur", DEMO_PASSWORD, KEY_A)]  # even the right password waits
    seconds = 0
    for _ in range(5):
        seconds += waits[-1]
        clock(seconds=seconds)
        with pytest.raises(DomainError, match="Identifiants incorrects"):
            authenticate("revendeur", "faux", RESELLER, source=KEY_A)
        waits.append(slowed("revendeur", "faux", KEY_A))
    assert waits == [1, 2, 4, 8, 16, 32]
    # Attempts while waiting neither count nor lengthen the wait.
    assert throttle("revendeur", KEY_A).failures == 10
    assert slowed("revendeur", "faux", KEY_A) == 32
    clock(seconds=seconds + 31)
    assert slowed("revendeur", DEMO_PASSWORD, KEY_A) == 1
    clock(seconds=seconds + 32)
    assert authenticate("revendeur", DEMO_PASSWORD, RESELLER, source=KEY_A).login == "revendeur"
    assert throttle("revendeur", KEY_A) is None  # a success resets that source
    uid = user("revendeur").id
    assert len(audit_rows("login_slowed", entity_id=uid)) == 6
    reasons = [r.details for r in audit_rows("login_failed", entity_id=uid)]
    assert sum('"ralenti"' in d for d in reasons) == 8 and all(KEY_A in d for d in reasons)


def test_the_delay_is_capped_and_configurable(demo_db, clock):
    policy = LoginPolicy(free_attempts=2, first_delay_seconds=1, max_delay_seconds=300)
    assert [policy.delay(n) for n in range(1, 13)] == [
        0,
        1,
        2,
        4,
        8,
        16,
        32,
        64,
        128,
        256,
        300,
        300,
    ]
    assert wait_text(300) == "5 minutes" and wait_text(128) == "2 min 8 s"
    assert wait_text(1) == "1 seconde" and wait_text(45) == "45 secondes"
    for _ in range(2):
        refused("revendeur", "faux", policy=policy)
    with pytest.raises(LoginThrottled) as exc:
        authenticate("revendeur", DEMO_PASSWORD, RESELLER, policy)
    assert exc.value.retry_after == 1

    class Settings:
        login_free_attempts = 3
        login_max_delay_seconds = 60

    assert LoginPolicy.from_settings(Settings()) == LoginPolicy(3, 1, 60)


def test_failures_from_key_a_never_hold_up_key_b_or_the_local_login(demo_db, clock):
    for _ in range(5):
        with pytest.raises(DomainError, match="Identifiants incorrects"):
            authenticate("operateur", "faux", OPERATOR, source=KEY_A)
    slowed("operateur", DEMO_PASSWORD, KEY_A, OPERATOR)
    assert authenticate("operateur", DEMO_PASSWORD, OPERATOR, source=KEY_B).is_operator
    assert authenticate("operateur", DEMO_PASSWORD, OPERATOR).is_operator  # source "local"
    slowed("operateur", DEMO_PASSWORD, KEY_A, OPERATOR)  # B's success does not reset A
    assert authenticate("revendeur2", DEMO_PASSWORD, RESELLER, source=KEY_A).login == "revendeur2"


def test_unknown_logins_are_slowed_like_known_ones(demo_db, clock):
    for _ in range(5):
        refused("personne", "faux")
    with pytest.raises(LoginThrottled):
        authenticate("personne", "faux", RESELLER)
    # The login typed is kept as a digest only (it may be a password typed in the wrong field).
    assert not LoginThrottle.select().where(LoginThrottle.login_digest.contains("personne"))


def test_concurrent_failures_are_counted_exactly(demo_db, clock):
    """Eight simultaneous wrong attempts from one source are each counted once."""
    barrier = threading.Barrier(8)
    outcomes = []

    def attempt():
        barrier.wait()
        try:
            authenticate("revendeur", "faux", RESELLER, source=KEY_A)
            outcomes.append("ok")
        except DomainError as exc:
            outcomes.append(type(exc).__name__)
        finally:
            database_proxy.obj.close()

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert "ok" not in outcomes and len(outcomes) == 8
    slowed_count = outcomes.count("LoginThrottled")
    assert throttle("revendeur", KEY_A).failures == 8 - slowed_count
    assert throttle("revendeur", KEY_A).failures >= 5
    assert throttle("revendeur", KEY_A).blocked_until is not None


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


def test_set_password_replaces_it_lifts_the_delays_and_is_audited(demo_db):
    for _ in range(5):
        refused("revendeur", "faux")
    before = user("revendeur")
    set_password("revendeur", "Nouveau-Secret-1")
    after = user("revendeur")
    assert throttle("revendeur", "local") is None
    assert after.lock_version == before.lock_version + 1
    refused("revendeur", DEMO_PASSWORD)
    assert authenticate("revendeur", "Nouveau-Secret-1", RESELLER).login == "revendeur"
    rows = audit_rows("password_set", entity_id=after.id)
    assert len(rows) == 1 and "Nouveau" not in rows[0].details


def test_passwords_have_ten_characters_not_all_blanks(demo_db):
    message = "Le mot de passe doit compter au moins 10 caractères, pas seulement des espaces."
    for weak in ("", "abc", "Secret-12", " " * 12, "\t" * 10):
        with pytest.raises(DomainError) as exc:
            set_password("revendeur", weak)
        assert exc.value.message == message
        with pytest.raises(DomainError) as exc:
            create_user("faible", weak, RESELLER, 2)
        assert exc.value.message == message
    assert not User.select().where(User.login == "faible").exists()
    assert authenticate("revendeur", DEMO_PASSWORD, RESELLER).login == "revendeur"  # unchanged
    set_password("revendeur", " dix  car. ")  # blanks inside count
    assert authenticate("revendeur", " dix  car. ", RESELLER).login == "revendeur"


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


def test_check_password_counts_failures_and_honours_the_delay(demo_db, clock):
    scope = authenticate("revendeur", DEMO_PASSWORD, RESELLER, source=KEY_A)
    assert check_password(scope, DEMO_PASSWORD, source=KEY_A)
    assert audit_rows("session_unlocked", entity_id=scope.user_id)
    for _ in range(5):
        assert not check_password(scope, "faux", source=KEY_A)
    assert not check_password(scope, DEMO_PASSWORD, source=KEY_A)  # must wait 1 s
    slowed("revendeur", DEMO_PASSWORD, KEY_A)
    clock(seconds=2)
    assert check_password(scope, DEMO_PASSWORD, source=KEY_A)
    set_disabled("revendeur")
    assert not check_password(scope, DEMO_PASSWORD, source=KEY_A)


# --- the audit log and the logs never hold a password or a whole IBAN -------------------------

IBAN = "FR7630004000031234567890143"
MASKED_IBAN = "FR76 **** **** **** **** ***0 143"


def test_audit_masks_ibans_and_blanks_passwords_whoever_the_caller(demo_db):
    from db.core import audit

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

    from db.core.audit import RedactingFilter

    logger = logging.getLogger("myopenip.test-redaction")
    logger.addFilter(RedactingFilter())
    try:
        raise ValueError(f"IBAN refusé : {IBAN}")
    except ValueError:
        with caplog.at_level(logging.ERROR, logger=logger.name):
            logger.exception("Erreur sur %s", IBAN)
    text = caplog.text
    assert IBAN not in text and MASKED_IBAN in text and "ValueError" in text
