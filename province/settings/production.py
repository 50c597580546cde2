"""Production: secrets required, HTTPS only, hardened cookies."""

from envconf import ConfigError, envbool, envint, envstr

from .base import *  # noqa: F403
from .base import APP_ENV

if APP_ENV != "production":
    raise ConfigError("province.settings.production needs APP_ENV=production")

SECRET_KEY = envstr("PROVINCE_SECRET_KEY", required=True)
DEBUG = False
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
LANGUAGE_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = envbool("PROVINCE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = envint("PROVINCE_HSTS_SECONDS", 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("PROVINCE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("PROVINCE_HSTS_PRELOAD", False)
if envbool("PROVINCE_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
