"""Production: secrets required, PostgreSQL and Redis, HTTPS only, hardened cookies, JSON logs.

Everything else comes from base.py and the environment (docs/deployment.md lists every
variable). Security headers: HSTS, nosniff, Referrer-Policy and Cross-Origin-Opener-Policy
by Django's SecurityMiddleware, X-Frame-Options by XFrameOptionsMiddleware, CSP (with
frame-ancestors 'none') and Permissions-Policy by province.ops.middleware.
"""

from envconf import ConfigError, envbool, envint, envstr

from .base import *  # noqa: F403
from .base import APP_ENV, CACHES, DATABASES, NATIONAL_SSO, PUBLIC_URL

if APP_ENV != "production":
    raise ConfigError("province.settings.production needs APP_ENV=production")

SECRET_KEY = envstr("PROVINCE_SECRET_KEY", required=True)
if len(SECRET_KEY) < 50 or "demo" in SECRET_KEY:
    raise ConfigError("PROVINCE_SECRET_KEY must be a random value of at least 50 characters")
DEBUG = False
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql" and not envbool("PROVINCE_ALLOW_SQLITE", False):
    raise ConfigError("DATABASE_URL must name a PostgreSQL database in production")
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = envint(
    "PROVINCE_DB_CONNECT_TIMEOUT_SECONDS", 5, minimum=1, maximum=60
)
if CACHES["default"]["BACKEND"].endswith("LocMemCache"):
    # rate limits, the logout-token replay check and JWKS must be shared by all processes
    raise ConfigError("REDIS_URL must be set in production")
if not PUBLIC_URL.startswith("https://"):
    raise ConfigError("PROVINCE_PUBLIC_URL must be an https:// URL in production")
if not str(NATIONAL_SSO["ISSUER"]).startswith("https://") and not envbool("PROVINCE_ALLOW_HTTP_SSO", False):
    raise ConfigError("NATIONAL_SSO_ISSUER must be an https:// URL in production")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_TRUSTED_ORIGINS = [PUBLIC_URL]
SECURE_SSL_REDIRECT = envbool("PROVINCE_SSL_REDIRECT", True)
# probes and the metrics scrape come over plain HTTP from the machine or the load balancer
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = envint("PROVINCE_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("PROVINCE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("PROVINCE_HSTS_PRELOAD", False)
# Celery's workers log through the LOGGING above (JSON lines, scrubbed), not their own format.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
if envbool("PROVINCE_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
