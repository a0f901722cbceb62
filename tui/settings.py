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


@dataclass(frozen=True)
class Settings:
    database: str = field(default_factory=lambda: str(default_db_path()))
    low_bandwidth: bool = False
    idle_lock_minutes: float = 15  # 0: never lock; fractions allowed (tests)
    max_login_attempts: int = 5
    login_lock_minutes: int = 15
    inbox: str = field(default_factory=lambda: str(Path.home() / "myopenip-inbox"))
    page_size: int = 100
    log_file: str = field(default_factory=lambda: str(default_log_path()))


_ENV = {
    "database": ("MYOPENIP_DB", "DATABASE_URL"),
    "low_bandwidth": ("MYOPENIP_LOW_BANDWIDTH",),
    "idle_lock_minutes": ("MYOPENIP_IDLE_LOCK_MINUTES",),
    "max_login_attempts": ("MYOPENIP_MAX_LOGIN_ATTEMPTS",),
    "login_lock_minutes": ("MYOPENIP_LOGIN_LOCK_MINUTES",),
    "inbox": ("MYOPENIP_INBOX",),
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
    clean = {k: _coerce(types[k], v) for k, v in values.items() if k in types}
    return replace(settings, **clean)
