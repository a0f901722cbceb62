"""People by their login, for the commands and the SSH wrapper: who may act, and as whom."""

from __future__ import annotations

from db.core.errors import DomainError, FieldError
from db.core.models import User
from db.core.scope import Scope
from db.core.text import clean_for


def active_scope(login: str) -> Scope | None:
    """The Scope of an enabled account, or None (unknown or disabled: the caller says which)."""
    user = User.get_or_none(User.login == login)
    if user is None or user.disabled:
        return None
    return Scope.for_user(user)


def scope_of_login(login: str) -> Scope:
    """The Scope of an enabled account; DomainError in French otherwise."""
    scope = active_scope(login)
    if scope is None:
        raise DomainError(f"Utilisateur « {login} » inconnu ou désactivé.")
    return scope


def user_exists(login: str) -> bool:
    return User.select().where(User.login == login).exists()


def portal_of(login: str) -> str:
    """The portal of this login ('' for an unknown one)."""
    user = User.get_or_none(User.login == login)
    return user.portal if user is not None else ""


def clean_login_text(value: str, label: str) -> str:
    """A typed argument under the text rule of every input, as a login is stored."""
    try:
        return clean_for(User.login, value)
    except FieldError as exc:
        raise DomainError(f"{label} : {exc.message}") from None
