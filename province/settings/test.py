"""Test settings: a fast hasher; pytest-django creates the database.

The cache is local memory unless REDIS_URL is set (``make test-postgres`` runs the suite
against PostgreSQL and a dedicated Redis database, which the tests flush).
"""

import os

from .base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PROVINCE_SMS_BACKEND = "province.notify.sms.LocmemBackend"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Several test runs may share one PostgreSQL server (developers working in parallel, a
# benchmark next to CI): each run gets a test database of its own.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}  # noqa: F405
