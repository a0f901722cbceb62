"""Settings: a TOML file, then MYOPENIP_* environment variables, then defaults."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from platformdirs import user_config_dir, user_data_dir, user_log_dir

APP_NAME = "myopenip"


def default_db_path() -> Path:
    return Path(user_data_dir(APP_NAME)) / "myopenip.db"


def demo_db_path() -> Path:
    return Path(user_data_dir(APP_NAME)) / "demo.db"


def default_log_path() -> Path:
    return Path(user_log_dir(APP_NAME)) / "myopenip.log"


def default_files_dir() -> Path:
    """Where each person's inbox and outbox are made (`<here>/<login>/inbox`, db.files.folders)."""
    return Path(user_data_dir(APP_NAME)) / "files"


@dataclass(frozen=True)
class Settings:
    database: str = field(default_factory=lambda: str(default_db_path()))
    low_bandwidth: bool = False
    idle_lock_minutes: float = 15  # 0: never lock; fractions allowed (tests)
    # Failed logins per (login, source): these many are free, then each new attempt from that
    # source waits 1, 2, 4 … seconds, up to login_max_delay_seconds (db.accounts.auth.LoginPolicy).
    login_free_attempts: int = 5
    login_max_delay_seconds: int = 300
    files_dir: str = field(default_factory=lambda: str(default_files_dir()))
    # The SSH service (tui/key_commands.py, tui/ssh_session.py): the service account's
    # authorized_keys, the wrapper each key line runs, and whether the key alone logs in.
    authorized_keys: str = field(default_factory=lambda: str(Path.home() / ".ssh/authorized_keys"))
    ssh_wrapper: str = "/usr/local/bin/myopenip-ssh"
    ssh_key_only: bool = False
    log_dir: str = ""  # set (service): one log file per person, <log_dir>/<login>.log
    # The SSH session's person, set by tui/ssh_session.py only (never from a file or the
    # environment): the key's login, where it comes from ("key:SHA256:…", "unix:alice") and
    # that user's portal.
    ssh_login: str = ""
    ssh_key: str = ""
    ssh_portal: str = ""
    page_size: int = 100
    log_file: str = field(default_factory=lambda: str(default_log_path()))
    # config.toml's [touches] table: binding id = "key[,key]" (Textual's keymap), for example
    # "prospects.new" = "f2". `myopenip touches` lists the ids.
    keymap: dict[str, str] = field(default_factory=dict)


SESSION_ONLY = ("ssh_login", "ssh_key", "ssh_portal")  # never read from a file
_ENV = {
    "database": ("MYOPENIP_DB", "DATABASE_URL"),
    "low_bandwidth": ("MYOPENIP_LOW_BANDWIDTH",),
    "idle_lock_minutes": ("MYOPENIP_IDLE_LOCK_MINUTES",),
    "login_free_attempts": ("MYOPENIP_LOGIN_FREE_ATTEMPTS",),
    "login_max_delay_seconds": ("MYOPENIP_LOGIN_MAX_DELAY_SECONDS",),
    "files_dir": ("MYOPENIP_FILES_DIR",),
    "authorized_keys": ("MYOPENIP_AUTHORIZED_KEYS",),
    "ssh_wrapper": ("MYOPENIP_SSH_WRAPPER",),
    "ssh_key_only": ("MYOPENIP_SSH_KEY_ONLY",),
    "log_dir": ("MYOPENIP_LOG_DIR",),
    "page_size": ("MYOPENIP_PAGE_SIZE",),
    "log_file": ("MYOPENIP_LOG_FILE",),
}


def _coerce(kind, raw):
    if kind is bool or kind == "bool":
        return str(raw).strip().lower() in ("1", "true", "yes", "oui", "on")
    if kind is int or kind == "int":
        return int(raw)
    if kind is float or kind == "float":
        return float(raw)
    return str(raw)


class KeymapError(ValueError):
    """A [touches] entry that is not `"binding.id" = "key"`: said in French at start-up."""


def _keymap(table) -> dict[str, str]:
    if not isinstance(table, dict):
        raise KeymapError('[touches] doit être une table : « id.de.la.touche » = "touche".')
    keymap = {}
    for binding_id, keys in table.items():
        if not isinstance(keys, str) or not keys.strip():
            raise KeymapError(
                f"[touches] « {binding_id} » : indiquez la touche entre guillemets, "
                'par exemple "f2" ou "ctrl+t".'
            )
        keymap[str(binding_id)] = ",".join(k.strip() for k in keys.split(",") if k.strip())
    return keymap


def load_settings(config_file: Path | None = None, environ=os.environ) -> Settings:
    settings = Settings()
    path = config_file or Path(
        environ.get("MYOPENIP_CONFIG", Path(user_config_dir(APP_NAME)) / "config.toml")
    )
    values: dict = {}
    if path.is_file():
        with path.open("rb") as handle:
            values.update(tomllib.load(handle))
    types = {f.name: f.type for f in fields(Settings)}
    for name, keys in _ENV.items():
        for key in keys:
            if environ.get(key):
                values[name] = environ[key]
                break
    keymap = _keymap(values.pop("touches")) if "touches" in values else {}
    clean = {
        k: _coerce(types[k], v)
        for k, v in values.items()
        if k in types and k not in SESSION_ONLY and k != "keymap"
    }
    return replace(settings, keymap=keymap, **clean)
