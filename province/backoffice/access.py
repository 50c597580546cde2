"""Who is the officer of this request, and the decorators that require one.

The officer session lives under its own keys (``officer_account_id``…), never in
``request.user``: ``request.user`` stays the *citizen* of the portal, so an officer
sign-in never opens the portal's account pages and a citizen session never opens /motcua/.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from . import services
from .models import OfficerAccount, OfficerLoginEvent

TOUCH_EVERY_SECONDS = 15
_ATTR = "_officer_account"

View = Callable[..., HttpResponseBase]


def current_officer(request: HttpRequest) -> OfficerAccount | None:
    """The signed-in officer account, or None (ending a stale or invalid officer session)."""
    session = request.session
    account_id = session.get(services.SESSION_ACCOUNT)
    if not account_id:
        return None
    now = int(time.time())
    auth_at = int(session.get(services.SESSION_AUTH_AT, 0))
    last_seen = int(session.get(services.SESSION_LAST_SEEN, auth_at))
    if now - last_seen > settings.SESSION_IDLE_SECONDS or now - auth_at > settings.SESSION_ABSOLUTE_SECONDS:
        account = OfficerAccount.objects.filter(pk=account_id).select_related("person").first()
        services.end_officer_session(request, reason="timeout", account=account)
        messages.warning(request, _("Phiên làm việc đã hết hạn, vui lòng đăng nhập lại."))
        return None
    account = (
        OfficerAccount.objects.select_related("unit", "person", "person__officer_profile")
        .filter(pk=account_id, person_id=int(session.get(services.SESSION_PERSON) or 0))
        .first()
    )
    user = request.user
    if (
        account is None
        or account.suspended
        # one cookie, one human: a citizen session of someone else voids the officer one
        or (user.is_authenticated and user.pk != account.person_id)
    ):
        services.end_officer_session(request, reason="invalid", account=account)
        return None
    if now - last_seen >= TOUCH_EVERY_SECONDS:
        session[services.SESSION_LAST_SEEN] = now
    return account


def officer_of(request: HttpRequest) -> OfficerAccount:
    """The account set by ``officer_required`` (only call inside such a view)."""
    return cast(OfficerAccount, getattr(request, _ATTR))


def _to_login(request: HttpRequest) -> HttpResponse:
    return HttpResponseRedirect(reverse("backoffice:login") + "?" + urlencode({"next": request.get_full_path()}))


def _private(response: HttpResponseBase) -> HttpResponseBase:
    # officers' pages carry personal data: never kept by a shared cache or the browser
    patch_cache_control(response, private=True, no_store=True)
    return response


def officer_required(view: View) -> View:
    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        account = current_officer(request)
        if account is None:
            return _to_login(request)
        setattr(request, _ATTR, account)
        return _private(view(request, *args, **kwargs))

    return wrapped


def admin_required(view: View) -> View:
    """An officer with the "quan_tri" role; objects are further scoped to their unit tree."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        account = current_officer(request)
        if account is None:
            return _to_login(request)
        if not account.is_admin:
            raise PermissionDenied
        setattr(request, _ATTR, account)
        return _private(view(request, *args, **kwargs))

    return wrapped


# --- the second factor (the Django admin asks for it) ----------------------------------
def with_vneid_level(handler: Callable[[HttpRequest, Any], HttpResponse]) -> Callable[[HttpRequest, Any], HttpResponse]:
    """Wrap the SSO callback's officer handler: remember the assurance level the national
    SSO asserted, once the handler has opened the officer session (or the account chooser).

    Set *after* the handler: opening the officer session may end another person's citizen
    session, which empties the session.
    """

    @functools.wraps(handler)
    def wrapped(request: HttpRequest, login: Any) -> HttpResponse:
        response = handler(request, login)
        session = request.session
        if session.get(services.SESSION_ACCOUNT) or session.get(services.SESSION_CHOOSER):
            session[services.SESSION_VNEID_LEVEL] = int(login.claims.level)
        return response

    return wrapped


def signed_in_with_second_factor(request: HttpRequest) -> bool:
    """The officer session was opened with password + SMS code, or with VNeID at level 2.

    An account switch keeps the sign-in it was made from (same person, same session)."""
    method = request.session.get(services.SESSION_AUTH_METHOD)
    if method == OfficerLoginEvent.Method.PASSWORD_OTP:
        return True
    if method == OfficerLoginEvent.Method.VNEID:
        return int(request.session.get(services.SESSION_VNEID_LEVEL) or 0) >= 2
    return False


def admin_operator(request: HttpRequest) -> OfficerAccount | None:
    """The officer who may use the Django admin (/quan-tri/): role "quan_tri", signed in
    with a second factor; None for anyone else."""
    account = current_officer(request)
    if account is None or not account.is_admin or not signed_in_with_second_factor(request):
        return None
    return account
