"""The upstream OpenID Connect provider: discovery, JWKS and the Authlib client.

Discovery and JWKS live in the Django cache (shared by every web process, Redis in
production) instead of Authlib's per-process ``server_metadata`` dict, so a key rotation
seen by one process is seen by all, and a restart is not needed to pick up new metadata.
"""

from __future__ import annotations

import logging
from typing import Any, cast

import requests
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

CLIENT_NAME = "national_sso"
_METADATA_KEY = "sso:metadata:v1"
_JWKS_KEY = "sso:jwks:v1"
_JWKS_REFRESH_LOCK = "sso:jwks:refreshed"
# A token with an unknown kid may force one JWKS re-fetch; at most that often, so a
# stream of forged kids cannot make us hammer the provider.
JWKS_MIN_REFRESH_SECONDS = 30


class ProviderUnavailable(RuntimeError):
    """The provider did not answer (network error, timeout, 5xx, not JSON)."""


class ProviderMisconfigured(RuntimeError):
    """The provider answered, but not as configured (e.g. discovery names another issuer)."""


def conf() -> dict[str, Any]:
    return cast(dict[str, Any], settings.NATIONAL_SSO)


def _get_json(url: str) -> dict[str, Any]:
    try:
        response = requests.get(url, timeout=conf()["TIMEOUT_SECONDS"], headers={"Accept": "application/json"})
        response.raise_for_status()
        data = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(f"GET {url}: {exc}") from exc
    if not isinstance(data, dict):
        raise ProviderUnavailable(f"GET {url}: not a JSON object")
    return data


def discovery_url() -> str:
    return f"{conf()['ISSUER']}/.well-known/openid-configuration"


def load_metadata(*, force: bool = False) -> dict[str, Any]:
    """The provider's discovery document, checked to name the configured issuer."""
    if not force:
        cached = cache.get(_METADATA_KEY)
        if cached is not None:
            return cast(dict[str, Any], cached)
    metadata = _get_json(discovery_url())
    if metadata.get("issuer") != conf()["ISSUER"]:
        raise ProviderMisconfigured(f"discovery issuer {metadata.get('issuer')!r} != configured {conf()['ISSUER']!r}")
    for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not metadata.get(field):
            raise ProviderMisconfigured(f"discovery lacks {field}")
    cache.set(_METADATA_KEY, metadata, conf()["METADATA_CACHE_SECONDS"])
    return metadata


def load_jwks(*, force: bool = False) -> dict[str, Any]:
    if not force:
        cached = cache.get(_JWKS_KEY)
        if cached is not None:
            return cast(dict[str, Any], cached)
    jwks = _get_json(str(load_metadata()["jwks_uri"]))
    if not isinstance(jwks.get("keys"), list):
        raise ProviderUnavailable("JWKS has no keys list")
    cache.set(_JWKS_KEY, jwks, conf()["METADATA_CACHE_SECONDS"])
    return jwks


def refresh_jwks_once() -> dict[str, Any] | None:
    """Re-fetch the JWKS after an unknown kid, unless another request just did."""
    if not cache.add(_JWKS_REFRESH_LOCK, 1, JWKS_MIN_REFRESH_SECONDS):
        return None
    logger.info("sso_jwks_refetch")
    return load_jwks(force=True)


def client() -> DjangoOAuth2App:
    """An Authlib Django client for the provider, fed with the cached discovery document.

    A fresh registry per call is cheap and keeps no per-process metadata that could go
    stale; Authlib keeps authorization state (state, nonce, PKCE verifier) in the session.
    """
    metadata = load_metadata()
    oauth = OAuth()
    oauth.register(
        name=CLIENT_NAME,
        client_id=conf()["CLIENT_ID"],
        client_secret=conf()["CLIENT_SECRET"],
        client_kwargs={
            "scope": conf()["SCOPES"],
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "client_secret_basic",
            "default_timeout": conf()["TIMEOUT_SECONDS"],
        },
        **{key: value for key, value in metadata.items() if key not in ("jwks",)},
    )
    return cast(DjangoOAuth2App, oauth.create_client(CLIENT_NAME))
