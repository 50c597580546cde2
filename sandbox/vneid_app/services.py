"""Signing in to the simulated VNeID app, and its bearer sessions.

The app's sign-in never touches the browser's SSO login: it opens an ``AppSession`` whose
random token is held by the app (the JSON API's bearer token, or a key of its own in the
web page's session). Failures are throttled per identity ("app:<số định danh>"), whether
or not an account exists, so a lock reveals nothing about existence.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import cache

from django.contrib.auth.hashers import check_password, make_password
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from sandbox.idp.models import Account, AccountKind
from sandbox.idp.services import record_event
from sandbox.idp.throttle import lock_message, locked_for, register_failure, register_success

from .models import AppSession

APP_SESSION_SECONDS = 10 * 60
SESSION_TOKEN_KEY = "vneid_app_token"


class AppSignInError(Exception):
    """Sign-in refused; ``message`` is safe to show (it never says whether the number exists)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@cache
def _dummy_hash() -> str:
    # Checked against when the number is unknown, so both answers take about as long.
    return make_password(secrets.token_urlsafe(12))


_lock_message = lock_message


def app_sign_in(*, id_number: str, passcode: str, request: HttpRequest | None = None) -> str:
    """Check the số định danh and passcode; return a new app session token.

    Raises ``AppSignInError`` with the same message for an unknown number and a wrong
    passcode; five failures lock the identity for a growing time.
    """
    key = f"app:{id_number}"
    locked = locked_for(key)
    if locked:
        record_event(action="app_login_locked", request=request, identity=id_number)
        raise AppSignInError(_lock_message(locked))
    account = Account.objects.filter(kind=AccountKind.VNEID, username=id_number, is_active=True).first()
    stored = account.app_passcode if account is not None and account.app_passcode else ""
    valid = check_password(passcode, stored or _dummy_hash()) and bool(stored)
    if account is None or not valid:
        lock_seconds = register_failure(key)
        record_event(action="app_login_failed", request=request, account=account, identity=id_number)
        if lock_seconds:
            raise AppSignInError(_lock_message(lock_seconds))
        raise AppSignInError(_("Số định danh hoặc mật mã không đúng."))
    register_success(key)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    AppSession.objects.create(
        token_hash=_hash(token),
        account=account,
        created_at=now,
        expires_at=now + timedelta(seconds=APP_SESSION_SECONDS),
    )
    record_event(action="app_login", request=request, account=account, identity=id_number)
    return token


def app_session_account(*, token: str | None) -> Account | None:
    """The account of a live app session, or None."""
    if not token:
        return None
    session = (
        AppSession.objects.select_related("account")
        .filter(token_hash=_hash(token), expires_at__gt=timezone.now(), account__is_active=True)
        .first()
    )
    return session.account if session is not None else None


def app_sign_out(*, token: str | None, request: HttpRequest | None = None) -> None:
    if not token:
        return
    session = AppSession.objects.select_related("account").filter(token_hash=_hash(token)).first()
    if session is None:
        return
    record_event(action="app_logout", request=request, account=session.account)
    session.delete()


def holder_name(account: Account) -> str:
    if account.resident is not None:
        return account.resident.full_name
    return account.full_name or account.username
