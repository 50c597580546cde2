"""Settings of the provincial system (portal for citizens and businesses, later the back office).

Every value a deployment may change is read from the environment through ``envconf``,
which refuses malformed values instead of silently falling back to a default.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from envconf import ConfigError, envbool, envint, envlist, envstr, envurl

BASE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = BASE_DIR.parent
VAR_DIR = Path(envstr("PROVINCE_VAR_DIR", str(REPO_DIR / "var" / "province")))

APP_ENV = envstr("APP_ENV", "local")
if APP_ENV not in ("local", "test", "production"):
    raise ConfigError(f"APP_ENV={APP_ENV!r} must be one of local, test, production")

DEBUG = envbool("PROVINCE_DEBUG", False)
SECRET_KEY = envstr("PROVINCE_SECRET_KEY", "province-demo-secret-key-not-for-production-use-0123456789")
PORT = envint("PROVINCE_PORT", 8000, minimum=1, maximum=65535)
PUBLIC_URL = envurl("PROVINCE_PUBLIC_URL", f"http://127.0.0.1:{PORT}").rstrip("/")
ALLOWED_HOSTS = envlist("PROVINCE_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
PROVINCE_NAME = envstr("PROVINCE_NAME", "HƯNG YÊN")
# The officers' back office (Một cửa) is not built yet; its login block stays hidden.
BACKOFFICE_ENABLED = envbool("PROVINCE_BACKOFFICE_ENABLED", False)

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "province.accounts",
    "province.sso",
    "province.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
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

_default_db = f"sqlite:///{VAR_DIR / 'province.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(envstr("DATABASE_URL", _default_db), conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers proceed while one writer commits; IMMEDIATE avoids the
    # "database is locked" upgrade deadlock between two writers.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    _db_name = str(DATABASES["default"]["NAME"])
    if _db_name and _db_name != ":memory:":
        Path(_db_name).parent.mkdir(parents=True, exist_ok=True)

REDIS_URL = envurl("REDIS_URL", "", schemes=("redis", "rediss", "unix"))
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

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
SESSION_ENGINE = "django.contrib.sessions.backends.db"
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
    "LEEWAY_SECONDS": 60,
    "REDIRECT_URI": f"{PUBLIC_URL}/sso/callback/",
    "POST_LOGOUT_REDIRECT_URI": f"{PUBLIC_URL}/",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("PROVINCE_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
