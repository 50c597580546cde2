from __future__ import annotations

import os
import subprocess
import sys

import pytest

CODE = (
    "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = {module!r}; django.setup(); "
    "from django.conf import settings as s; print(repr({expr}))"
)


def run(module: str, expr: str, **env: str) -> subprocess.CompletedProcess[str]:
    prefixes = ("PROVINCE_", "NATIONAL_SSO_", "APP_ENV", "SESSION_", "DATABASE_URL", "REDIS_URL")
    clean = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    return subprocess.run(
        [sys.executable, "-c", CODE.format(module=module, expr=expr)],
        env={**clean, "PROVINCE_VAR_DIR": "/tmp/province-test-var", **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_it_refuses_production_without_secrets():
    result = run("province.settings.production", "s.DEBUG", APP_ENV="production")
    assert result.returncode != 0
    assert "must be set" in result.stderr


def test_it_hardens_cookies_in_production():
    result = run(
        "province.settings.production",
        "(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.DEBUG)",
        APP_ENV="production",
        PROVINCE_SECRET_KEY="x" * 50,
        NATIONAL_SSO_CLIENT_SECRET="s",
        PROVINCE_POPULATION_API_TOKEN="t",
        PROVINCE_FIELD_ENCRYPTION_KEY="JAlWm4CcgJeXU0wLButsWEBPhsOAJl3zu7u4P4XX-hY=",
        PROVINCE_SMS_GATEWAY_URL="https://sms.example.vn/api/send",
        PROVINCE_SMS_GATEWAY_TOKEN="t",
        DATABASE_URL="postgresql://province@db.example.vn/province",
        REDIS_URL="redis://cache.example.vn:6379/0",
        PROVINCE_PUBLIC_URL="https://dichvucong.example.vn",
        NATIONAL_SSO_ISSUER="https://xacthuc.example.vn/oauth2",
    )
    assert result.stdout.strip() == "(True, True, 31536000, False)", result.stderr


def test_it_uses_its_own_cookie_names():
    result = run(
        "province.settings.local",
        "(s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.LANGUAGE_COOKIE_NAME)",
    )
    assert result.stdout.strip() == "('tthc_sessionid', 'tthc_csrftoken', 'tthc_language')"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"PROVINCE_DEBUG": "maybe"}, "boolean"),
        ({"SESSION_IDLE_SECONDS": "ten"}, "whole number"),
        ({"APP_ENV": "staging"}, "APP_ENV"),
        ({"NATIONAL_SSO_ISSUER": "ftp://x"}, "NATIONAL_SSO_ISSUER"),
    ],
)
def test_it_fails_loudly_on_malformed_values(env, message):
    result = run("province.settings.local", "s.DEBUG", **env)
    assert result.returncode != 0 and message in result.stderr


def test_it_reads_the_sso_settings_from_the_environment():
    result = run(
        "province.settings.local",
        "(s.NATIONAL_SSO['REDIRECT_URI'], s.NATIONAL_SSO['ISSUER'])",
        PROVINCE_PUBLIC_URL="https://dichvucong.example.vn/",
        NATIONAL_SSO_ISSUER="https://xacthuc.example.vn/oauth2/",
    )
    expected = "('https://dichvucong.example.vn/sso/callback/', 'https://xacthuc.example.vn/oauth2')"
    assert result.stdout.strip() == expected, result.stderr


def test_it_refuses_production_without_a_population_registry_token():
    result = run(
        "province.settings.production",
        "s.POPULATION_REGISTRY",
        APP_ENV="production",
        PROVINCE_SECRET_KEY="x" * 50,
        NATIONAL_SSO_CLIENT_SECRET="s",
        DATABASE_URL="sqlite:///:memory:",
    )
    assert result.returncode != 0
    assert "PROVINCE_POPULATION_API_TOKEN must be set" in result.stderr


def test_it_refuses_a_malformed_vneid_only_date():
    result = run("province.settings.local", "s.VNEID_ONLY_FROM", VNEID_ONLY_FROM="01/07/2024")
    assert result.returncode != 0
    assert "VNEID_ONLY_FROM" in result.stderr


def test_it_refuses_a_malformed_field_encryption_key():
    result = run("province.settings.local", "s.DEBUG", PROVINCE_FIELD_ENCRYPTION_KEY="not-a-key")
    assert result.returncode != 0
    assert "PROVINCE_FIELD_ENCRYPTION_KEY" in result.stderr


def test_it_requires_the_field_encryption_key_in_production():
    result = run(
        "province.settings.production",
        "s.DEBUG",
        APP_ENV="production",
        PROVINCE_SECRET_KEY="x" * 50,
        NATIONAL_SSO_CLIENT_SECRET="s",
        PROVINCE_POPULATION_API_TOKEN="t",
        PROVINCE_SMS_GATEWAY_URL="https://sms.example.vn/api/send",
        PROVINCE_SMS_GATEWAY_TOKEN="t",
    )
    assert result.returncode != 0
    assert "PROVINCE_FIELD_ENCRYPTION_KEY must be set" in result.stderr
