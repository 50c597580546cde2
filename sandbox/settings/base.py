"""Settings of the national sandbox (a demo stand-in for the national SSO and VNeID).

Every value a deployment may change is read from the environment through ``envconf``;
see README.md "Configuration" for the list.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TypedDict

from envconf import ConfigError, cache_config, database_config, envbool, envint, envlist, envstr, envurl
from sandbox.idp.keys import load_keys

BASE_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = BASE_DIR.parent
VAR_DIR = Path(envstr("SANDBOX_VAR_DIR", str(REPO_DIR / "var" / "sandbox")))

if envstr("APP_ENV", "local") == "production":
    # The sandbox simulates national systems with demo data and readable OTPs; it must
    # never run where real people sign in (open-forms refuses its mock IdP the same way).
    raise ConfigError("The national sandbox is a demo component and refuses to start with APP_ENV=production.")

DEBUG = envbool("SANDBOX_DEBUG", False)
SECRET_KEY = envstr("SANDBOX_SECRET_KEY", "sandbox-demo-secret-key-not-for-production-use-0123456789")
PORT = envint("SANDBOX_PORT", 8001, minimum=1, maximum=65535)
HOST = envstr("SANDBOX_HOST", "127.0.0.1")
PUBLIC_URL = envurl("SANDBOX_PUBLIC_URL", f"http://{HOST}:{PORT}").rstrip("/")
ALLOWED_HOSTS = envlist("SANDBOX_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "captcha",
    "oauth2_provider",
    "sandbox.population",
    "sandbox.sms",
    "sandbox.idp",
    "sandbox.vneid_app",
    "sandbox.national_accounts",
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
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "sandbox.urls"
WSGI_APPLICATION = "sandbox.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {"default": database_config("SANDBOX_DATABASE_URL", VAR_DIR / "sandbox.sqlite3")}
CACHES = {"default": cache_config("SANDBOX_REDIS_URL")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "idp.Account"
LOGIN_URL = "idp:login"

# Argon2id with explicitly chosen parameters: see sandbox/idp/hashers.py for why.
PASSWORD_HASHERS = ["sandbox.idp.hashers.VneidArgon2Hasher", "sandbox.idp.hashers.ClientSecretHasher"]

SESSION_COOKIE_NAME = "nsso_sessionid"
CSRF_COOKIE_NAME = "nsso_csrftoken"
LANGUAGE_COOKIE_NAME = "nsso_language"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = envint("SANDBOX_SESSION_SECONDS", 8 * 3600, minimum=60)
SESSION_ENGINE = "sandbox.idp.sessions"  # the database store, fewer statements: see there
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

# --- OpenID Connect provider (django-oauth-toolkit) -------------------------------
SANDBOX_KEY_DIR = Path(envstr("SANDBOX_KEY_DIR", str(VAR_DIR / "keys")))
_active_key, _inactive_keys = load_keys(SANDBOX_KEY_DIR, envstr("SANDBOX_OIDC_RSA_PRIVATE_KEY"))
OIDC_ISSUER = f"{PUBLIC_URL}/oauth2"
OAUTH2_PROVIDER_APPLICATION_MODEL = "idp.Client"
OAUTH2_PROVIDER_GRANT_MODEL = "idp.Grant"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "CLIENT_SECRET_HASHER": "sha256_secret",
    "OIDC_RSA_PRIVATE_KEY": _active_key,
    "OIDC_RSA_PRIVATE_KEYS_INACTIVE": _inactive_keys,
    "OIDC_ISS_ENDPOINT": OIDC_ISSUER,
    "OAUTH2_VALIDATOR_CLASS": "sandbox.idp.oidc.SandboxValidator",
    "OIDC_RESPONSE_TYPES_SUPPORTED": ["code"],
    "OIDC_TOKEN_ENDPOINT_AUTH_METHODS_SUPPORTED": ["client_secret_basic", "client_secret_post"],
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 1800,  # 30 minutes, as the national SSO's tokens
    "ID_TOKEN_EXPIRE_SECONDS": 600,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "REQUEST_APPROVAL_PROMPT": "auto",
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "OIDC_RP_INITIATED_LOGOUT_ACCEPT_EXPIRED_TOKENS": True,
    "OIDC_RP_INITIATED_LOGOUT_DELETE_TOKENS": True,
    "SCOPES": {
        "openid": "Định danh người dùng (bắt buộc)",
        "profile": "Họ tên, ngày sinh, giới tính, quê quán, quốc tịch, dân tộc",
        "dinhdanh": "Số định danh cá nhân, số CMND, loại tài khoản",
        "phone": "Số điện thoại",
        "email": "Thư điện tử",
        "address": "Nơi thường trú, nơi ở hiện nay",
        "doanhnghiep": "Thông tin doanh nghiệp (mã số doanh nghiệp, tên doanh nghiệp)",
    },
    "DEFAULT_SCOPES": ["openid"],
}


# --- VNeID login rules -------------------------------------------------------------
class SandboxRules(TypedDict):
    VNEID_OTP_SECONDS: int
    PORTAL_OTP_SECONDS: int
    OTP_MAX_FAILURES: int
    OTP_RESEND_COOLDOWN_SECONDS: int
    OTP_RESEND_CAP: int
    OTP_RESEND_WINDOW_SECONDS: int
    LOCK_AFTER_FAILURES: int
    LOCK_BASE_SECONDS: int
    LOCK_MAX_SECONDS: int
    QR_SECONDS: int
    QR_MIN_LEVEL: int
    POPULATION_API_TOKEN: str
    SMS_API_TOKEN: str
    BACKCHANNEL_TIMEOUT_SECONDS: int


SANDBOX: SandboxRules = {
    "VNEID_OTP_SECONDS": envint("SANDBOX_VNEID_OTP_SECONDS", 180, minimum=30),
    "PORTAL_OTP_SECONDS": envint("SANDBOX_PORTAL_OTP_SECONDS", 120, minimum=30),
    "OTP_MAX_FAILURES": 5,
    "OTP_RESEND_COOLDOWN_SECONDS": envint("SANDBOX_OTP_RESEND_COOLDOWN_SECONDS", 60, minimum=0),
    "OTP_RESEND_CAP": envint("SANDBOX_OTP_SEND_CAP", 5, minimum=1),
    "OTP_RESEND_WINDOW_SECONDS": 15 * 60,
    "LOCK_AFTER_FAILURES": 5,
    "LOCK_BASE_SECONDS": 60,
    "LOCK_MAX_SECONDS": 3600,
    "QR_SECONDS": envint("SANDBOX_QR_SECONDS", 60, minimum=10),
    # Lowest VNeID identification level allowed to approve a QR login (1 or 2).
    "QR_MIN_LEVEL": envint("SANDBOX_QR_MIN_LEVEL", 1, minimum=1, maximum=2),
    "POPULATION_API_TOKEN": envstr("SANDBOX_POPULATION_API_TOKEN", "demo-population-token"),
    "SMS_API_TOKEN": envstr("SANDBOX_SMS_API_TOKEN", "demo-sms-token"),
    "BACKCHANNEL_TIMEOUT_SECONDS": 3,
}

CAPTCHA_TEST_MODE = envbool("SANDBOX_CAPTCHA_TEST_MODE", False)
CAPTCHA_LENGTH = 5
CAPTCHA_CHALLENGE_FUNCT = "captcha.helpers.random_char_challenge"
CAPTCHA_IMAGE_SIZE = (140, 44)
CAPTCHA_FONT_SIZE = 30

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SANDBOX_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
