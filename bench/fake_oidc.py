"""A minimal, fast OpenID Connect provider for measuring the portal's side of a sign-in.

Not a provider anyone should use: it approves every request. The authorization "code" it
expects is made by the load generator, so that no browser sign-in is needed and the
provider's own cost stays small and apart from the portal's. Two forms:

- ``<subject index>.<nonce>``: the made-up person ``person(index)``;
- ``<base64url JSON of claims>.<nonce>`` (see ``claims_code``): exactly those claims, so that
  a bench can sign in people who are already in the portal's database (bench/scale.py).

The ID token adds iss/aud/iat/exp/nonce/sid; the access token carries the same first part,
and userinfo answers with the same claims.
Serve with: gunicorn 'bench.fake_oidc:make_app("http://127.0.0.1:PORT")', or ``serving()``.
"""

from __future__ import annotations

import base64
import contextlib
import json
import subprocess
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any
from urllib.parse import parse_qs

from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "province-portal"
KEY = RSAKey.generate_key(2048, parameters={"use": "sig", "alg": "RS256"}, auto_kid=True)


def person(index: int) -> dict[str, Any]:
    return {
        "sub": f"bench-{index}",
        "TechID": f"tech{index:08d}",
        "loAs": 2,
        "LoaiTaiKhoan": 1,
        "SoDinhDanh": f"0010990{index:05d}",
        "HoVaTen": f"NGƯỜI THỬ {index}",
        "NgayThangNamSinh": "19990101",
        "GioiTinh": "Nam",
        "SoDienThoai": f"0399{index:06d}",
        "ThuongTru": "Phường Phố Hiến, Tỉnh Hưng Yên",
    }


def claims_code(claims: dict[str, Any], nonce: str) -> str:
    """The authorization code that makes this provider assert ``claims`` (which name ``sub``)."""
    encoded = base64.urlsafe_b64encode(json.dumps(claims, ensure_ascii=False).encode()).rstrip(b"=").decode()
    return f"{encoded}.{nonce}"


def _claims(subject: str) -> dict[str, Any]:
    """The claims that the first part of a code or access token stands for."""
    if subject.isdigit():
        return person(int(subject))
    claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(subject + "=" * (-len(subject) % 4)))
    return claims


def make_app(issuer: str) -> Callable[..., Iterable[bytes]]:
    discovery = {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/authorize",
        "token_endpoint": f"{issuer}/token",
        "userinfo_endpoint": f"{issuer}/userinfo",
        "jwks_uri": f"{issuer}/jwks",
        "end_session_endpoint": f"{issuer}/logout",
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic"],
    }
    jwks = {"keys": [KEY.as_dict(private=False)]}

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ["PATH_INFO"]
        body: Any
        if path.endswith("/.well-known/openid-configuration"):
            body = discovery
        elif path.endswith("/jwks"):
            body = jwks
        elif path.endswith("/token"):
            length = int(environ.get("CONTENT_LENGTH") or 0)
            form = parse_qs(environ["wsgi.input"].read(length).decode())
            subject, nonce = form["code"][0].split(".", 1)
            now = int(time.time())
            asserted = _claims(subject)
            claims = {
                **asserted,
                "iss": issuer,
                "aud": CLIENT_ID,
                "iat": now,
                "exp": now + 600,
                "nonce": nonce,
                "sid": f"sid-{subject if subject.isdigit() else asserted['sub']}-{now}",
            }
            token = jwt.encode({"alg": "RS256", "kid": KEY.kid}, claims, KEY)
            body = {"access_token": f"at.{subject}", "token_type": "Bearer", "expires_in": 1800, "id_token": token}
        elif path.endswith("/userinfo"):
            body = _claims(environ.get("HTTP_AUTHORIZATION", "Bearer at.0").rsplit(".", 1)[1])
        else:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        data = json.dumps(body).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    return app


@contextlib.contextmanager
def serving() -> Iterator[str]:
    """The provider under gunicorn on a free local port, for the block; yields its issuer."""
    from bin.stack import PY, REPO, free_port, wait_for

    port = free_port()
    issuer = f"http://127.0.0.1:{port}/oauth2"
    provider = subprocess.Popen(
        [PY, "-m", "gunicorn", f"bench.fake_oidc:make_app({issuer!r})", "--bind", f"127.0.0.1:{port}"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"{issuer}/.well-known/openid-configuration")
        yield issuer
    finally:
        provider.terminate()
        provider.wait(10)
