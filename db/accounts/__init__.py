"""People and logins: passwords (argon2id), throttling, SSH-key logins, who acts as whom."""

from __future__ import annotations

from typing import TYPE_CHECKING

from db.core.facade import lazy_names

if TYPE_CHECKING:
    from db.accounts.auth import (
        LOGIN_FAILED,
        LoginPolicy,
        authenticate,
        check_password,
        check_password_policy,
        create_user,
        session_ended,
        set_disabled,
        set_password,
    )
    from db.accounts.key_login import key_login
    from db.accounts.users import (
        active_scope,
        clean_login_text,
        portal_of,
        scope_of_login,
        user_exists,
    )

# What the rest of the app may use, and the module each name comes from.
_WHERE = {
    "LOGIN_FAILED": "auth",
    "LoginPolicy": "auth",
    "active_scope": "users",
    "authenticate": "auth",
    "check_password": "auth",
    "check_password_policy": "auth",
    "clean_login_text": "users",
    "create_user": "auth",
    "key_login": "key_login",
    "portal_of": "users",
    "scope_of_login": "users",
    "session_ended": "auth",
    "set_disabled": "auth",
    "set_password": "auth",
    "user_exists": "users",
}
__all__ = [
    "LOGIN_FAILED",
    "LoginPolicy",
    "active_scope",
    "authenticate",
    "check_password",
    "check_password_policy",
    "clean_login_text",
    "create_user",
    "key_login",
    "portal_of",
    "scope_of_login",
    "session_ended",
    "set_disabled",
    "set_password",
    "user_exists",
]
__getattr__ = lazy_names(__name__, _WHERE)
