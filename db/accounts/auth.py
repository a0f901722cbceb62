"""Passwords (argon2id), logins slowed per (login, source) after failures, user administration.

Failures are counted per login *and* source (the SSH key, "local"): after a few in a row, each
new attempt from that same source waits a delay that doubles up to a ceiling. Nobody can lock
a person out from elsewhere: the right password from another source is never held up.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from db.core import audit
from db.core.database import atomic, is_sqlite
from db.core.errors import DomainError
from db.core.models import Company, CompanyKind, LoginThrottle, User, now
from db.core.scope import Scope

# argon2id with OWASP's lighter parameter set (m=19 MiB, t=2, p=1): the same resistance as
# argon2-cffi's default (m=64 MiB, t=3, p=4) by OWASP's table, at a third of the memory per
# login. A hash made with other parameters still verifies and is rehashed at its next login.
ARGON2_PARAMETERS = {"time_cost": 2, "memory_cost": 19 * 1024, "parallelism": 1}
_hasher = PasswordHasher(**ARGON2_PARAMETERS)

LOGIN_FAILED = "Identifiants incorrects ou compte indisponible."
# A real hash to verify against when the login is unknown, so timing does not tell it apart.
# Written out (hashing it at import would cost CPU at every start): its parameters must stay those of
# `_hasher`, which tests/unit/test_auth.py checks.
_DUMMY_HASH = (
    "$argon2id$v=19$m=19456,t=2,p=1$9R8eVmTJdbgeIKdAKXMW2w$"
    "SDxjCgL+DTWO9BcesGeImj9PN/fBvSjRLWfNA3/uqx8"
)


MIN_PASSWORD_LENGTH = 10
PASSWORD_TOO_SHORT = (
    f"Le mot de passe doit compter au moins {MIN_PASSWORD_LENGTH} caractères, pas seulement "
    "des espaces."
)
ACCOUNT_DISABLED = (
    "Votre compte a été désactivé : la session est fermée. Adressez-vous à votre administrateur."
)


@dataclass(frozen=True)
class LoginPolicy:
    """After `free_attempts` failures in a row from one source, each new attempt from it waits.

    The wait starts at `first_delay_seconds` and doubles with each further failure, up to
    `max_delay_seconds` (1, 2, 4 … 300 s by default).
    """

    free_attempts: int = 5
    first_delay_seconds: int = 1
    max_delay_seconds: int = 300

    @classmethod
    def from_settings(cls, settings) -> LoginPolicy:
        """The policy of the app's settings (`login_free_attempts`, `login_max_delay_seconds`)."""
        default = cls()
        return cls(
            free_attempts=getattr(settings, "login_free_attempts", default.free_attempts),
            max_delay_seconds=getattr(
                settings, "login_max_delay_seconds", default.max_delay_seconds
            ),
        )

    def delay(self, failures: int) -> int:
        """Seconds the next attempt waits after `failures` failures in a row (0: none)."""
        if failures < self.free_attempts:
            return 0
        extra = min(failures - self.free_attempts, 30)  # 2**30 s is past any ceiling
        return min(self.first_delay_seconds * 2**extra, self.max_delay_seconds)


DEFAULT_POLICY = LoginPolicy()
LOCAL_SOURCE = "local"


class LoginThrottled(DomainError):
    """Too many failures from this source: `retry_after` seconds before the next attempt."""

    def __init__(self, retry_after: int):
        super().__init__(
            f"Trop d'essais infructueux depuis ce poste : réessayez dans {wait_text(retry_after)}."
        )
        self.retry_after = retry_after


def wait_text(seconds: int) -> str:
    """7 -> '7 secondes', 1 -> '1 seconde', 128 -> '2 min 8 s', 300 -> '5 minutes'."""
    if seconds < 60:
        return f"{seconds} seconde{'s' if seconds > 1 else ''}"
    minutes, rest = divmod(seconds, 60)
    if rest:
        return f"{minutes} min {rest} s"
    return f"{minutes} minute{'s' if minutes > 1 else ''}"


@dataclass(frozen=True)
class _Actor:
    """Who an audit row is about when nobody is logged in yet (login attempts)."""

    user_id: int | None
    login: str


def check_password_policy(password: str) -> None:
    """DomainError(PASSWORD_TOO_SHORT) for a password shorter than 10 or made of blanks only."""
    if len(password) < MIN_PASSWORD_LENGTH or not password.strip():
        raise DomainError(PASSWORD_TOO_SHORT)


def hash_password(password: str, *, policy: bool = True) -> str:
    """The argon2id hash; `policy=False` only for the demo seed (its logins use `demo`)."""
    if policy:
        check_password_policy(password)
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _masked_login(login: str) -> str:
    """An unknown login as audited: people type their password in the login field by mistake."""
    return f"{login[:2]}… ({len(login)} car.)" if login else ""


def _digest(login: str) -> str:
    return hashlib.sha256(login.encode("utf-8", "surrogatepass")).hexdigest()


def _throttle(digest: str, source: str, *, lock: bool = False) -> LoginThrottle | None:
    query = LoginThrottle.select().where(
        (LoginThrottle.login_digest == digest) & (LoginThrottle.source == source)
    )
    return (query.for_update() if lock and not is_sqlite() else query).get_or_none()


def _wait(throttle: LoginThrottle | None, moment: dt.datetime) -> int:
    """Whole seconds still to wait before this (login, source) may try again (0: none)."""
    if throttle is None or throttle.blocked_until is None or throttle.blocked_until <= moment:
        return 0
    return max(1, math.ceil((throttle.blocked_until - moment).total_seconds()))


def _count_failure(digest: str, source: str, policy: LoginPolicy, moment: dt.datetime) -> int:
    """One more failure for (login, source); the delay it sets (0 while attempts are free)."""
    LoginThrottle.insert(
        login_digest=digest, source=source, failures=1, last_failure_at=moment
    ).on_conflict(
        conflict_target=[LoginThrottle.login_digest, LoginThrottle.source],
        update={
            LoginThrottle.failures: LoginThrottle.failures + 1,
            LoginThrottle.last_failure_at: moment,
        },
    ).execute()
    throttle = _throttle(digest, source)
    delay = policy.delay(throttle.failures)
    if delay:
        LoginThrottle.update(blocked_until=moment + dt.timedelta(seconds=delay)).where(
            LoginThrottle.id == throttle.id
        ).execute()
    return delay


def _attempt(
    login: str,
    password: str,
    portal: str | None,
    policy: LoginPolicy,
    source: str,
    *,
    success_action: str,
    context: str,
) -> User:
    """Check one password attempt for `login` from `source`, count it, audit it.

    The fresh user, or DomainError: LoginThrottled while this (login, source) must wait,
    LOGIN_FAILED whatever else went wrong. `portal` None: any portal (idle lock screen).
    """
    digest = _digest(login)
    source = (source or LOCAL_SOURCE)[:200]
    user = User.get_or_none(User.login == login) if login else None
    actor = _Actor(user.id if user else None, user.login if user else "")
    wait = _wait(_throttle(digest, source), now())
    if wait:  # refused before argon2: a source hammering a login costs no CPU
        _audit_failure(actor, user, login, "ralenti", context, source)
        raise LoginThrottled(wait)
    # argon2 is slow on purpose: verify before taking the write lock, and always verify (a
    # dummy hash for an unknown login), so the time taken tells no reason apart.
    verified_hash = user.password_hash if user else _DUMMY_HASH
    password_ok = verify_password(verified_hash, password)
    with atomic():
        # Re-read under the write lock so concurrent attempts are counted exactly and a change
        # made meanwhile (password, disabled) is honoured.
        # (PostgreSQL: FOR UPDATE; SQLite's BEGIN IMMEDIATE already holds the write lock.)
        moment = now()
        wait = _wait(_throttle(digest, source, lock=True), moment)
        if wait:  # a concurrent attempt from this source set the delay meanwhile
            _audit_failure(actor, user, login, "ralenti", context, source)
            raise LoginThrottled(wait)
        if user is not None:
            query = User.select().where(User.id == user.id)
            user = (query if is_sqlite() else query.for_update()).get_or_none()
        reason = None
        if user is None:
            reason = "inconnu"
        elif user.disabled:
            reason = "désactivé"
        elif not password_ok or user.password_hash != verified_hash:
            reason = "mot de passe"
        elif portal is not None and user.portal != portal:
            reason = "portail"
        if reason is None:
            LoginThrottle.delete().where(
                (LoginThrottle.login_digest == digest) & (LoginThrottle.source == source)
            ).execute()
            values = {}
            if success_action == "login":
                values[User.last_login_at] = moment
            if _hasher.check_needs_rehash(user.password_hash):
                values[User.password_hash] = _hasher.hash(password)
            if values:
                User.update(values).where(User.id == user.id).execute()
            audit.record(actor, success_action, "user", user.id, portal=user.portal, via=source)
            return User.get_by_id(user.id)
        _audit_failure(actor, user, login, reason, context, source)
        delay = _count_failure(digest, source, policy, moment)
        if delay:
            audit.record(
                actor, "login_slowed", "user", actor.user_id, via=source, delay_seconds=delay
            )
    raise DomainError(LOGIN_FAILED)


def _audit_failure(actor, user, login: str, reason: str, context: str, source: str) -> None:
    if user is None:
        audit.record(
            None,
            "login_failed",
            "user",
            None,
            login=_masked_login(login),
            reason=reason,
            via=context,
            source=source,
        )
    else:
        audit.record(
            actor, "login_failed", "user", user.id, reason=reason, via=context, source=source
        )


def authenticate(
    login: str,
    password: str,
    portal: str,
    policy: LoginPolicy | None = None,
    *,
    source: str = LOCAL_SOURCE,
) -> Scope:
    """The user's Scope; LoginThrottled (how long to wait) or DomainError(LOGIN_FAILED).

    `source` is where the attempt comes from: "local", or over SSH "key:<fingerprint>".
    Failures slow down that (login, source) only; a success resets it.
    """
    login = (login or "").strip()
    user = _attempt(
        login,
        password,
        portal,
        policy or DEFAULT_POLICY,
        source,
        success_action="login",
        context="login",
    )
    return Scope.for_user(user)


def check_password(
    scope: Scope, password: str, policy: LoginPolicy | None = None, source: str = LOCAL_SOURCE
) -> bool:
    """Re-authenticate the logged-in user (idle lock screen).

    Failures count like the login screen's for the same (login, source), so a session left
    open cannot be used to guess the password; a disabled account is refused. False also
    while that source must wait (LoginThrottled).
    """
    try:
        _attempt(
            scope.login,
            password,
            None,
            policy or DEFAULT_POLICY,
            source,
            success_action="session_unlocked",
            context="verrouillage",
        )
    except DomainError:
        return False
    return True


def session_ended(user_id: int | None) -> str | None:
    """ACCOUNT_DISABLED when that user is disabled or gone, else None (one indexed read)."""
    if user_id is None:
        return None
    row = User.select(User.disabled).where(User.id == user_id).tuples().first()
    if row is None or row[0]:
        return ACCOUNT_DISABLED
    return None


def create_user(
    login: str, password: str, portal: str, company_id: int, display_name: str = ""
) -> User:
    login = login.strip()
    if not login:
        raise DomainError("Le login est obligatoire.")
    if portal not in (User.PORTAL_RESELLER, User.PORTAL_OPERATOR):
        raise DomainError("Portail inconnu : revendeur ou operateur.")
    company = Company.get_or_none(Company.id == company_id)
    expected = CompanyKind.OPERATOR if portal == User.PORTAL_OPERATOR else CompanyKind.RESELLER
    if company is None or company.kind != expected:
        label = "un opérateur" if expected == CompanyKind.OPERATOR else "un ambassadeur (revendeur)"
        raise DomainError(f"L'entreprise {company_id} n'est pas {label}.")
    password_hash = hash_password(password)  # slow: outside the write transaction
    with atomic():
        if User.get_or_none(User.login == login):
            raise DomainError(f"Le login « {login} » existe déjà.")
        user = User.create(
            login=login,
            password_hash=password_hash,
            portal=portal,
            company=company,
            display_name=display_name or login,
            updated_by="système",
        )
        audit.record(None, "user_created", "user", user.id, login=login, portal=portal)
    return user


def set_password(login: str, password: str) -> None:
    """Set a new password (administrator); it also lifts the delays of failed logins."""
    password_hash = hash_password(password)  # slow: outside the write transaction
    with atomic():
        user = User.get_or_none(User.login == login)
        if user is None:
            raise DomainError(f"Login « {login} » inconnu.")
        User.update(
            {
                User.password_hash: password_hash,
                User.failed_attempts: 0,
                User.locked_until: None,
                User.lock_version: User.lock_version + 1,
                User.updated_at: now(),
                User.updated_by: "système",
            }
        ).where(User.id == user.id).execute()
        LoginThrottle.delete().where(LoginThrottle.login_digest == _digest(login)).execute()
        audit.record(None, "password_set", "user", user.id, login=login)


def set_disabled(login: str, disabled: bool = True) -> None:
    """Disable (or enable again) a login: a disabled user can neither log in nor unlock."""
    with atomic():
        user = User.get_or_none(User.login == login)
        if user is None:
            raise DomainError(f"Login « {login} » inconnu.")
        User.update(
            {
                User.disabled: disabled,
                User.lock_version: User.lock_version + 1,
                User.updated_at: now(),
                User.updated_by: "système",
            }
        ).where(User.id == user.id).execute()
        audit.record(
            None, "user_disabled" if disabled else "user_enabled", "user", user.id, login=login
        )
