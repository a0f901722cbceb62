"""Passwords (argon2id), login with lock-out after repeated failures, and user administration."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from db import audit
from db.database import atomic
from db.errors import DomainError
from db.models import Company, CompanyKind, User, now
from db.scope import Scope

_hasher = PasswordHasher()

LOGIN_FAILED = "Identifiants incorrects ou compte indisponible."
# A real hash to verify against when the login is unknown, so timing does not tell it apart.
_DUMMY_HASH = _hasher.hash("myopenip-dummy-password")


@dataclass(frozen=True)
class LoginPolicy:
    max_attempts: int = 5
    lock_minutes: int = 15


def hash_password(password: str) -> str:
    if len(password) < 4:
        raise DomainError("Le mot de passe doit compter au moins 4 caractères.")
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(
    login: str, password: str, portal: str, policy: LoginPolicy = LoginPolicy()
) -> Scope:
    """The user's Scope, or DomainError(LOGIN_FAILED) whatever went wrong (one generic message)."""
    login = (login or "").strip()
    user = User.get_or_none(User.login == login)
    if user is None:
        verify_password(_DUMMY_HASH, password)
        audit.record(None, "login_failed", "user", None, login=login[:64], reason="inconnu")
        raise DomainError(LOGIN_FAILED)
    moment = now()
    locked = user.locked_until is not None and user.locked_until > moment
    ok = (
        not locked
        and not user.disabled
        and verify_password(user.password_hash, password)
        and user.portal == portal
    )
    with atomic():
        if not ok:
            attempts = 0 if locked else user.failed_attempts + 1
            values = {User.failed_attempts: User.failed_attempts + (0 if locked else 1)}
            if not locked and attempts >= policy.max_attempts:
                values = {
                    User.failed_attempts: 0,
                    User.locked_until: moment + dt.timedelta(minutes=policy.lock_minutes),
                }
            User.update(values).where(User.id == user.id).execute()
            reason = "verrouillé" if locked else ("désactivé" if user.disabled else "refusé")
            audit.record(None, "login_failed", "user", user.id, login=login, reason=reason)
        else:
            User.update(
                {User.failed_attempts: 0, User.locked_until: None, User.last_login_at: moment}
            ).where(User.id == user.id).execute()
            scope = Scope.for_user(user)
            audit.record(scope, "login", "user", user.id)
    if not ok:
        raise DomainError(LOGIN_FAILED)
    return scope


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
    with atomic():
        if User.get_or_none(User.login == login):
            raise DomainError(f"Le login « {login} » existe déjà.")
        user = User.create(
            login=login,
            password_hash=hash_password(password),
            portal=portal,
            company=company,
            display_name=display_name or login,
        )
        audit.record(None, "user_created", "user", user.id, login=login, portal=portal)
    return user


def set_password(login: str, password: str) -> None:
    with atomic():
        count = (
            User.update(
                {
                    User.password_hash: hash_password(password),
                    User.failed_attempts: 0,
                    User.locked_until: None,
                    User.lock_version: User.lock_version + 1,
                }
            )
            .where(User.login == login)
            .execute()
        )
        if not count:
            raise DomainError(f"Login « {login} » inconnu.")
        audit.record(None, "password_set", "user", None, login=login)


def set_disabled(login: str, disabled: bool = True) -> None:
    with atomic():
        count = User.update({User.disabled: disabled}).where(User.login == login).execute()
        if not count:
            raise DomainError(f"Login « {login} » inconnu.")
        audit.record(
            None, "user_disabled" if disabled else "user_enabled", "user", None, login=login
        )


def check_password(scope: Scope, password: str) -> bool:
    """Re-authenticate the logged-in user (idle lock screen)."""
    user = User.get_or_none(User.id == scope.user_id)
    return bool(user and not user.disabled and verify_password(user.password_hash, password))
