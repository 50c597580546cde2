"""Verification of the provider's signed JWTs: ID tokens and back-channel logout tokens.

Written on joserfc directly rather than through Authlib's ``parse_id_token`` because
(1) Authlib takes the allowed algorithms from the provider's metadata, and we accept RS256
only whatever the provider advertises; (2) its JWKS lives in a per-process dict only, while
ours is in the shared Django cache (with a short-lived copy per process, see
``provider``) and re-fetched, rate-limited, on an unknown kid; and
(3) Authlib has no logout-token validation, which needs the same signature checks.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from joserfc.jwt import JWTClaimsRegistry

from . import provider

ALGORITHMS = ("RS256",)
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
_REGISTRY = JWSRegistry(algorithms=list(ALGORITHMS))


class TokenError(ValueError):
    """The token is not acceptable; the message is for logs, not for users."""


@dataclass(frozen=True)
class VerifiedToken:
    header: dict[str, Any]
    claims: dict[str, Any]


def _has_kid(keys: KeySet, kid: str | None) -> bool:
    return kid is None or any(key.kid == kid for key in keys.keys)


def _keys_for(kid: str | None) -> KeySet:
    """The provider's keys, holding ``kid`` if the provider has it.

    An unknown ``kid`` is looked for in the shared cache (another process may have fetched
    a rotated set already), then triggers one JWKS re-fetch (rate-limited); if the kid is
    still unknown the caller refuses the token.
    """
    try:
        keys = provider.signing_keys()
        if not _has_kid(keys, kid):
            keys = provider.signing_keys(from_shared_cache=True)
        if not _has_kid(keys, kid):
            refreshed = provider.refresh_jwks_once()
            if refreshed is not None:
                keys = refreshed
    except provider.UnusableJwks as exc:
        raise TokenError(f"unusable JWKS: {exc}") from exc
    return keys


def verify_signature(value: str) -> VerifiedToken:
    """Check the compact JWS against the provider's JWKS (RS256 only)."""
    try:
        header = jws.extract_compact(value.encode("ascii")).headers()
    except (JoseError, ValueError, UnicodeError) as exc:
        raise TokenError(f"not a JWS: {exc}") from exc
    if header.get("alg") not in ALGORITHMS:
        raise TokenError(f"algorithm {header.get('alg')!r} is not allowed")
    kid = header.get("kid")
    keys = _keys_for(kid)
    if not _has_kid(keys, kid):
        raise TokenError(f"unknown key id {kid!r}")
    try:
        token = jwt.decode(value, keys, algorithms=list(ALGORITHMS), registry=_REGISTRY)
    except (JoseError, ValueError) as exc:
        raise TokenError(f"bad signature or payload: {exc}") from exc
    return VerifiedToken(header=dict(token.header), claims=dict(token.claims))


def _validate(claims: dict[str, Any], registry: JWTClaimsRegistry) -> None:
    try:
        registry.validate(claims)
    except JoseError as exc:
        raise TokenError(f"claims: {exc}") from exc


def _check_audience(claims: dict[str, Any], client_id: str) -> None:
    aud = claims.get("aud")
    audiences = aud if isinstance(aud, list) else [aud]
    if client_id not in audiences:
        raise TokenError("audience does not name this client")
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise TokenError("azp must name this client when there are several audiences")


def verify_id_token(value: str, *, nonce: str) -> dict[str, Any]:
    """OIDC Core 3.1.3.7: signature, iss, aud (and azp), exp, iat and nonce."""
    if not nonce:
        raise TokenError("no nonce was stored for this login")
    conf = provider.conf()
    token = verify_signature(value)
    claims = token.claims
    registry = JWTClaimsRegistry(
        leeway=conf["LEEWAY_SECONDS"],
        iss={"essential": True, "value": conf["ISSUER"]},
        sub={"essential": True},
        exp={"essential": True},
        iat={"essential": True},
        nonce={"essential": True, "value": nonce},
    )
    _validate(claims, registry)
    _check_audience(claims, conf["CLIENT_ID"])
    return claims


def verify_logout_token(value: str) -> dict[str, Any]:
    """OIDC Back-Channel Logout 1.0 §2.6 (the jti replay check is the caller's)."""
    conf = provider.conf()
    token = verify_signature(value)
    typ = token.header.get("typ")
    if typ is not None and typ.lower() not in ("logout+jwt", "jwt", "application/logout+jwt"):
        raise TokenError(f"typ {typ!r} is not a logout token")
    claims = token.claims
    registry = JWTClaimsRegistry(
        leeway=conf["LEEWAY_SECONDS"],
        iss={"essential": True, "value": conf["ISSUER"]},
        iat={"essential": True},
        jti={"essential": True},
    )
    _validate(claims, registry)
    _check_audience(claims, conf["CLIENT_ID"])
    iat = claims.get("iat")
    if not isinstance(iat, int | float) or iat > time.time() + conf["LEEWAY_SECONDS"]:
        raise TokenError("iat is in the future")
    events = claims.get("events")
    if not isinstance(events, dict) or BACKCHANNEL_EVENT not in events:
        raise TokenError("events lacks the back-channel logout event")
    if "nonce" in claims:
        raise TokenError("a logout token must not contain a nonce")
    if not claims.get("sid") and not claims.get("sub"):
        raise TokenError("a logout token needs sid or sub")
    return claims
