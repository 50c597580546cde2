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

from . import provider, services, tokens


def _failure_page(request: HttpRequest, failure: services.SsoFailure, next_url: str) -> HttpResponse:
    accounts.record_failed_login(
        reason=f"{failure.code}: {failure.reason}",
        request_info=accounts.RequestInfo.from_request(request),
    )
    retry = reverse("sso:login") + "?" + urlencode({"next": next_url})
    return render(
        request,
        "sso/error.html",
        {"reason": failure.reason, "retry_url": retry},
        status=failure.status,
    )


@never_cache
@require_GET
def login(request: HttpRequest) -> HttpResponse:
    next_url = services.safe_next(request.GET.get("next"))
    try:
        return HttpResponseRedirect(services.start_login(request, next_url=next_url))
    except services.SsoFailure as failure:
        return _failure_page(request, failure, next_url)


@never_cache
@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    try:
        login = services.finish_login(request)
        services.open_session(request, login=login)
    except services.SsoFailure as failure:
        return _failure_page(request, failure, "/")
    return HttpResponseRedirect(login.next_url)


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
