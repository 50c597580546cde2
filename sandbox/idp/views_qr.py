"""Browser side of the QR login: create a QR, show its state, report status, complete.

Thin views over ``sandbox.idp.qr``; the login page includes ``idp/_qr_block.html`` and
``sandbox/static/sandbox/qr.js`` drives these endpoints (no inline script: CSP).
"""

from __future__ import annotations

from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseRedirect,
    JsonResponse,
)
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from . import qr as qr_services
from .models import QrLogin, QrStatus
from .services import client_ip, remember_next


def _state_response(request: HttpRequest, qr: QrLogin, *, status: int = 200) -> HttpResponse:
    effective = qr_services.qr_effective_status(qr)
    expires_in = qr_services.qr_expires_in(qr)
    context = {
        "qr": qr,
        "status": effective,
        "expires_in": expires_in,
        "expires_label": f"{expires_in // 60:02d}:{expires_in % 60:02d}",
        "payload": qr_services.qr_payload(qr),
        "svg": qr_services.qr_svg(qr) if effective == QrStatus.PENDING else "",
    }
    return render(request, "idp/qr_state.html", context, status=status)


@never_cache
@require_POST
def qr_create(request: HttpRequest) -> HttpResponse:
    """A fresh QR for this browser, as the HTML fragment that qr.js puts in the page."""
    browser_key = qr_services.browser_key_for(request, create=True)
    assert browser_key is not None
    if not qr_services.qr_create_allowed(session_key=browser_key, ip=client_ip(request)):
        return render(request, "idp/qr_state.html", {"status": "limited"}, status=429)
    next_url = request.POST.get("next") or None
    if next_url:
        remember_next(request, next_url)
    qr = qr_services.qr_create(browser_key=browser_key, service_name=qr_services.service_name_for_next(next_url))
    return _state_response(request, qr, status=201)


def _bound_qr(request: HttpRequest, qr_id: str) -> QrLogin:
    qr = qr_services.qr_for_browser(qr_id=qr_id, browser_key=qr_services.browser_key_for(request))
    if qr is None:
        raise Http404
    return qr


@never_cache
@require_GET
def qr_state(request: HttpRequest, qr_id: str) -> HttpResponse:
    """The QR's current state as an HTML fragment, for the browser that showed it."""
    return _state_response(request, _bound_qr(request, qr_id))


@never_cache
@require_GET
def qr_status(request: HttpRequest, qr_id: str) -> JsonResponse:
    """``{"status", "match_code", "expires_in"}``; the match code only to the bound browser."""
    qr = QrLogin.objects.filter(pk=qr_id).first()
    if qr is None:
        raise Http404
    status = qr_services.qr_effective_status(qr)
    bound = qr_services.qr_for_browser(qr_id=qr_id, browser_key=qr_services.browser_key_for(request)) is not None
    show_code = bound and status == QrStatus.SCANNED
    return JsonResponse(
        {
            "status": status,
            "match_code": qr.match_code if show_code else None,
            "expires_in": qr_services.qr_expires_in(qr),
        }
    )


@never_cache
@require_POST
def qr_complete(request: HttpRequest, qr_id: str) -> HttpResponse:
    """Sign this browser in once its QR was approved in the app (POST, CSRF-protected)."""
    try:
        next_path = qr_services.qr_complete(
            request=request, qr_id=qr_id, browser_key=qr_services.browser_key_for(request)
        )
    except qr_services.QrError as error:
        return render(request, "idp/qr_error.html", {"message": error.message}, status=error.status)
    return HttpResponseRedirect(next_path)
