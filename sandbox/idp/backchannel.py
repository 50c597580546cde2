"""OpenID Connect Back-Channel Logout 1.0, sending side (not part of django-oauth-toolkit).

When an SSO session ends, every client that received an ID token in it and registered a
``backchannel_logout_uri`` gets a signed logout token by a direct POST. Delivery is
best-effort with a short timeout, as the spec allows; failures are logged, never retried
forever, and never block the user's logout.
"""

from __future__ import annotations

import logging
import secrets
import time
from typing import TYPE_CHECKING, Any

import requests
from django.conf import settings
from joserfc import jwt
from joserfc.jwk import RSAKey
from oauth2_provider.settings import oauth2_settings

if TYPE_CHECKING:
    from .models import Client, SsoSession

logger = logging.getLogger(__name__)

LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout"


def signing_key() -> RSAKey:
    key = RSAKey.import_key(oauth2_settings.OIDC_RSA_PRIVATE_KEY)
    return key


def make_logout_token(*, client: Client, sub: str, sid: str, now: int | None = None) -> str:
    issued = int(time.time()) if now is None else now
    key = signing_key()
    claims: dict[str, Any] = {
        "iss": oauth2_settings.OIDC_ISS_ENDPOINT,
        "aud": client.client_id,
        "iat": issued,
        "exp": issued + 120,
        "jti": secrets.token_urlsafe(16),
        "sub": sub,
        "sid": sid,
        "events": {LOGOUT_EVENT: {}},
    }
    header = {"alg": "RS256", "kid": key.thumbprint(), "typ": "logout+jwt"}
    return jwt.encode(header, claims, key)


def notify_clients(sso_session: SsoSession) -> list[tuple[str, bool]]:
    """POST a logout token to each client of the session; return (client_id, delivered)."""
    results: list[tuple[str, bool]] = []
    timeout = settings.SANDBOX["BACKCHANNEL_TIMEOUT_SECONDS"]
    sub = str(sso_session.account.public_id)
    for client in sso_session.clients.exclude(backchannel_logout_uri=""):
        token = make_logout_token(client=client, sub=sub, sid=sso_session.sid)
        try:
            response = requests.post(
                client.backchannel_logout_uri,
                data={"logout_token": token},
                timeout=timeout,
                allow_redirects=False,
            )
            delivered = response.status_code == 200
        except requests.RequestException as exc:
            logger.warning("backchannel_logout_failed client=%s error=%s", client.client_id, type(exc).__name__)
            delivered = False
        if not delivered:
            logger.warning("backchannel_logout_refused client=%s", client.client_id)
        results.append((client.client_id, delivered))
    return results
