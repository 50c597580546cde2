"""Test settings: a fast hasher and a temporary database are set by pytest-django."""

from .base import *  # noqa: F403
from .base import SANDBOX

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", "sandbox.idp.hashers.ClientSecretHasher"]
CAPTCHA_TEST_MODE = True
SANDBOX["BACKCHANNEL_TIMEOUT_SECONDS"] = 1
