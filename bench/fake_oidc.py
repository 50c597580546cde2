"""A minimal, fast OpenID Connect provider for measuring the portal's side of a sign-in.

Not a provider anyone should use: it approves every request. The authorization "code" it
expects is ``<subject index>.<nonce>``, made by the load generator, so that no browser
sign-in is needed and the provider's own cost stays small and apart from the portal's.
Serve with: gunicorn 'bench.fake_oidc:make_app("http://127.0.0.1:PORT")'.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
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
            index, nonce = form["code"][0].split(".", 1)
            now = int(time.time())
            claims = {
                **person(int(index)),
                "iss": issuer,
                "aud": CLIENT_ID,
                "iat": now,
                "exp": now + 600,
                "nonce": nonce,
                "sid": f"sid-{index}-{now}",
            }
            token = jwt.encode({"alg": "RS256", "kid": KEY.kid}, claims, KEY)
            body = {"access_token": f"at.{index}", "token_type": "Bearer", "expires_in": 1800, "id_token": token}
        elif path.endswith("/userinfo"):
            index = int(environ.get("HTTP_AUTHORIZATION", "Bearer at.0").rsplit(".", 1)[1])
            body = person(index)
        else:
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"not found"]
        data = json.dumps(body).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    return app
