"""The authentication backend named in sessions opened by the SSO callback.

It authenticates nobody by itself (``authenticate`` always returns None): the callback
verifies the provider's tokens and calls ``django.contrib.auth.login`` with this backend,
and Django uses it afterwards only to load the user of a session.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.http import HttpRequest

from province.accounts.models import Person


class NationalSsoBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Person | None:
        return None


BACKEND_PATH = "province.sso.backends.NationalSsoBackend"
