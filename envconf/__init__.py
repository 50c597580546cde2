"""Settings read from the environment, failing loudly on bad values.

A tiny library used by both Django projects (the provincial system and the national
sandbox). It is a dependency of each, like any third-party package; the two projects
never import each other. Modelled on healthchecks' ``envbool``/``envint`` helpers:
a value that is set but malformed stops the process with a message naming the variable,
instead of silently falling back to a default. Secrets may also come from
``<NAME>_FILE`` (a path whose content is the value), as container secrets usually do.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

__all__ = [
    "ConfigError",
    "cache_config",
    "database_config",
    "envbool",
    "envdate",
    "envint",
    "envlist",
    "envstr",
    "envurl",
]


class ConfigError(RuntimeError):
    """A configuration value is missing or malformed; the process must not start."""


def _raw(name: str) -> str | None:
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return os.environ.get(name)


def envstr(name: str, default: str | None = None, *, required: bool = False) -> str:
    value = _raw(name)
    if value is None or value == "":
        if required:
            raise ConfigError(f"{name} must be set")
        if default is None:
            return ""
        return default
    return value


def envbool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None or value == "":
        return default
    if value in ("True", "true", "1", "yes", "on"):
        return True
    if value in ("False", "false", "0", "no", "off"):
        return False
    raise ConfigError(f"{name}={value!r} is not a boolean (use true or false)")


def envint(name: str, default: int, *, minimum: int | None = None, maximum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value == "":
        result = default
    else:
        try:
            result = int(value)
        except ValueError as exc:
            raise ConfigError(f"{name}={value!r} is not a whole number") from exc
    if minimum is not None and result < minimum:
        raise ConfigError(f"{name}={result} is below the minimum {minimum}")
    if maximum is not None and result > maximum:
        raise ConfigError(f"{name}={result} is above the maximum {maximum}")
    return result


def envlist(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None or value == "":
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def envurl(name: str, default: str | None = None, *, schemes: tuple[str, ...] = ("http", "https")) -> str:
    value = envstr(name, default)
    if not value:
        return ""
    parsed = urlparse(value)
    if parsed.scheme not in schemes or not (parsed.netloc or parsed.path):
        raise ConfigError(f"{name}={value!r} is not a URL with scheme {'/'.join(schemes)}")
    return value


def envdate(name: str) -> date | None:
    value = _raw(name)
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise ConfigError(f"{name}={value!r} is not a date (use YYYY-MM-DD)") from exc


def database_config(name: str, sqlite_path: Path) -> dict[str, Any]:
    """Django's DATABASES["default"] from the URL in ``name``, SQLite at ``sqlite_path`` if unset.

    SQLite gets WAL (readers proceed while one writer commits), IMMEDIATE transactions (no
    "database is locked" upgrade deadlock between two writers) and one connection kept per
    thread (opening SQLite and running the PRAGMAs per request costs more than the requests).

    Connections are kept between requests (``CONN_MAX_AGE``) and checked before a request
    reuses one (``CONN_HEALTH_CHECKS``): after a database restart every kept connection is
    dead, and without the check each process's first request on each of them would fail.
    """
    import dj_database_url

    config: dict[str, Any] = dict(
        dj_database_url.parse(envstr(name, f"sqlite:///{sqlite_path}"), conn_max_age=60, conn_health_checks=True)
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
        config["CONN_MAX_AGE"] = None
        db_name = str(config["NAME"])
        if db_name and db_name != ":memory:":
            Path(db_name).parent.mkdir(parents=True, exist_ok=True)
    return config


# Redis answers in well under a millisecond: a second without a connection or an answer
# means it is down or cut off, and a request must not wait longer than that for it.
REDIS_CONNECT_TIMEOUT_SECONDS = 1.0
REDIS_SOCKET_TIMEOUT_SECONDS = 2.0


def cache_config(name: str) -> dict[str, Any]:
    """Django's CACHES["default"]: Redis at the URL in ``name``, else local memory.

    Redis gets short socket timeouts (redis-py waits forever by default), so that a Redis
    that is down or unreachable fails a cache call fast; callers that must survive that
    (rate limits: province/ops/ratelimit.py) catch the error.
    """
    url = envurl(name, "", schemes=("redis", "rediss", "unix"))
    if url:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "OPTIONS": {
                "socket_connect_timeout": REDIS_CONNECT_TIMEOUT_SECONDS,
                "socket_timeout": REDIS_SOCKET_TIMEOUT_SECONDS,
            },
        }
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
