"""Thin HTTP layer over ``province.sso.services``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from province.accounts import services as accounts

from . import after_login, cutover, provider, services, tokens


def _failure_page(request: HttpRequest, failure: services.SsoFailure, next_url: str) -> HttpResponse:
    if services.count_failure(request, failure):
        accounts.record_failed_login(
            reason=f"{failure.code}: {failure.reason}",
            request_info=accounts.RequestInfo.from_request(request),
        )
    handler = services.failure_handler(failure.purpose)
    if handler is not None:  # e.g. an officer's VNeID sign-in: the back office's page
        return handler(request, failure)
    # no "Thử lại" while the address has to wait
    retry = None if failure.retry_after else reverse("sso:login") + "?" + urlencode({"next": next_url})
    return failure.tell_when(
        render(request, "sso/error.html", {"reason": failure.reason, "retry_url": retry}, status=failure.status)
    )


def _vneid_only_page(request: HttpRequest, login: services.VerifiedLogin) -> HttpResponse:
    """Seed 004: after the cut-over date a national-portal account is refused, nothing
    is written but the failed sign-in."""
    accounts.record_failed_login(
        reason="vneid_only: national-portal account after the VNeID-only date",
        request_info=accounts.RequestInfo.from_request(request),
    )
    retry = reverse("sso:login") + "?" + urlencode({"next": login.next_url, "dang_nhap_lai": "1"})
    return render(
        request,
        "sso/vneid_only.html",
        {"since": cutover.vneid_only_from(), "retry_url": retry, "needs_id_number": login.claims.needs_id_number},
        status=403,
    )


@never_cache
@require_GET
def login(request: HttpRequest) -> HttpResponse:
    next_url = services.safe_next(request.GET.get("next"))
    # ?dang_nhap_lai=1: fresh credentials at the provider (unlinking, merging, cut-over)
    reauthenticate = request.GET.get("dang_nhap_lai") == "1"
    try:
        return HttpResponseRedirect(services.start_login(request, next_url=next_url, reauthenticate=reauthenticate))
    except services.SsoFailure as failure:
        return _failure_page(request, failure, next_url)


@never_cache
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    try:
        login = services.finish_login(request)
        handler = services.purpose_handler(login.purpose)
        if handler is not None:
            return handler(request, login)
        if cutover.refuses(login.claims):
            return _vneid_only_page(request, login)
        result = services.open_session(request, login=login)
    except services.SsoFailure as failure:
        return _failure_page(request, failure, "/")
    return HttpResponseRedirect(after_login.next_url(result=result, login=login))


@never_cache
@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return HttpResponseRedirect("/")
    id_token = services.close_session(request, reason="user")
    url = services.end_session_url(id_token=id_token)
    return HttpResponseRedirect(url or "/")


@csrf_exempt  # server-to-server from the provider; authenticity is the signed logout token
@never_cache
@require_POST
def backchannel_logout(request: HttpRequest) -> HttpResponse:
    try:
        services.backchannel_logout(logout_token=request.POST.get("logout_token", ""))
    except tokens.TokenError:
        return HttpResponse(status=400)
    except provider.ProviderUnavailable:
        return HttpResponse(status=503)
    return HttpResponse(status=200)
