"""django-oauth-toolkit customised for the national SSO stand-in.

What DOT does not do on its own and is added here: claims named as the national SSO names
them and released by scope, ``sub`` as a stable public id (not the database key), the SSO
session id (``sid``) carried from the browser's session through the authorization code into
the ID token, discovery metadata for back-channel logout, RS256 only, and back-channel logout
when a session ends by RP-initiated logout.
"""

from __future__ import annotations

import copy
import json
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlsplit

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.models import IDToken
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.views import AuthorizationView, ConnectDiscoveryInfoView, RPInitiatedLogoutView, TokenView
from oauthlib.oauth2.rfc6749.utils import scope_to_list

from .claims import CLAIM_SCOPES, account_claims, login_method_claim
from .models import Account, Client, Grant, SsoSession
from .services import SESSION_SID_KEY, close_sso_session, current_sso_session

# The clients read during one HTTP request to the authorize or token endpoint (see
# ``RequestClientCache``); None outside such a request.
_request_clients: ContextVar[dict[str, Client] | None] = ContextVar("sandbox_request_clients", default=None)


class SandboxValidator(OAuth2Validator):
    oidc_claim_scope = {"sub": "openid", "sid": "openid", **CLAIM_SCOPES}

    def __init__(self) -> None:
        super().__init__()
        # The last ID token this validator signed: (serialized JWT, its row). DOT's views
        # build a validator per request; one entry keeps a shared validator from growing.
        self._last_id_token: tuple[str, IDToken] | None = None

    def _load_application(self, client_id: str, request: Any) -> Client | None:
        # DOT builds a fresh oauthlib request, and reads the client again, for each step of
        # one HTTP request (validate, then create the response); within that HTTP request
        # the row is read once. DOT still checks that the client is usable.
        clients = _request_clients.get()
        if clients is not None and not request.client and client_id in clients:
            request.client = clients[client_id]
        client: Client | None = super()._load_application(client_id, request)
        if clients is not None and client is not None:
            clients[client_id] = client
        return client

    def get_claim_dict(self, request: Any) -> dict[str, Any]:
        account: Account = request.user
        claims: dict[str, Any] = {"sub": str(account.public_id)}
        claims.update(self.get_additional_claims(request))
        return claims

    def get_additional_claims(self, request: Any) -> dict[str, Any]:
        claims = account_claims(request.user)
        sid = getattr(request, "sso_sid", "")
        if sid:
            claims["sid"] = sid
            method = SsoSession.objects.filter(sid=sid).values_list("method", flat=True).first()
            if method:
                claims["PhuongThucXacThuc"] = login_method_claim(method)
        return claims

    def get_discovery_claims(self, request: Any) -> list[str]:
        return ["sub", "sid", *CLAIM_SCOPES]

    def _create_authorization_code(self, request: Any, code: Any, expires: Any = None) -> Grant:
        grant: Grant = super()._create_authorization_code(request, code, expires)
        sid = getattr(request, "sso_sid", "") or ""
        if sid:
            Grant.objects.filter(pk=grant.pk).update(sid=sid)
        return grant

    def _grant(self, code: str, request: Any) -> Grant | None:
        """The grant of ``code``, read once per token request.

        oauthlib asks the validator about the same code six times (scopes, the code itself,
        redirect URI, PKCE challenge and method, nonce) and DOT reads the row each time; one
        read, with the account and what its claims need, serves them all. The grant is
        still deleted (and a replay refused) by DOT's ``invalidate_authorization_code``.
        """
        cached: Grant | None = getattr(request, "sandbox_grant", None)
        if cached is not None and cached.code == code:
            return cached
        grant: Grant | None = Grant.objects.select_related("user__resident").filter(code=code).first()
        request.sandbox_grant = grant
        return grant

    def _client_grant(self, code: str, request: Any, client: Any = None) -> Grant:
        """The grant of ``code`` issued to the authenticated client (as DOT's ``.get``)."""
        grant = self._grant(code, request)
        client = client or request.client
        if grant is None or client is None or grant.application_id != client.pk:
            raise Grant.DoesNotExist
        return grant

    def get_authorization_code_scopes(self, client_id: str, code: str, redirect_uri: str, request: Any) -> list[str]:
        grant = self._grant(code, request)
        scopes: list[str] = scope_to_list(grant.scope) if grant is not None and grant.scope else []
        return scopes

    def get_authorization_code_nonce(self, client_id: str, code: str, redirect_uri: str, request: Any) -> str | None:
        grant = self._grant(code, request)
        return grant.nonce if grant is not None and grant.nonce else None

    def confirm_redirect_uri(
        self, client_id: str, code: str, redirect_uri: str, client: Any, request: Any, *args: Any, **kwargs: Any
    ) -> bool:
        allowed: bool = self._client_grant(code, request, client).redirect_uri_allowed(redirect_uri)
        return allowed

    def get_code_challenge(self, code: str, request: Any) -> str | None:
        return self._client_grant(code, request).code_challenge or None

    def get_code_challenge_method(self, code: str, request: Any) -> str | None:
        return self._client_grant(code, request).code_challenge_method or None

    def validate_code(self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        # DOT's own version, reading the grant once and also carrying its ``sid`` along.
        grant = self._grant(code, request)
        if grant is None or grant.application_id != client.pk or grant.is_expired():
            return False
        request.scopes = grant.scope.split(" ")
        request.user = grant.user
        if grant.nonce:
            request.nonce = grant.nonce
        if grant.claims:
            request.claims = json.loads(grant.claims)
        request.sso_sid = grant.sid
        return True

    def finalize_id_token(self, id_token: Any, token: Any, token_handler: Any, request: Any) -> str:
        sid = getattr(request, "sso_sid", "")
        if sid:
            # Remember which clients got a token in this SSO session: they are the ones to
            # notify by back-channel logout when the session ends.
            SsoSession.clients.through.objects.bulk_create(
                [SsoSession.clients.through(ssosession_id=sid, client_id=request.client.pk)], ignore_conflicts=True
            )
        result: str = super().finalize_id_token(id_token, token, token_handler, request)
        self._last_id_token = (result, request.id_token)
        return result

    def _load_id_token(self, token: str) -> IDToken | None:
        # DOT links the access token to the ID token issued with it by decoding the JWT it
        # has just signed: verify its signature, read the client again by audience and the
        # ID token row by ``jti``. This validator has that row at hand.
        last = self._last_id_token
        if last is not None and last[0] == token:
            return last[1]
        loaded: IDToken | None = super()._load_id_token(token)
        return loaded


class RequestClientCache:
    """Views whose validator reads each client at most once per HTTP request."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        token = _request_clients.set({})
        try:
            response: HttpResponse = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        finally:
            _request_clients.reset(token)
        return response


@method_decorator(csrf_exempt, name="dispatch")
class SsoTokenView(RequestClientCache, TokenView):
    """DOT's token endpoint; CSRF-exempt as DOT's own (clients authenticate, no cookies).

    The whole exchange is one transaction, kept only when tokens are issued: DOT writes the
    ID token, the access and refresh tokens and deletes the code in separate transactions,
    so a refused request (a code replayed concurrently, whose deletion finds nothing) left
    the tokens it had written behind. One commit instead of four also costs less.
    """

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        with transaction.atomic():
            response: HttpResponse = super().post(request, *args, **kwargs)
            if response.status_code != 200:
                transaction.set_rollback(True)
        return response


class SsoAuthorizationView(RequestClientCache, AuthorizationView):
    """The authorize endpoint: passes the browser's SSO session id to the code it issues.

    The request (client, redirect URI, PKCE) is validated before the sign-in page is shown:
    a person should never type credentials for a request that will be refused anyway, and an
    unknown client or redirect URI must not get as far as a login page.
    """

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "GET" and not request.user.is_authenticated:
            try:
                self.validate_authorization_request(request)
            except OAuthToolkitError as error:
                response: HttpResponse = self.error_response(error, application=None)
                return response
        result: HttpResponse = super().dispatch(request, *args, **kwargs)
        return result

    def create_authorization_response(
        self, request: HttpRequest, scopes: str, credentials: dict[str, Any], allow: bool
    ) -> Any:
        credentials["sso_sid"] = request.session.get(SESSION_SID_KEY, "")
        return super().create_authorization_response(request, scopes, credentials, allow)


def authorize_after_login(request: HttpRequest, next_url: str) -> HttpResponse | None:
    """Answer, in this request, the authorization request that sent the browser to sign in.

    When a sign-in completes with an authorize URL as its next step, the browser would be
    redirected there only to be redirected on to the client with a code. Instead the
    authorize view runs here on that URL, as a GET of this signed-in browser: DOT
    validates the whole request again (client, redirect URI, PKCE, scopes, prompt) and
    answers with the redirect to the client, or its error page. Returns ``None`` when
    ``next_url`` is not the authorize endpoint.
    """
    parts = urlsplit(next_url)
    if parts.scheme or parts.netloc or parts.path != reverse("oauth2_provider:authorize"):
        return None
    inner = copy.copy(request)
    inner.method = "GET"
    inner.GET = QueryDict(parts.query)
    inner.POST = QueryDict()
    inner.path = inner.path_info = parts.path
    inner.META = {**request.META, "REQUEST_METHOD": "GET", "QUERY_STRING": parts.query, "PATH_INFO": parts.path}
    response: HttpResponse = SsoAuthorizationView.as_view()(inner)
    return response


class SsoDiscoveryView(ConnectDiscoveryInfoView):
    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        data = json.loads(response.content)
        data.update(
            id_token_signing_alg_values_supported=["RS256"],
            code_challenge_methods_supported=["S256"],
            backchannel_logout_supported=True,
            backchannel_logout_session_supported=True,
            grant_types_supported=["authorization_code"],
            response_modes_supported=["query"],
            claims_parameter_supported=False,
            request_parameter_supported=False,
        )
        result = JsonResponse(data)
        result["Access-Control-Allow-Origin"] = "*"
        return result


class SsoLogoutView(RPInitiatedLogoutView):
    """RP-initiated logout that also ends the SSO session and notifies the other clients."""

    def do_logout(
        self,
        application: Any = None,
        post_logout_redirect_uri: str | None = None,
        state: str | None = None,
        token_user: Any = None,
    ) -> HttpResponse:
        sso_session = current_sso_session(self.request)
        response: HttpResponse = super().do_logout(application, post_logout_redirect_uri, state, token_user)
        if sso_session is not None:
            close_sso_session(sso_session=sso_session, request=self.request)
        return response
