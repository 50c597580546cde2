"""The phone-inbox page, the outbox JSON for tests, and the send API for other systems."""

from __future__ import annotations

import json
import secrets

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from . import selectors, services
from .forms import InboxFilterForm
from .phones import normalise_phone

INBOX_PAGE_SIZE = 20
_JSON = {"ensure_ascii": False}  # Vietnamese text stays readable in the raw JSON


def _error(status: int, code: str, message: str) -> JsonResponse:
    return JsonResponse({"error": code, "message": message}, status=status, json_dumps_params=_JSON)


@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET or None)
    to = ""
    if form.is_bound and form.is_valid():
        to = form.cleaned_data["to"]
    # A number that is not valid shows no messages rather than everybody's.
    messages = selectors.outbox(to=to) if not form.errors else selectors.outbox().none()
    page = Paginator(messages, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "sms/inbox.html", {"form": form, "page": page, "to": to})


@require_GET
def outbox_json(request: HttpRequest) -> HttpResponse:
    raw = request.GET.get("to", "")
    to = ""
    if raw.strip():
        try:
            to = normalise_phone(raw)
        except ValueError:
            return _error(400, "invalid_phone", _("Số điện thoại di động Việt Nam không hợp lệ"))
    messages = selectors.outbox(to=to or None)[: selectors.OUTBOX_JSON_LIMIT]
    records = [selectors.message_record(m) for m in messages]
    return JsonResponse(records, safe=False, json_dumps_params=_JSON)


def _token_ok(request: HttpRequest) -> bool:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    expected = str(settings.SANDBOX["SMS_API_TOKEN"])
    return (
        scheme.lower() == "bearer" and bool(token) and secrets.compare_digest(token.strip().encode(), expected.encode())
    )


@csrf_exempt
def api_send(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        response = _error(405, "method_not_allowed", _("Phương thức không được hỗ trợ"))
        response["Allow"] = "POST"
        return response
    if not _token_ok(request):
        response = _error(401, "unauthorized", _("Thiếu hoặc sai mã truy cập API"))
        response["WWW-Authenticate"] = 'Bearer realm="sms"'
        return response
    try:
        data = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        return _error(400, "invalid_json", _("Nội dung yêu cầu phải là một đối tượng JSON"))
    to, body, sender = data.get("to"), data.get("body"), data.get("sender", "VNeID")
    if not isinstance(to, str) or not isinstance(body, str) or not isinstance(sender, str):
        return _error(400, "invalid_request", _("Cần các trường to và body kiểu chuỗi"))
    try:
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > 100:
            return _error(400, "invalid_idempotency_key", _("Idempotency-Key dài quá 100 ký tự"))
        message = services.send_sms(to=to, body=body, sender=sender, idempotency_key=key or None)
    except services.InvalidPhoneNumber:
        return _error(400, "invalid_phone", _("Số điện thoại di động Việt Nam không hợp lệ"))
    except services.InvalidMessage:
        return _error(400, "invalid_message", _("Nội dung tin nhắn hoặc tên người gửi không hợp lệ"))
    return JsonResponse({"id": message.pk}, status=201)
