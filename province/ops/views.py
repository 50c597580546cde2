"""``/healthz`` (liveness), ``/readyz`` (readiness), ``/metrics`` (Prometheus, protected) and
the page shown for an unhandled error (``handler500``)."""

from __future__ import annotations

import hmac
import ipaddress
import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from . import metrics, readiness


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """The process answers. No dependency is touched: a database outage must not make the
    orchestrator restart every web process (that is what readiness is for)."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def readyz(request: HttpRequest) -> HttpResponse:
    results = readiness.run_checks()
    required_ok = all(result.ok for result in results if result.name in readiness.REQUIRED)
    status = "ok" if all(result.ok for result in results) else "degraded" if required_ok else "unavailable"
    body = {"status": status, "checks": {r.name: r.as_dict() for r in results}}
    return JsonResponse(body, status=200 if required_ok else 503)


def metrics_allowed(request: HttpRequest) -> bool:
    """A bearer token equal to PROVINCE_METRICS_TOKEN, or a client address in
    PROVINCE_METRICS_ALLOWED_IPS (the real client address: see ops.middleware.ClientAddressMiddleware)."""
    token = str(settings.OPS["METRICS_TOKEN"])
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if token and header.startswith("Bearer "):
        return hmac.compare_digest(header[len("Bearer ") :].encode(), token.encode())
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in network for network in settings.OPS["METRICS_ALLOWED_NETWORKS"])


@never_cache
@require_GET
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        raise Http404  # not "forbidden": the endpoint does not exist for the public
    return HttpResponse(metrics.render(), content_type=CONTENT_TYPE_LATEST)


# A dependency that cannot be reached now (the database restarting, Redis gone), as opposed
# to a bug: the request may well succeed in a moment.
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
)
RETRY_AFTER_SECONDS = 30


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a clean page (JSON under /api/) instead of Django's bare text, and
    503 with ``Retry-After`` when the cause is an unreachable database or cache, so that
    people, clients and the load balancer know to try again. Django has logged the error
    with its traceback already. Nothing here touches the database, the session or the
    cache (context processors included): they may be what failed."""
    exc = sys.exc_info()[1]
    unavailable = isinstance(exc, UNAVAILABLE_ERRORS)
    status = 503 if unavailable else 500
    if unavailable:
        title = _("Hệ thống tạm thời gián đoạn")
        message = _(
            "Hệ thống đang tạm thời không xử lý được yêu cầu. Vui lòng thử lại sau ít phút. "
            "Nếu bạn vừa nộp hồ sơ, hãy xem lại danh sách hồ sơ đã nộp trước khi nộp lại."
        )
    else:
        title = _("Đã xảy ra lỗi")
        message = _("Hệ thống gặp lỗi khi xử lý yêu cầu. Vui lòng thử lại sau.")
    response: HttpResponse
    if request.path.startswith("/api/"):
        code = "unavailable" if unavailable else "server_error"
        response = JsonResponse({"error": {"code": code, "message": message, "fields": {}}}, status=status)
    else:
        html = loader.get_template("ops/unavailable.html").render({"title": title, "message": message})
        response = HttpResponse(html, status=status)
    if unavailable:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response
