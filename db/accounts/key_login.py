"""Logging in by the SSH key alone, where the configuration says the key is enough
(`ssh_key_only`): sshd has already checked the key, the login is the one its line names."""

from __future__ import annotations

from db.accounts.auth import LOGIN_FAILED
from db.core import audit
from db.core.errors import DomainError
from db.core.models import User
from db.core.scope import Scope


def key_login(login: str, source: str) -> Scope:
    """The user's Scope, audited as a login by key; DomainError(LOGIN_FAILED) if disabled."""
    user = User.get_or_none(User.login == login)
    if user is None or user.disabled:
        audit.record(None, "login_failed", "user", None, via="ssh-key", source=source)
        raise DomainError(LOGIN_FAILED)
    scope = Scope.for_user(user)
    audit.record(scope, "login", "user", user.id, via="ssh-key", source=source)
    return scope
