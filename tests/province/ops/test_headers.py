"""Security headers and cookie flags with the production settings, in a process of their own."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.test import Client

PRODUCTION_ENV = {
    "APP_ENV": "production",
    "DJANGO_SETTINGS_MODULE": "province.settings.production",
    "PROVINCE_SECRET_KEY": "k" * 60,
    "NATIONAL_SSO_CLIENT_SECRET": "client-secret-for-the-test",
    "NATIONAL_SSO_ISSUER": "https://xacthuc.example.vn/oauth2",
    "PROVINCE_POPULATION_API_TOKEN": "t",
    "PROVINCE_FIELD_ENCRYPTION_KEY": "JAlWm4CcgJeXU0wLButsWEBPhsOAJl3zu7u4P4XX-hY=",
    "PROVINCE_SMS_GATEWAY_URL": "https://sms.example.vn/api/send",
    "PROVINCE_SMS_GATEWAY_TOKEN": "t",
    "PROVINCE_PUBLIC_URL": "https://dichvucong.example.vn",
    "PROVINCE_ALLOWED_HOSTS": "dichvucong.example.vn",
    "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none",  # never reached by these pages
    "REDIS_URL": "redis://127.0.0.1:1/0",
}

PROBE = """
import json, django
django.setup()
from django.conf import settings as s
from django.test import Client
c = Client(HTTP_HOST="dichvucong.example.vn")
plain = c.get("/healthz/".rstrip("/") , secure=False)
page = c.get("/motcua/dang-nhap/", secure=True)
redirect = c.get("/thu-tuc/", secure=False)
print(json.dumps({
    "headers": dict(page.headers),
    "health_status": plain.status_code,
    "redirect": [redirect.status_code, redirect.get("Location", "")],
    "csrf_cookie": {k: page.cookies[s.CSRF_COOKIE_NAME][k] for k in ("secure", "httponly", "samesite")}
        if s.CSRF_COOKIE_NAME in page.cookies else None,
    "settings": [s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SECURE,
                 s.CSRF_COOKIE_HTTPONLY, s.CSRF_COOKIE_SAMESITE, s.LANGUAGE_COOKIE_SECURE, s.DEBUG, s.LOG_FORMAT],
}))
"""


@pytest.fixture(scope="module")
def production() -> dict:
    prefixes = ("PROVINCE_", "NATIONAL_SSO_", "APP_ENV", "DATABASE_URL", "REDIS_URL", "CELERY_", "DJANGO_SETTINGS")
    env = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)} | PRODUCTION_ENV
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def test_it_sends_the_security_headers(production):
    headers = production["headers"]
    csp = headers["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "form-action 'self' https://xacthuc.example.vn" in csp
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert "camera=()" in headers["Permissions-Policy"] and "geolocation=()" in headers["Permissions-Policy"]
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_it_redirects_http_to_https_but_not_the_probes(production):
    assert production["redirect"] == [301, "https://dichvucong.example.vn/thu-tuc/"]
    assert production["health_status"] == 200


def test_it_hardens_the_cookies(production):
    assert production["settings"] == [True, True, "Lax", True, True, "Lax", True, False, "json"]
    assert production["csrf_cookie"] == {"secure": True, "httponly": True, "samesite": "Lax"}


@pytest.mark.django_db
def test_the_local_mode_sends_the_same_policy(client: Client):
    # the browser tests run in local mode: a page with inline script fails there too
    headers = client.get("/healthz").headers
    assert "script-src 'self';" in headers["Content-Security-Policy"]
