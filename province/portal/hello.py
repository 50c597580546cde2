"""The framework's "hello world" on the portal's own server and middleware, for the
lookup benchmark (bench/lookups.py) to compare against. Mounted only when
``PROVINCE_BENCH_HELLO=true``."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET


@require_GET
def hello(request: HttpRequest) -> HttpResponse:
    return HttpResponse("Hello, world!", content_type="text/plain; charset=utf-8")
