"""Passwords (argon2id), login with lock-out after repeated failures, and user administration."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from db import audit
from db.database import atomic, is_sqlite
from db.errors import DomainError
from db.models import Company, CompanyKind, User, now
from db.scope import Scope

_hasher = PasswordHasher()

LOGIN_FAILED = "Identifiants incorrects ou compte indisponible."
# A real hash to verify against when the login is unknown, so timing does not tell it apart.
# Written out (hashing it at import cost ~0.4 s of CPU): its parameters must stay those of
# `_hasher`, which tests/unit/test_auth.py checks.
_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$VTRSRa3UcKh/A+Lwe7geEA$"
    "ICHmX+z3dqIehPoZg5IhlyQQdvw7GaVjgB+awX9b2G4"
)


@dataclass(frozen=True)
class LoginPolicy:
    """After `max_attempts` failures in a row a login is refused for `lock_minutes`."""

    max_attempts: int = 5
    lock_minutes: int = 15


DEFAULT_POLICY = LoginPolicy()


@dataclass(frozen=True)
class _Actor:
    """Who an audit row is about when nobody is logged in yet (login attempts)."""

    user_id: int | None
    login: str


def hash_password(password: str) -> str:
    if len(password) < 4:
        raise DomainError("Le mot de passe doit compter au moins 4 caractères.")
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _masked_login(login: str) -> str:
    """An unknown login as audited: people type their password in the login field by mistake."""
    return f"{login[:2]}… ({len(login)} car.)" if login else ""


def _attempt(
    user: User,
    password: str,
    portal: str,
    policy: LoginPolicy,
    *,
    success_action: str,
    context: str,
) -> User | None:
    """Check one password attempt against `user`, count it, audit it; the fresh user or None."""
    # argon2 is slow on purpose: verify before taking the write lock, and always verify, so the
    # time taken does not tell a locked or disabled account from a wrong password.
    verified_hash = user.password_hash
    password_ok = verify_password(verified_hash, password)
    with atomic():
        # Re-read under the write lock so concurrent attempts are counted exactly and a lock
        # (or a password change) made meanwhile is honoured.
        # (PostgreSQL: FOR UPDATE; SQLite's BEGIN IMMEDIATE already holds the write lock.)
        query = User.select().where(User.id == user.id)
        user = (query if is_sqlite() else query.for_update()).get_or_none()
        if user is None:
            return None
        moment = now()
        actor = _Actor(user.id, user.login)
        locked = user.locked_until is not None and user.locked_until > moment
        reason = None
        if locked:
            reason = "verrouillé"
        elif user.disabled:
            reason = "désactivé"
        elif not password_ok or user.password_hash != verified_hash:
            reason = "mot de passe"
        elif user.portal != portal:
            reason = "portail"
        if reason is None:
            values = {User.failed_attempts: 0, User.locked_until: None}
            if success_action == "login":
                values[User.last_login_at] = moment
            if _hasher.check_needs_rehash(user.password_hash):
                values[User.password_hash] = _hasher.hash(password)
            User.update(values).where(User.id == user.id).execute()
            audit.record(actor, success_action, "user", user.id, portal=portal)
            return User.get_by_id(user.id)
        audit.record(actor, "login_failed", "user", user.id, reason=reason, via=context)
        if not locked:  # attempts made while locked neither count nor extend the lock
            attempts = user.failed_attempts + 1
            if attempts >= policy.max_attempts:
                until = moment + dt.timedelta(minutes=policy.lock_minutes)
                User.update({User.failed_attempts: 0, User.locked_until: until}).where(
                    User.id == user.id
                ).execute()
                audit.record(actor, "login_locked", "user", user.id, attempts=attempts, until=until)
            else:
                User.update({User.failed_attempts: attempts}).where(User.id == user.id).execute()
        return None


def authenticate(
    login: str, password: str, portal: str, policy: LoginPolicy | None = None
) -> Scope:
    """The user's Scope, or DomainError(LOGIN_FAILED) whatever went wrong (one generic message)."""
    login = (login or "").strip()
    user = User.get_or_none(User.login == login)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        audit.record(
            None, "login_failed", "user", None, login=_masked_login(login), reason="inconnu"
        )
        raise DomainError(LOGIN_FAILED)
    user = _attempt(
        user, password, portal, policy or DEFAULT_POLICY, success_action="login", context="login"
    )
    if user is None:
        raise DomainError(LOGIN_FAILED)
    return Scope.for_user(user)


def check_password(scope: Scope, password: str, policy: LoginPolicy | None = None) -> bool:
    """Re-authenticate the logged-in user (idle lock screen).

    Failures count towards the same lock-out as the login screen, so a session left open
    cannot be used to guess the password; a locked or disabled account is refused.
    """
    user = User.get_or_none(User.id == scope.user_id)
    if user is None:
        return False
    return (
        _attempt(
            user,
            password,
            scope.portal,
            policy or DEFAULT_POLICY,
            success_action="session_unlocked",
            context="verrouillage",
        )
        is not None
    )


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
    """Set a new password (administrator); it also lifts a lock-out."""
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
