"""Sign-in completion, SSO sessions, audit events and back-channel logout.

Every login method (VNeID password + OTP, VNeID QR, national-portal account + OTP) ends in
``complete_login``: one place that rotates the session, opens the SSO session whose ``sid``
goes into ID tokens, and writes the audit event.
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from django.contrib.auth import login as django_login
from django.contrib.auth import logout as django_logout
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from .backchannel import notify_clients
from .models import Account, AuditEvent, SsoSession

logger = logging.getLogger(__name__)

SESSION_SID_KEY = "sso_sid"
SESSION_NEXT_KEY = "sso_next"
DEFAULT_AFTER_LOGIN = "/tai-khoan/"


def client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: the sandbox runs without a proxy; trusting X-Forwarded-For would let
    # a client choose the IP that rate limits and audit rows see.
    return request.META.get("REMOTE_ADDR") or None


def record_event(
    *,
    action: str,
    request: HttpRequest | None = None,
    account: Account | None = None,
    identity: str = "",
    **detail: Any,
) -> None:
    AuditEvent.objects.create(
        action=action,
        account=account,
        identity=identity,
        ip=client_ip(request) if request is not None else None,
        detail=detail,
    )
    logger.info("sso_event action=%s account=%s", action, account.pk if account else "-")


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    """Return ``candidate`` if it is a path on this site, else the account page."""
    if (
        candidate
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and candidate.startswith("/")
        and not candidate.startswith("//")
    ):
        return candidate
    return DEFAULT_AFTER_LOGIN


def remember_next(request: HttpRequest, candidate: str | None) -> None:
    request.session[SESSION_NEXT_KEY] = safe_next(request, candidate)


def pop_next(request: HttpRequest) -> str:
    value = request.session.pop(SESSION_NEXT_KEY, None)
    return safe_next(request, value)


@transaction.atomic
def complete_login(*, request: HttpRequest, account: Account, method: str) -> str:
    """Sign ``account`` in to the SSO in this browser; return where to go next.

    Rotates the session id (Django's ``login`` cycles the key), opens an SSO session and
    records the sign-in. The caller redirects to the returned path.
    """
    next_url = pop_next(request)
    django_login(request, account, backend="django.contrib.auth.backends.ModelBackend")
    sso_session = SsoSession.objects.create(sid=secrets.token_urlsafe(32), account=account, method=method)
    request.session[SESSION_SID_KEY] = sso_session.sid
    record_event(action="login_success", request=request, account=account, method=method)
    return next_url


def current_sso_session(request: HttpRequest) -> SsoSession | None:
    sid = request.session.get(SESSION_SID_KEY)
    if not sid:
        return None
    return SsoSession.objects.filter(sid=sid, ended_at__isnull=True).first()


def end_sso_session(*, request: HttpRequest) -> None:
    """End this browser's SSO session: log out here and notify every client by back-channel."""
    sso_session = current_sso_session(request)
    django_logout(request)
    if sso_session is not None:
        close_sso_session(sso_session=sso_session, request=request)


def close_sso_session(*, sso_session: SsoSession, request: HttpRequest | None = None) -> None:
    updated = SsoSession.objects.filter(sid=sso_session.sid, ended_at__isnull=True).update(ended_at=timezone.now())
    if not updated:
        return
    record_event(action="logout", request=request, account=sso_session.account)
    notify_clients(sso_session)
