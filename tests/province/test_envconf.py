from __future__ import annotations

import pytest

from envconf import ConfigError, cache_config, database_config


def test_it_gives_sqlite_wal_and_a_kept_connection_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv("SOME_DATABASE_URL", raising=False)
    config = database_config("SOME_DATABASE_URL", tmp_path / "db" / "x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert "journal_mode=WAL" in config["OPTIONS"]["init_command"]
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert config["CONN_MAX_AGE"] is None
    assert (tmp_path / "db").is_dir()


def test_it_uses_the_url_when_set(tmp_path, monkeypatch):
    monkeypatch.setenv("SOME_DATABASE_URL", "postgresql://u@127.0.0.1:5432/tthc")
    config = database_config("SOME_DATABASE_URL", tmp_path / "x.sqlite3")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert config["NAME"] == "tthc" and config["CONN_MAX_AGE"] == 60
    # kept connections are checked before reuse: a database restart kills them all
    assert config["CONN_HEALTH_CHECKS"] is True
    assert "OPTIONS" not in config or "init_command" not in config["OPTIONS"]


def test_it_picks_redis_only_when_configured(monkeypatch):
    monkeypatch.delenv("SOME_REDIS_URL", raising=False)
    assert cache_config("SOME_REDIS_URL")["BACKEND"].endswith("LocMemCache")
    monkeypatch.setenv("SOME_REDIS_URL", "redis://127.0.0.1:6379/1")
    assert cache_config("SOME_REDIS_URL") == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
        "OPTIONS": {"socket_connect_timeout": 1.0, "socket_timeout": 2.0},
    }
    monkeypatch.setenv("SOME_REDIS_URL", "http://not-redis")
    with pytest.raises(ConfigError):
        cache_config("SOME_REDIS_URL")
