"""Who is calling: OAuth2 client-credentials tokens (django-oauth-toolkit issues them at
``/api/oauth/token/``), the scopes a client may hold, and per-client / per-address rate limits.

Rate limits are fixed one-minute windows counted by ``province.ops.ratelimit`` (atomic on
Redis across processes; per process while Redis is down). ninja's own throttles were not
used: they read, modify and write a list of timestamps (two processes can both pass the
last slot) and, unless ``NINJA_NUM_PROXIES`` is set, key anonymous callers on the
client-supplied ``X-Forwarded-For``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any, ClassVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja.security.base import AuthBase
from ninja.throttling import BaseThrottle
from oauth2_provider.models import get_access_token_model
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import SettingsScopes
from oauth2_provider.views import TokenView

from province.ops import ratelimit

from .errors import ApiError
from .models import ApiClient, known_scopes

WINDOW_SECONDS = 60


class ClientScopes(SettingsScopes):
    """A token gets only scopes its client holds (``ApiClient.scopes``); asking for none
    gives all of them. An inactive client holds none, so it gets no token."""

    def get_available_scopes(
        self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any
    ) -> list[str]:
        client = ApiClient.objects.filter(application=application, is_active=True).first() if application else None
        if client is None:
            return []
        known = set(super().get_available_scopes(application, request, *args, **kwargs))
        return sorted(client.scope_set & known)

    def get_default_scopes(self, application: Any = None, request: Any = None, *args: Any, **kwargs: Any) -> list[str]:
        return self.get_available_scopes(application, request, *args, **kwargs)


class ClientValidator(OAuth2Validator):
    """django-oauth-toolkit's validator, knowing that a deactivated ``ApiClient`` is no
    client at all (``invalid_client``), whatever scopes it asks for."""

    def _load_application(self, client_id: str, request: Any) -> Any:
        application = super()._load_application(client_id, request)
        if application is not None and not ApiClient.objects.filter(application=application, is_active=True).exists():
            request.client = None
            return None
        return application


def _hit(key: str, limit: int) -> ratelimit.Hit:
    """Count this request for ``key`` in the current minute."""
    return ratelimit.hit("api", key, limit=limit, window=WINDOW_SECONDS)


def _too_many(hit: ratelimit.Hit) -> ApiError:
    wait = hit.retry_after
    return ApiError(
        429,
        "rate_limited",
        _("Quá nhiều yêu cầu. Vui lòng thử lại sau %(seconds)d giây.") % {"seconds": wait},
        headers={"Retry-After": str(wait)},
    )


def client_address(request: HttpRequest) -> str:
    # REMOTE_ADDR only, as everywhere in the province (accounts.services.RequestInfo):
    # behind a proxy, the server is the place to trust X-Forwarded-For.
    return str(request.META.get("REMOTE_ADDR", ""))


class AnonymousRate(BaseThrottle):
    """The public endpoints: ``API_ANONYMOUS_RATE_PER_MINUTE`` per address."""

    def allow_request(self, request: HttpRequest) -> bool:
        return not _hit(f"anon:{client_address(request)}", settings.API_ANONYMOUS_RATE_PER_MINUTE).limited

    def wait(self) -> float:
        return float(ratelimit.seconds_left(WINDOW_SECONDS))


class ClientToken(AuthBase):
    """A bearer token issued to an active ``ApiClient``, holding ``scopes`` (all of them, or
    one of them with ``any_of``). ``request.auth`` becomes the client. No or a bad/expired
    token → 401; a valid token without the scopes → 403; over the client's rate → 429."""

    openapi_type = "oauth2"
    openapi_description = "OAuth2 client credentials: POST /api/oauth/token/ (docs/api.md)"
    openapi_flows: ClassVar[dict[str, Any]] = {
        "clientCredentials": {"tokenUrl": "/api/oauth/token/", "scopes": known_scopes()}
    }

    def __init__(self, *scopes: str, any_of: bool = False) -> None:
        super().__init__()
        self.scopes = frozenset(scopes)
        self.any_of = any_of

    def __call__(self, request: HttpRequest) -> ApiClient | None:
        header = request.headers.get("Authorization", "")
        scheme, _sep, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise unauthorized(_("Thiếu mã truy cập (Authorization: Bearer …)."))
        return self.authenticate(request, token.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiClient | None:
        checksum = hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
        access = (
            get_access_token_model()
            .objects.select_related("application__api_client")
            .filter(token_checksum=checksum)
            .first()
        )
        client: ApiClient | None = getattr(access.application, "api_client", None) if access else None
        if access is None or client is None or not client.is_active or access.expires <= timezone.now():
            raise unauthorized(_("Mã truy cập không hợp lệ hoặc đã hết hạn."), error="invalid_token")
        granted = frozenset(access.scope.split()) & client.scope_set
        allowed = bool(self.scopes & granted) if self.any_of else self.scopes <= granted
        if not allowed:
            raise ApiError(
                403,
                "insufficient_scope",
                _("Ứng dụng không có quyền thực hiện thao tác này (cần phạm vi: %(scopes)s).")
                % {"scopes": " ".join(sorted(self.scopes))},
                headers={
                    "WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{" ".join(sorted(self.scopes))}"'
                },
            )
        limit = client.rate_per_minute or settings.API_CLIENT_RATE_PER_MINUTE
        hit = _hit(f"client:{client.pk}", limit)
        if hit.limited:
            raise _too_many(hit)
        request.api_scopes = granted  # type: ignore[attr-defined]
        return client


def unauthorized(message: str, *, error: str = "") -> ApiError:
    challenge = f'Bearer realm="api", error="{error}"' if error else 'Bearer realm="api"'
    return ApiError(401, "unauthorized", message, headers={"WWW-Authenticate": challenge})


def has_scope(request: HttpRequest, scope: str) -> bool:
    scopes: Iterable[str] = getattr(request, "api_scopes", ())
    return scope in scopes


@csrf_exempt
def token_view(request: HttpRequest) -> HttpResponse:
    """django-oauth-toolkit's token endpoint (client credentials), behind a per-address
    limit so that client secrets cannot be guessed at speed."""
    hit = _hit(f"token:{client_address(request)}", settings.API_TOKEN_RATE_PER_MINUTE)
    if hit.limited:
        response = HttpResponse(
            '{"error": "slow_down", "error_description": "Too many token requests"}',
            status=429,
            content_type="application/json",
        )
        response["Retry-After"] = str(hit.retry_after)
        return response
    answer: HttpResponse = TokenView.as_view()(request)
    return answer
