"""Settings of the provincial system (portal for citizens and businesses, later the back office).

Every value a deployment may change is read from the environment through ``envconf``,
which refuses malformed values instead of silently falling back to a default.
"""

from __future__ import annotations

import os
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from urllib.parse import urlsplit

from envconf import ConfigError, cache_config, database_config, envbool, envdate, envint, envlist, envstr, envurl

BASE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = BASE_DIR.parent
VAR_DIR = Path(envstr("PROVINCE_VAR_DIR", str(REPO_DIR / "var" / "province")))


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _networks(name: str, default: list[str]) -> list[IPv4Network | IPv6Network]:
    try:
        return [ip_network(item, strict=False) for item in envlist(name, default)]
    except ValueError as exc:
        raise ConfigError(f"{name}: {exc}") from exc


APP_ENV = envstr("APP_ENV", "local")
if APP_ENV not in ("local", "test", "production"):
    raise ConfigError(f"APP_ENV={APP_ENV!r} must be one of local, test, production")

DEBUG = envbool("PROVINCE_DEBUG", False)
SECRET_KEY = envstr("PROVINCE_SECRET_KEY", "province-demo-secret-key-not-for-production-use-0123456789")
PORT = envint("PROVINCE_PORT", 8000, minimum=1, maximum=65535)
PUBLIC_URL = envurl("PROVINCE_PUBLIC_URL", f"http://127.0.0.1:{PORT}").rstrip("/")
ALLOWED_HOSTS = envlist("PROVINCE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
PROVINCE_NAME = envstr("PROVINCE_NAME", "HƯNG YÊN")
# The officers' back office (Một cửa, /motcua/): its login block on the portal's login page.
BACKOFFICE_ENABLED = envbool("PROVINCE_BACKOFFICE_ENABLED", True)

INSTALLED_APPS = [
    # the admin behind the officers' sign-in with a second factor (backoffice/admin_site.py)
    "province.backoffice.admin_apps.OfficerAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "province.accounts",
    "province.sso",
    "province.portal",
    "province.catalogue",
    "province.notify",
    "province.backoffice",
    "province.dossiers",
    "province.datastore",
    "province.stats",
    "captcha",
    "province.feedback",
    "province.news",
    "province.ops",
    # the integration API (province/api): ninja serves the docs UI from its own static
    # files when listed here (no CDN); django-oauth-toolkit issues client-credentials tokens
    "ninja",
    "oauth2_provider",
    "province.api",
]

MIDDLEWARE = [
    # first: the real client address, then the request id, log line and metrics of everything
    "province.ops.middleware.ClientAddressMiddleware",
    "province.ops.middleware.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "province.ops.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "province.ops.middleware.UserContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "province.portal.middleware.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "province.urls"
WSGI_APPLICATION = "province.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csrf",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "province.portal.context_processors.portal",
            ],
        },
    },
]

DATABASES = {"default": database_config("DATABASE_URL", VAR_DIR / "province.sqlite3")}
CACHES = {
    "default": cache_config("REDIS_URL"),
    # rendered template fragments that depend only on the language and the code (the
    # anonymous page header and footer): per process, no round trip, gone at a deploy
    "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "TIMEOUT": 3600},
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Person is the user model: see province/accounts/models.py for why.
AUTH_USER_MODEL = "accounts.Person"
LOGIN_URL = "portal:login"
# Nobody signs in with a password here: the national SSO authenticates (see sso/backends.py).
AUTHENTICATION_BACKENDS = ["province.sso.backends.NationalSsoBackend"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]

# Cookie names differ from the sandbox's: cookies are per host, not per port.
SESSION_COOKIE_NAME = "tthc_sessionid"
CSRF_COOKIE_NAME = "tthc_csrftoken"
LANGUAGE_COOKIE_NAME = "tthc_language"
SESSION_COOKIE_HTTPONLY = True
# Lax, not Strict: the SSO callback is a top-level GET coming back from the provider and
# must carry the session that holds the state, nonce and PKCE verifier.
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_ENGINE = "province.sso.sessions"  # the database store, fewer statements: see there
SESSION_IDLE_SECONDS = envint("SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_ABSOLUTE_SECONDS = envint("SESSION_ABSOLUTE_SECONDS", 8 * 3600, minimum=60)
SESSION_WARNING_SECONDS = 120
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- National SSO (OpenID Connect provider upstream) -------------------------------
# Where "Đăng ký" sends people: accounts are created at the national portal (or VNeID),
# never here. Unset: the link is not shown.
NATIONAL_REGISTRATION_URL = envurl("NATIONAL_REGISTRATION_URL", "")
NATIONAL_SSO = {
    "ISSUER": envurl("NATIONAL_SSO_ISSUER", "http://127.0.0.1:8001/oauth2").rstrip("/"),
    "CLIENT_ID": envstr("NATIONAL_SSO_CLIENT_ID", "province-portal"),
    "CLIENT_SECRET": envstr(
        "NATIONAL_SSO_CLIENT_SECRET",
        "province-portal-demo-secret" if APP_ENV != "production" else None,
        required=APP_ENV == "production",
    ),
    "SCOPES": envstr("NATIONAL_SSO_SCOPES", "openid profile dinhdanh phone email address doanhnghiep"),
    # "field=WireName,…" overrides of province/sso/claims.py DEFAULT_CLAIM_NAMES
    "CLAIMS": envstr("NATIONAL_SSO_CLAIMS", ""),
    "TIMEOUT_SECONDS": envint("NATIONAL_SSO_TIMEOUT_SECONDS", 10, minimum=1, maximum=120),
    "METADATA_CACHE_SECONDS": envint("NATIONAL_SSO_METADATA_CACHE_SECONDS", 3600, minimum=0),
    # Read userinfo even when the ID token already names the person (province/sso/claims.py
    # ``names_the_person``), for a provider that puts only part of the profile in the token.
    "ALWAYS_USERINFO": envbool("NATIONAL_SSO_ALWAYS_USERINFO", False),
    "LEEWAY_SECONDS": 60,
    "REDIRECT_URI": f"{PUBLIC_URL}/sso/callback/",
    "POST_LOGOUT_REDIRECT_URI": f"{PUBLIC_URL}/",
}
# Failed sign-ins (forged, replayed or refused callbacks) per client address per 15
# minutes; past it, sign-ins from that address are refused until the window ends.
SSO_FAILURE_RATE = envint("PROVINCE_SSO_FAILURE_RATE", 30, minimum=1)
# From this day on (YYYY-MM-DD, Asia/Ho_Chi_Minh), only VNeID sign-ins are accepted:
# a national-portal account is refused with the seed-004 notice. Unset: both accepted.
VNEID_ONLY_FROM = envdate("VNEID_ONLY_FROM")
# How recent a sign-in must be for sensitive account changes ("Xóa liên kết").
FRESH_AUTH_SECONDS = envint("PROVINCE_FRESH_AUTH_SECONDS", 300, minimum=30, maximum=3600)

# --- Population registry (CSDL quốc gia về Dân cư), see province/registry ----------
POPULATION_REGISTRY = {
    "BACKEND": envstr("PROVINCE_POPULATION_BACKEND", "province.registry.backends.HttpRegistry"),
    "URL": envurl("PROVINCE_POPULATION_API_URL", "http://127.0.0.1:8001/population/api/v1").rstrip("/"),
    "TOKEN": envstr(
        "PROVINCE_POPULATION_API_TOKEN",
        "demo-population-token" if APP_ENV != "production" else None,
        required=APP_ENV == "production",
    ),
    "TIMEOUT_SECONDS": envint("PROVINCE_POPULATION_API_TIMEOUT_SECONDS", 5, minimum=1, maximum=60),
}

# --- Notifications and the officers' back office ------------------------------------
# SMS backend (like EMAIL_BACKEND): ConsoleBackend, LocmemBackend (tests) or
# HttpGatewayBackend (POST {"to","body","sender"} with a bearer token; the sandbox's
# gateway in demo mode).
PROVINCE_SMS_BACKEND = envstr("PROVINCE_SMS_BACKEND", "province.notify.sms.HttpGatewayBackend")
PROVINCE_SMS_GATEWAY_URL = envurl(
    "PROVINCE_SMS_GATEWAY_URL",
    "http://127.0.0.1:8001/dev/sms/api/send" if APP_ENV != "production" else None,
)
PROVINCE_SMS_GATEWAY_TOKEN = envstr(
    "PROVINCE_SMS_GATEWAY_TOKEN",
    "demo-sms-token" if APP_ENV != "production" else None,
    required=APP_ENV == "production" and PROVINCE_SMS_BACKEND.endswith(".HttpGatewayBackend"),
)
PROVINCE_SMS_GATEWAY_TIMEOUT_SECONDS = envint("PROVINCE_SMS_GATEWAY_TIMEOUT_SECONDS", 5, minimum=1, maximum=60)
if APP_ENV == "production" and PROVINCE_SMS_BACKEND.endswith(".HttpGatewayBackend") and not PROVINCE_SMS_GATEWAY_URL:
    raise ConfigError("PROVINCE_SMS_GATEWAY_URL must be set")
if APP_ENV == "production" and PROVINCE_SMS_BACKEND.endswith((".ConsoleBackend", ".LocmemBackend")):
    raise ConfigError("PROVINCE_SMS_BACKEND: the console and locmem backends are not for production")
EMAIL_BACKEND = envstr("PROVINCE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = envstr("PROVINCE_DEFAULT_FROM_EMAIL", "motcua@localhost")
# Fernet key (urlsafe base64 of 32 bytes) for secrets kept in the database (the officers'
# e-receipt/e-invoice passwords). Generate: python -c "from cryptography.fernet import
# Fernet; print(Fernet.generate_key().decode())"
PROVINCE_FIELD_ENCRYPTION_KEY = envstr(
    "PROVINCE_FIELD_ENCRYPTION_KEY",
    "JAlWm4CcgJeXU0wLButsWEBPhsOAJl3zu7u4P4XX-hY=" if APP_ENV != "production" else None,
    required=APP_ENV == "production",
)
try:
    from cryptography.fernet import Fernet as _Fernet

    _Fernet(PROVINCE_FIELD_ENCRYPTION_KEY.encode())
except ValueError as _exc:
    raise ConfigError("PROVINCE_FIELD_ENCRYPTION_KEY is not a Fernet key (urlsafe base64 of 32 bytes)") from _exc
# Officers' uploaded images (avatars, signatures): private, never under STATIC_ROOT.
PROVINCE_PRIVATE_MEDIA_DIR = Path(envstr("PROVINCE_PRIVATE_MEDIA_DIR", str(VAR_DIR / "private")))
BACKOFFICE = {
    "OTP_SECONDS": envint("PROVINCE_OFFICER_OTP_SECONDS", 180, minimum=30),
    "OTP_MAX_FAILURES": 5,
    "OTP_RESEND_COOLDOWN_SECONDS": envint("PROVINCE_OFFICER_OTP_RESEND_COOLDOWN_SECONDS", 60, minimum=0),
    "OTP_RESEND_CAP": 5,
    "OTP_RESEND_WINDOW_SECONDS": 15 * 60,
    "LOCK_AFTER_FAILURES": 5,
    "LOCK_BASE_SECONDS": 60,
    "LOCK_MAX_SECONDS": 3600,
    # a VNeID sign-in with several accounts must pick one within this time
    "CHOOSER_SECONDS": 300,
}

# --- Dossiers (province/dossiers) ---------------------------------------------------
# A dossier received at or after this time (HH:MM, Asia/Ho_Chi_Minh) counts from the next
# working day; uploads larger than this are refused.
DOSSIER_CUTOFF = envstr("PROVINCE_DOSSIER_CUTOFF", "16:30")
_cutoff = DOSSIER_CUTOFF.split(":")
_cutoff_ok = len(_cutoff) == 2 and all(len(part) == 2 and part.isdigit() for part in _cutoff)
if not _cutoff_ok or _cutoff[0] > "23" or _cutoff[1] > "59":
    raise ConfigError(f"PROVINCE_DOSSIER_CUTOFF={DOSSIER_CUTOFF!r} must be HH:MM")
DOSSIER_MAX_UPLOAD_BYTES = envint("PROVINCE_DOSSIER_MAX_UPLOAD_MB", 10, minimum=1, maximum=100) * 1024 * 1024
# Public lookup ("Tra cứu hồ sơ"): attempts per client address per 15 minutes.
DOSSIER_LOOKUP_RATE = envint("PROVINCE_DOSSIER_LOOKUP_RATE", 20, minimum=1)
# /bench/hello/, Django's "hello world" next to the lookup in bench/lookups.py; off in use.
BENCH_HELLO = envbool("PROVINCE_BENCH_HELLO", False)
# Back-office workflow (province/dossiers/workflow.py): officers are warned this many
# working hours before a dossier's due date, in the app and, if on, by SMS / e-mail.
DOSSIER_WARN_HOURS = envint("PROVINCE_DOSSIER_WARN_HOURS", 8, minimum=1, maximum=400)
DOSSIER_WARN_SMS = envbool("PROVINCE_DOSSIER_WARN_SMS", True)
DOSSIER_WARN_EMAIL = envbool("PROVINCE_DOSSIER_WARN_EMAIL", True)
NOTIFICATION_MAX_ATTEMPTS = envint("PROVINCE_NOTIFICATION_MAX_ATTEMPTS", 8, minimum=1, maximum=50)

# --- Background jobs (province/celery.py) -------------------------------------------
# Inline on commit unless a broker is configured (DESIGN: "run inline, on commit");
# production sets CELERY_BROKER_URL (or REDIS_URL) and runs `celery -A province worker/beat`.
CELERY_BROKER_URL = envstr("CELERY_BROKER_URL", os.environ.get("REDIS_URL") or "memory://")
CELERY_TASK_ALWAYS_EAGER = envbool("CELERY_TASK_ALWAYS_EAGER", APP_ENV != "production")
if not CELERY_TASK_ALWAYS_EAGER and CELERY_BROKER_URL.startswith("memory://"):
    raise ConfigError("CELERY_BROKER_URL (or REDIS_URL) must be set when jobs go to workers")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
# Redis down: sending a job fails after two quick retries (the second catches a connection
# that died with a Redis restart) instead of a second of backoff per submission; the
# notification stays in the outbox table and beat's sweeper sends it when Redis is back
# (province/dossiers/notifications.py). A worker or beat waits for the broker on startup
# and reconnects by itself after an outage (Celery's defaults, stated here on purpose).
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.1, "interval_max": 0.2}
CELERY_BROKER_CONNECTION_RETRY = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2}
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULE = {
    "send-pending-notifications": {"task": "dossiers.send_pending_notifications", "schedule": 60.0},
    "warn-due-dossiers": {"task": "dossiers.warn_due_dossiers", "schedule": 15 * 60.0},
}

# --- Integration API (province/api, docs/api.md) -----------------------------------
# django-oauth-toolkit as the province's own OAuth2 server for API clients (client
# credentials only); a client's allowed scopes are on its ApiClient row.
# (named explicitly: the api app's migration depends on the swappable setting)
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER = {
    "SCOPES": {
        "dossiers:read": "Read the status of dossiers the client submitted",
        "dossiers:submit": "Submit dossiers",
        "dossiers:sync": "Read every dossier's status (national portal synchronisation)",
    },
    "DEFAULT_SCOPES": ["__all__"],
    "SCOPES_BACKEND_CLASS": "province.api.auth.ClientScopes",
    "OAUTH2_VALIDATOR_CLASS": "province.api.auth.ClientValidator",
    "ACCESS_TOKEN_EXPIRE_SECONDS": envint("PROVINCE_API_TOKEN_SECONDS", 1800, minimum=60, maximum=86400),
}
# Requests per minute per API client (a client row may set its own), per address for the
# anonymous endpoints, and token requests per address.
API_CLIENT_RATE_PER_MINUTE = envint("PROVINCE_API_CLIENT_RATE_PER_MINUTE", 120, minimum=1)
API_ANONYMOUS_RATE_PER_MINUTE = envint("PROVINCE_API_ANONYMOUS_RATE_PER_MINUTE", 120, minimum=1)
API_TOKEN_RATE_PER_MINUTE = envint("PROVINCE_API_TOKEN_RATE_PER_MINUTE", 30, minimum=1)
# The sync feed stays this far behind "now", so that a transaction still in flight when a
# page is read cannot commit a row behind the client's cursor.
API_SYNC_LAG_SECONDS = envint("PROVINCE_API_SYNC_LAG_SECONDS", 5, minimum=0, maximum=300)

# --- Operations (province/ops): probes, metrics, logs, headers ------------------------
OPS = {
    # /metrics answers a bearer token equal to this, or a client in the allow-list
    # (the real client address: behind nginx, X-Real-IP from a trusted proxy)
    "METRICS_TOKEN": envstr("PROVINCE_METRICS_TOKEN", ""),
    "METRICS_ALLOWED_NETWORKS": _networks("PROVINCE_METRICS_ALLOWED_IPS", ["127.0.0.1/32", "::1/128"]),
    # addresses of our own reverse proxies, whose X-Real-IP header gives the client address
    "TRUSTED_PROXIES": envlist("PROVINCE_TRUSTED_PROXIES", []),
}
# No inline script anywhere (tests/province/ops/test_templates.py keeps it so): script-src
# 'self' only. Style attributes are allowed (style-src-attr), <style> blocks are not. Forms
# post to ourselves; a POST may redirect to the national SSO (logout), which form-action
# must allow (Chrome applies it to redirects).
CONTENT_SECURITY_POLICY = envstr(
    "PROVINCE_CSP",
    "default-src 'self'; script-src 'self'; style-src 'self'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    f"frame-ancestors 'none'; form-action 'self' {_origin(str(NATIONAL_SSO['ISSUER']))}",
)
PERMISSIONS_POLICY = envstr(
    "PROVINCE_PERMISSIONS_POLICY",
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
)
# One JSON object per line in production ("json"), human lines for make run ("plain");
# both scrub personal numbers, codes and secrets (province/ops/logs.py).
LOG_FORMAT = envstr("PROVINCE_LOG_FORMAT", "json" if APP_ENV == "production" else "plain")
if LOG_FORMAT not in ("json", "plain"):
    raise ConfigError(f"PROVINCE_LOG_FORMAT={LOG_FORMAT!r} must be json or plain")

# --- Feedback (province/feedback): "Phản ánh kiến nghị" -----------------------------
# Anonymous senders verify their phone with an SMS code (the officer-code rules) and a captcha.
FEEDBACK = {
    "OTP_SECONDS": envint("PROVINCE_FEEDBACK_OTP_SECONDS", 180, minimum=30),
    "OTP_MAX_FAILURES": 5,
    "RESEND_COOLDOWN_SECONDS": envint("PROVINCE_FEEDBACK_OTP_RESEND_COOLDOWN_SECONDS", 60, minimum=0),
    "PHONE_CAP": 5,
    "PHONE_WINDOW_SECONDS": 15 * 60,
    # anonymous submissions (each sends an SMS) per client address per hour
    "ANONYMOUS_PER_HOUR": envint("PROVINCE_FEEDBACK_ANONYMOUS_PER_HOUR", 5, minimum=1),
    "PERSON_PER_HOUR": envint("PROVINCE_FEEDBACK_PERSON_PER_HOUR", 10, minimum=1),
}
CAPTCHA_TEST_MODE = envbool("PROVINCE_CAPTCHA_TEST_MODE", False)
if APP_ENV == "production" and CAPTCHA_TEST_MODE:
    raise ConfigError("PROVINCE_CAPTCHA_TEST_MODE must not be on in production")
CAPTCHA_LENGTH = 5
CAPTCHA_CHALLENGE_FUNCT = "captcha.helpers.random_char_challenge"
CAPTCHA_IMAGE_SIZE = (140, 44)
CAPTCHA_FONT_SIZE = 30

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request": {"()": "province.ops.logs.RequestContextFilter"}},
    "formatters": {
        "plain": {"()": "province.ops.logs.PlainFormatter"},
        "json": {"()": "province.ops.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("PROVINCE_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # our own request line replaces it (with the request id, without the query string)
        "django.server": {"level": "WARNING"},
    },
}
