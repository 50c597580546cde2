"""django-oauth-toolkit customised for the national SSO stand-in.

What DOT does not do on its own and is added here: claims named as the national SSO names
them and released by scope, ``sub`` as a stable public id (not the database key), the SSO
session id (``sid``) carried from the browser's session through the authorization code into
the ID token, discovery metadata for back-channel logout, RS256 only, and back-channel logout
when a session ends by RP-initiated logout.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from oauth2_provider.exceptions import OAuthToolkitError
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.views import AuthorizationView, ConnectDiscoveryInfoView, RPInitiatedLogoutView

from .claims import CLAIM_SCOPES, account_claims, login_method_claim
from .models import Account, Grant, SsoSession
from .services import SESSION_SID_KEY, close_sso_session, current_sso_session


class SandboxValidator(OAuth2Validator):
    oidc_claim_scope = {"sub": "openid", "sid": "openid", **CLAIM_SCOPES}

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

    def validate_code(self, client_id: str, code: str, client: Any, request: Any, *args: Any, **kwargs: Any) -> bool:
        # DOT's own version, reading the grant once and also carrying its ``sid`` along.
        grant = Grant.objects.select_related("user").filter(code=code, application=client).first()
        if grant is None or grant.is_expired():
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
        return result


class SsoAuthorizationView(AuthorizationView):
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
