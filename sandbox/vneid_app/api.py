"""JSON API of the simulated VNeID app, for tests and scripts.

Bearer-token authenticated (the token from ``POST /app/api/session``), so CSRF does not
apply: no cookie is involved. Each endpoint calls the same services as the app's pages.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from sandbox.idp import qr as qr_services
from sandbox.idp.models import Account

from . import services
from .forms import SignInForm

ApiView = Callable[..., JsonResponse]


def _body(request: HttpRequest) -> dict[str, Any]:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationError(_("Nội dung yêu cầu không phải JSON hợp lệ.")) from exc
    if not isinstance(data, dict):
        raise ValidationError(_("Nội dung yêu cầu không phải JSON hợp lệ."))
    return data


def _error(message: str, status: int, code: str = "") -> JsonResponse:
    body = {"error": message}
    if code:
        body["code"] = code
    return JsonResponse(body, status=status)


def _bearer(request: HttpRequest) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def token_required(view: ApiView) -> ApiView:
    @wraps(view)
    def wrapper(request: HttpRequest) -> JsonResponse:
        account = services.app_session_account(token=_bearer(request))
        if account is None:
            response = _error(_("Phiên đăng nhập ứng dụng không hợp lệ hoặc đã hết hạn."), 401, "unauthorized")
            response["WWW-Authenticate"] = 'Bearer realm="vneid-app"'
            return response
        try:
            data = _body(request)
        except ValidationError as exc:
            return _error(exc.messages[0], 400, "invalid_json")
        try:
            return view(request, account, data)
        except qr_services.QrError as exc:
            return _error(exc.message, exc.status, exc.code)

    return wrapper


@csrf_exempt
@require_POST
def session(request: HttpRequest) -> JsonResponse:
    """``{"so_dinh_danh", "passcode"}`` → ``{"token"}`` (valid 10 minutes) or 401."""
    try:
        data = _body(request)
    except ValidationError as exc:
        return _error(exc.messages[0], 400, "invalid_json")
    form = SignInForm({k: str(data.get(k, "")) for k in ("so_dinh_danh", "passcode")})
    if not form.is_valid():
        first = next(iter(form.errors.values()))[0]
        return _error(str(first), 400, "invalid")
    try:
        token = services.app_sign_in(
            id_number=form.cleaned_data["so_dinh_danh"],
            passcode=form.cleaned_data["passcode"],
            request=request,
        )
    except services.AppSignInError as exc:
        return _error(exc.message, 401, "sign_in_failed")
    return JsonResponse({"token": token, "expires_in": services.APP_SESSION_SECONDS})


@csrf_exempt
@require_POST
@token_required
def qr_scan(request: HttpRequest, account: Account, data: dict[str, Any]) -> JsonResponse:
    qr = qr_services.qr_scan(payload=str(data.get("payload", "")), account=account, request=request)
    return JsonResponse(
        {
            "request_id": qr.id,
            "service_name": qr.service_name,
            "expires_at": qr.expires_at.isoformat(),
        }
    )


@csrf_exempt
@require_POST
@token_required
def qr_approve(request: HttpRequest, account: Account, data: dict[str, Any]) -> JsonResponse:
    qr_services.qr_approve(
        qr_id=str(data.get("request_id", "")),
        account=account,
        match_code=str(data.get("match_code", "")),
        request=request,
    )
    return JsonResponse({"status": "approved"})


@csrf_exempt
@require_POST
@token_required
def qr_refuse(request: HttpRequest, account: Account, data: dict[str, Any]) -> JsonResponse:
    qr_services.qr_refuse(qr_id=str(data.get("request_id", "")), account=account, request=request)
    return JsonResponse({"status": "refused"})
