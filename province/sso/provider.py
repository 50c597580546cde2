"""The upstream OpenID Connect provider: discovery, JWKS, HTTP and the Authlib client.

Discovery and JWKS live in the Django cache (shared by every web process, Redis in
production), so that a key rotation seen by one process is seen by all and a restart is not
needed to pick up new metadata. Each process also holds what it last read from that cache
for at most ``PROCESS_COPY_SECONDS`` (and the JWKS as parsed keys), so that a sign-in does
not pay a cache round trip per document and a key import per token; a token signed with a
key the process does not know still sends it to the shared cache first, then (at most every
``JWKS_MIN_REFRESH_SECONDS``) to the provider.

Every call to the provider goes through one connection pool per process: keep-alive
connections, no proxy settings read from the environment per request (``trust_env``), the
configured timeout.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any, cast

import requests
from authlib.integrations.django_client import DjangoOAuth2App, OAuth
from authlib.integrations.requests_client import OAuth2Session
from django.conf import settings
from django.core.signals import setting_changed
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from requests.adapters import HTTPAdapter

from province.ops import softcache

logger = logging.getLogger(__name__)

CLIENT_NAME = "national_sso"
_METADATA_KEY = "sso:metadata:v1"
_JWKS_KEY = "sso:jwks:v1"
_JWKS_REFRESH_LOCK = "sso:jwks:refreshed"
# A token with an unknown kid may force one JWKS re-fetch; at most that often, so a
# stream of forged kids cannot make us hammer the provider.
JWKS_MIN_REFRESH_SECONDS = 30
# How long a process trusts its own copy of what the shared cache holds.
PROCESS_COPY_SECONDS = 60


class ProviderUnavailable(RuntimeError):
    """The provider did not answer (network error, timeout, 5xx, not JSON)."""


class ProviderMisconfigured(RuntimeError):
    """The provider answered, but not as configured (e.g. discovery names another issuer)."""


class UnusableJwks(ValueError):
    """The provider's JWKS cannot be read as a set of keys."""


class _SharedAdapter(HTTPAdapter):
    """The process's connection pool. Authlib opens and closes a ``requests`` session per
    call; closing one of them must not close the pool the others use."""

    def close(self) -> None:
        return None


_ADAPTER = _SharedAdapter(pool_connections=4, pool_maxsize=32)


def _pooled(session: requests.Session) -> requests.Session:
    session.trust_env = False
    session.mount("https://", _ADAPTER)
    session.mount("http://", _ADAPTER)
    return session


class PooledOAuth2Session(OAuth2Session):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _pooled(self)


class PooledOAuth2App(DjangoOAuth2App):
    client_cls = PooledOAuth2Session


@dataclass(frozen=True)
class _Copy:
    """What this process last read from the shared cache (or the provider)."""

    issuer: str
    value: Any
    until: float


_copies: dict[str, _Copy] = {}
_lock = threading.Lock()
_clock = time.monotonic


def forget() -> None:
    """Drop this process's copies (settings changed, or a test cleared the cache)."""
    with _lock:
        _copies.clear()


def _forget_on_settings_change(*, setting: str, **kwargs: Any) -> None:
    if setting in ("NATIONAL_SSO", "CACHES"):
        forget()


setting_changed.connect(_forget_on_settings_change, dispatch_uid="province.sso.provider.forget")


def _held(name: str) -> Any:
    copy = _copies.get(name)
    if copy is None or copy.issuer != conf()["ISSUER"] or copy.until < _clock():
        return None
    return copy.value


def _hold(name: str, value: Any) -> Any:
    seconds = min(PROCESS_COPY_SECONDS, conf()["METADATA_CACHE_SECONDS"])
    if seconds > 0:
        with _lock:
            _copies[name] = _Copy(issuer=conf()["ISSUER"], value=value, until=_clock() + seconds)
    return value


def conf() -> dict[str, Any]:
    return cast(dict[str, Any], settings.NATIONAL_SSO)


def _get_json(url: str) -> dict[str, Any]:
    try:
        with _pooled(requests.Session()) as session:
            response = session.get(url, timeout=conf()["TIMEOUT_SECONDS"], headers={"Accept": "application/json"})
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
        held = _held("metadata")
        if held is not None:
            return cast(dict[str, Any], held)
        cached = softcache.get(_METADATA_KEY)
        if cached is not None:
            return cast(dict[str, Any], _hold("metadata", cached))
    metadata = _get_json(discovery_url())
    if metadata.get("issuer") != conf()["ISSUER"]:
        raise ProviderMisconfigured(f"discovery issuer {metadata.get('issuer')!r} != configured {conf()['ISSUER']!r}")
    for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
        if not metadata.get(field):
            raise ProviderMisconfigured(f"discovery lacks {field}")
    softcache.set(_METADATA_KEY, metadata, conf()["METADATA_CACHE_SECONDS"])
    return cast(dict[str, Any], _hold("metadata", metadata))


def load_jwks(*, force: bool = False) -> dict[str, Any]:
    if not force:
        cached = softcache.get(_JWKS_KEY)
        if cached is not None:
            return cast(dict[str, Any], cached)
    jwks = _get_json(str(load_metadata()["jwks_uri"]))
    if not isinstance(jwks.get("keys"), list):
        raise ProviderUnavailable("JWKS has no keys list")
    softcache.set(_JWKS_KEY, jwks, conf()["METADATA_CACHE_SECONDS"])
    return jwks


@dataclass(frozen=True)
class _Keys:
    jwks: dict[str, Any]
    keys: KeySet


def _parsed(jwks: dict[str, Any]) -> KeySet:
    """The JWKS as key objects, imported once per JWKS (not once per token)."""
    held = _held("jwks")
    if isinstance(held, _Keys) and held.jwks == jwks:
        keys = held.keys
    else:
        try:
            keys = KeySet.import_key_set(jwks)  # type: ignore[arg-type]
        except (JoseError, ValueError, TypeError, KeyError) as exc:
            raise UnusableJwks(str(exc)) from exc
    _hold("jwks", _Keys(jwks=jwks, keys=keys))
    return keys


def signing_keys(*, from_shared_cache: bool = False) -> KeySet:
    """The provider's keys: this process's copy, else the shared cache's, else fetched.

    ``from_shared_cache`` skips this process's copy (a kid it does not know may be one
    that another process has already fetched).
    """
    if not from_shared_cache:
        held = _held("jwks")
        if isinstance(held, _Keys):
            return held.keys
    return _parsed(load_jwks())


def refresh_jwks_once() -> KeySet | None:
    """Re-fetch the JWKS after an unknown kid, unless another request just did."""
    if not softcache.add(_JWKS_REFRESH_LOCK, 1, JWKS_MIN_REFRESH_SECONDS):
        return None
    logger.info("sso_jwks_refetch")
    return _parsed(load_jwks(force=True))


_app: tuple[dict[str, Any], dict[str, Any], DjangoOAuth2App] | None = None


def client() -> DjangoOAuth2App:
    """An Authlib Django client for the provider, fed with the discovery document.

    Built once per discovery document and configuration, and shared by the threads of the
    process: it keeps no per-request state (Authlib keeps the authorization state, nonce
    and PKCE verifier in the session, and opens a ``requests`` session per call, here on
    the process's connection pool).
    """
    global _app
    metadata = load_metadata()
    config = conf()
    built = _app
    if built is not None and built[0] == metadata and built[1] == config:
        return built[2]
    oauth = OAuth()
    oauth.register(
        name=CLIENT_NAME,
        client_cls=PooledOAuth2App,
        client_id=config["CLIENT_ID"],
        client_secret=config["CLIENT_SECRET"],
        client_kwargs={
            "scope": config["SCOPES"],
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "client_secret_basic",
            "default_timeout": config["TIMEOUT_SECONDS"],
        },
        **{key: value for key, value in metadata.items() if key not in ("jwks",)},
    )
    app = cast(DjangoOAuth2App, oauth.create_client(CLIENT_NAME))
    _app = (metadata, dict(config), app)
    return app
