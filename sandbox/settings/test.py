"""Test settings: a fast hasher and a temporary database are set by pytest-django."""

import os

from .base import *  # noqa: F403
from .base import SANDBOX

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "sandbox.idp.hashers.ClientSecretHasher"]
CAPTCHA_TEST_MODE = True
SANDBOX["BACKCHANNEL_TIMEOUT_SECONDS"] = 1

# Several test runs may share one PostgreSQL server (developers working in parallel, a
# benchmark next to CI): each run gets a test database of its own.
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}  # noqa: F405
