"""Middleware: real client address behind the proxy, request id + request log + metrics,
the request's user in the log context, and the security headers Django lacks.

Order in settings.MIDDLEWARE: ``ClientAddressMiddleware`` and ``RequestLogMiddleware``
first (they must see and time everything), ``UserContextMiddleware`` right after
``AuthenticationMiddleware``, ``SecurityHeadersMiddleware`` anywhere.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from . import context, metrics

logger = logging.getLogger("province.request")
Handler = Callable[[HttpRequest], HttpResponse]
QUIET_PATHS = ("/healthz", "/readyz", "/metrics")


class ClientAddressMiddleware:
    """Behind our own proxy, REMOTE_ADDR is the proxy; the client is in ``X-Real-IP``.

    Only trusted when the connection comes from an address in PROVINCE_TRUSTED_PROXIES,
    and nginx *sets* X-Real-IP (``proxy_set_header X-Real-IP $remote_addr``), so a client
    cannot choose its address. Rate limits, the login log and the metrics allow-list then
    see the real client. (gunicorn only applies X-Forwarded-Proto, never the client address.)
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.proxies = frozenset(settings.OPS["TRUSTED_PROXIES"])

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.proxies and request.META.get("REMOTE_ADDR") in self.proxies:
            real = request.META.get("HTTP_X_REAL_IP", "").strip()
            # no (valid) header: a direct connection from the proxy's machine
            with contextlib.suppress(ValueError):
                request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(real))
        return self.get_response(request)


class RequestLogMiddleware:
    """Request id (``X-Request-ID`` in, or generated; always returned), one JSON log line
    per request, and the request count and latency metrics by view name and status."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = context.accept_or_make(request.headers.get("X-Request-ID"))
        context.request_id.set(request_id)
        context.user_id.set(None)
        started = time.perf_counter()
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            response["X-Request-ID"] = request_id
            return response
        finally:
            elapsed = time.perf_counter() - started
            match = getattr(request, "resolver_match", None)
            view = (match.view_name or "unnamed") if match is not None else "unresolved"
            if request.path.startswith(settings.STATIC_URL):
                view = "static"
            metrics.REQUESTS.labels(method=request.method or "", view=view, status=str(status)).inc()
            metrics.LATENCY.labels(view=view, status=str(status)).observe(elapsed)
            level = logging.DEBUG if request.path in QUIET_PATHS else logging.INFO
            logger.log(
                level,
                "request",
                extra={
                    "method": request.method,
                    "path": request.path,  # never the query string: it may carry personal data
                    "view": view,
                    "status": status,
                    "ms": round(elapsed * 1000, 1),
                },
            )
            # Not reset: Django logs 4xx/5xx responses ("django.request") after the middleware
            # chain has returned, and those lines need the id too. The next request on this
            # thread sets its own.


class UserContextMiddleware:
    """Puts the signed-in person's id (citizen, or the officer's person) in the log context."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        person_id = user.pk if user is not None and user.is_authenticated else None
        if person_id is None and hasattr(request, "session"):
            raw = request.session.get("officer_person_id")
            person_id = int(raw) if raw else None
        context.user_id.set(person_id)
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and Permissions-Policy (settings CONTENT_SECURITY_POLICY,
    PERMISSIONS_POLICY; "" leaves a header out).

    Django 5.2 has no CSP support (it arrives in 6.0) and SecurityMiddleware covers HSTS,
    nosniff, Referrer-Policy and COOP; django-csp would be a dependency for one constant
    header: we send no nonces (no inline script at all), so the policy is a fixed string.
    A view may set its own header (e.g. a stricter one): it is then left alone.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response
        self.csp = str(getattr(settings, "CONTENT_SECURITY_POLICY", ""))
        self.permissions = str(getattr(settings, "PERMISSIONS_POLICY", ""))

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.csp and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.csp
        if self.permissions and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = self.permissions
        return response
