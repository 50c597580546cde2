"""``/healthz`` (liveness), ``/readyz`` (readiness) and ``/metrics`` (Prometheus, protected)."""

from __future__ import annotations

import hmac
import ipaddress

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST

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
    ready = all(result.ok for result in results)
    body = {"status": "ok" if ready else "unavailable", "checks": {r.name: r.as_dict() for r in results}}
    return JsonResponse(body, status=200 if ready else 503)


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
