from __future__ import annotations

import base64
import json
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client as HttpClient
from joserfc import jwt
from joserfc.jwk import KeySet

from sandbox.idp.models import SsoSession

from .conftest import CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, authorize_url, get_code, pkce_pair, vneid_login

pytestmark = pytest.mark.django_db
ISSUER = "http://127.0.0.1:8001/oauth2"


def basic(client_id=CLIENT_ID, secret=CLIENT_SECRET):
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()


def exchange(client, code, verifier, *, redirect_uri=REDIRECT_URI, auth="basic"):
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": redirect_uri,
        "code_verifier": verifier,
    }
    if auth == "basic":
        return client.post("/oauth2/token/", data, HTTP_AUTHORIZATION=basic())
    data.update(client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    return client.post("/oauth2/token/", data)


def verify(client, token):
    keys = KeySet.import_key_set(client.get("/oauth2/.well-known/jwks.json").json())
    return jwt.decode(token, keys, algorithms=["RS256"])


def test_it_publishes_a_discovery_document(client, db):
    doc = client.get("/oauth2/.well-known/openid-configuration").json()
    assert doc["issuer"] == ISSUER
    assert doc["code_challenge_methods_supported"] == ["S256"]
    assert doc["id_token_signing_alg_values_supported"] == ["RS256"]
    assert doc["backchannel_logout_supported"] is True
    assert doc["backchannel_logout_session_supported"] is True
    assert doc["end_session_endpoint"].endswith("/oauth2/logout/")
    assert set(doc["token_endpoint_auth_methods_supported"]) == {
        "client_secret_basic",
        "client_secret_post",
    }
    assert {"SoDinhDanh", "HoVaTen", "TechID", "sid"} <= set(doc["claims_supported"])


def test_it_signs_in_through_the_whole_code_flow(client, an, rp):
    verifier, challenge = pkce_pair()
    code = get_code(client, challenge)
    response = exchange(client, code, verifier)
    assert response.status_code == 200, response.content
    tokens = response.json()
    assert tokens["expires_in"] == 1800
    id_token = verify(client, tokens["id_token"])
    claims = id_token.claims
    assert id_token.header["alg"] == "RS256" and id_token.header["kid"]
    assert claims["iss"] == ISSUER and claims["aud"] == CLIENT_ID and claims["nonce"] == "n-1"
    assert claims["SoDinhDanh"] == "001099012345"
    assert claims["HoVaTen"] == "NGUYỄN VĂN AN"
    assert claims["NgayThangNamSinh"] == "19990512"
    assert claims["GioiTinh"] == "Nam"
    assert claims["loAs"] == 2 and claims["LoaiTaiKhoan"] == 1
    assert claims["sub"] == str(an.public_id)
    assert claims["sid"] == SsoSession.objects.get().sid
    userinfo = client.get("/oauth2/userinfo/", HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}").json()
    assert userinfo["sub"] == claims["sub"]
    assert userinfo["SoDienThoai"] == "0912345678"
    assert userinfo["ThuongTru"].startswith("Phường Hoàn Kiếm")


def test_it_accepts_client_secret_post(client, an, rp):
    verifier, challenge = pkce_pair()
    assert exchange(client, get_code(client, challenge), verifier, auth="post").status_code == 200


def test_it_releases_claims_by_scope(client, an, rp):
    verifier, challenge = pkce_pair()
    code = get_code(client, challenge, scope="openid")
    claims = verify(client, exchange(client, code, verifier).json()["id_token"]).claims
    assert "TechID" in claims
    assert "SoDinhDanh" not in claims and "HoVaTen" not in claims and "SoDienThoai" not in claims


def test_it_signs_in_again_without_credentials_while_the_sso_session_lasts(client, an, rp):
    _, challenge = pkce_pair()
    get_code(client, challenge)
    again = client.get(authorize_url(challenge, state="st-2"))
    assert again.status_code == 302 and again["Location"].startswith(REDIRECT_URI)


def test_it_answers_the_authorization_request_at_the_otp_step(client, an, rp):
    _, challenge = pkce_pair()
    first = client.get(authorize_url(challenge, state="st-7"))
    client.get(first["Location"])
    done = vneid_login(client)
    # One redirect, straight to the client with the code and the client's state.
    assert done.status_code == 302 and done["Location"].startswith(REDIRECT_URI)
    query = parse_qs(urlparse(done["Location"]).query)
    assert query["state"] == ["st-7"] and query["code"]
    assert query["iss"] == [ISSUER]


def test_it_redirects_after_sign_in_to_a_next_page_that_is_not_the_authorize_endpoint(client, an, rp):
    client.get("/dang-nhap/", {"next": "/tai-khoan/"})
    assert vneid_login(client)["Location"] == "/tai-khoan/"


def test_it_exchanges_a_code_without_a_csrf_token(client, an, rp):
    # Relying parties authenticate themselves and send no cookies: the token endpoint is
    # exempt from CSRF checks, as django-oauth-toolkit's own.
    verifier, challenge = pkce_pair()
    code = get_code(client, challenge)
    assert exchange(HttpClient(enforce_csrf_checks=True), code, verifier).status_code == 200


def test_it_refuses_a_replayed_code(client, an, rp):
    verifier, challenge = pkce_pair()
    code = get_code(client, challenge)
    assert exchange(client, code, verifier).status_code == 200
    replay = exchange(client, code, verifier)
    assert replay.status_code == 400 and replay.json()["error"] == "invalid_grant"


def test_it_refuses_a_wrong_pkce_verifier(client, an, rp):
    _, challenge = pkce_pair()
    code = get_code(client, challenge)
    other_verifier, _ = pkce_pair()
    response = exchange(client, code, other_verifier)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


def test_it_refuses_a_token_request_with_another_redirect_uri(client, an, rp):
    verifier, challenge = pkce_pair()
    code = get_code(client, challenge)
    response = exchange(client, code, verifier, redirect_uri="http://127.0.0.1:8000/other/")
    assert response.status_code == 400


def test_it_does_not_redirect_to_an_unregistered_redirect_uri(client, an, rp):
    _, challenge = pkce_pair()
    url = authorize_url(challenge, redirect_uri="http://evil.example/cb")
    response = client.get(url)
    assert response.status_code == 400
    assert "Location" not in response


def test_it_refuses_an_unknown_client(client, an, rp):
    _, challenge = pkce_pair()
    response = client.get(authorize_url(challenge, client_id="unknown-client"))
    assert response.status_code == 400
    assert "Location" not in response


def test_it_requires_pkce(client, an, rp):
    verifier, challenge = pkce_pair()
    url = (
        authorize_url(challenge).replace("&code_challenge=" + challenge, "").replace("&code_challenge_method=S256", "")
    )
    client.get("/dang-nhap/")
    get_code(client, challenge)  # sign in first
    response = client.get(url)
    assert "code=" not in response.get("Location", "")
    assert "error=invalid_request" in response.get("Location", "") or response.status_code == 400


def test_it_refuses_the_plain_pkce_method(client, an, rp):
    _, challenge = pkce_pair()
    get_code(client, challenge)
    response = client.get(
        authorize_url("plain-challenge-plain-challenge-plain-challenge-1234", code_challenge_method="plain")
    )
    assert "code=" not in response.get("Location", "")


def test_it_refuses_a_wrong_client_secret(client, an, rp):
    verifier, challenge = pkce_pair()
    code = get_code(client, challenge)
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier,
    }
    response = client.post("/oauth2/token/", data, HTTP_AUTHORIZATION=basic(secret="wrong-secret-wrong"))
    assert response.status_code == 401


def test_it_gives_a_business_account_its_business_claims(client, business_account, rp):
    verifier, challenge = pkce_pair()
    first = client.get(authorize_url(challenge, scope="openid profile dinhdanh doanhnghiep"))
    client.get(first["Location"])
    client.post(
        "/dang-nhap/dvcqg/",
        {
            "ten_dang_nhap": "0901234567",
            "mat_khau": "Doanhnghiep@2024",
            "ma_xac_thuc_0": "x",
            "ma_xac_thuc_1": "PASSED",
            "cach": "dvcqg",
        },
    )
    from .conftest import code_from, last_code

    done = client.post("/dang-nhap/otp/", {"ma_otp": last_code("0912345678"), "action": "confirm"})
    code = code_from(done)
    claims = verify(client, exchange(client, code, verifier).json()["id_token"]).claims
    assert claims["LoaiTaiKhoan"] == 2
    assert claims["MaSoDoanhNghiep"] == "0901234567"
    assert claims["TenDoanhNghiep"] == "CÔNG TY TNHH AN PHÁT"
    assert claims["SoDinhDanh"] == "001099012345"


def test_it_tells_the_relying_party_how_the_person_signed_in(client, an, legacy_cmnd, rp):
    verifier, challenge = pkce_pair()
    claims = verify(client, exchange(client, get_code(client, challenge), verifier).json()["id_token"]).claims
    assert claims["PhuongThucXacThuc"] == "vneid"

    other = type(client)()
    verifier, challenge = pkce_pair()
    first = other.get(authorize_url(challenge, state="st-9"))
    other.get(first["Location"])
    other.post(
        "/dang-nhap/dvcqg/",
        {
            "cach": "dvcqg",
            "ten_dang_nhap": "125678901",
            "mat_khau": "Dvcqg@2024",
            "ma_xac_thuc_0": "x",
            "ma_xac_thuc_1": "PASSED",
        },
    )
    from .conftest import code_from, last_code

    done = other.post("/dang-nhap/otp/", {"ma_otp": last_code("0987654321"), "action": "confirm"})
    code = code_from(done)
    claims = verify(other, exchange(other, code, verifier).json()["id_token"]).claims
    assert claims["PhuongThucXacThuc"] == "dvcqg"
    assert claims["SoCMND"] == "125678901" and "SoDinhDanh" not in claims


def test_it_publishes_an_inactive_key_beside_the_active_one(client, settings, db):
    from oauth2_provider.settings import oauth2_settings

    from sandbox.idp.keys import generate_pem

    conf = dict(settings.OAUTH2_PROVIDER)
    conf["OIDC_RSA_PRIVATE_KEYS_INACTIVE"] = [generate_pem()]
    settings.OAUTH2_PROVIDER = conf
    keys = client.get("/oauth2/.well-known/jwks.json").json()["keys"]
    assert len(keys) == 2 and keys[0]["kid"] != keys[1]["kid"]
    assert all("d" not in key for key in keys)  # public parts only
    assert oauth2_settings.OIDC_RSA_PRIVATE_KEYS_INACTIVE


def test_it_rotates_keys_keeping_the_previous_one(tmp_path):
    from sandbox.idp.keys import load_keys, rotate

    active, inactive = load_keys(tmp_path)
    assert inactive == []
    rotate(tmp_path)
    new_active, new_inactive = load_keys(tmp_path)
    assert new_active != active and new_inactive == [active]
    rotate(tmp_path)
    _, kept = load_keys(tmp_path)
    assert kept == [new_active]  # only the previous key stays published


def test_it_never_puts_the_private_key_in_the_jwks(client, db):
    body = json.dumps(client.get("/oauth2/.well-known/jwks.json").json())
    assert '"d"' not in body and '"p"' not in body


def test_it_keeps_no_tokens_from_an_exchange_that_fails_at_the_end(client, an, rp, monkeypatch):
    # As when a concurrent exchange of the same code deleted it first: the code's deletion
    # finds nothing, the request is refused, and the tokens written before are not kept.
    from oauth2_provider.models import AccessToken, IDToken, RefreshToken
    from oauthlib.oauth2.rfc6749 import errors

    from sandbox.idp.oidc import SandboxValidator

    def already_used(self, client_id, code, request, *args, **kwargs):
        raise errors.InvalidGrantError(request=request)

    verifier, challenge = pkce_pair()
    code = get_code(client, challenge)
    monkeypatch.setattr(SandboxValidator, "invalidate_authorization_code", already_used)
    response = exchange(client, code, verifier)
    assert response.status_code == 400 and json.loads(response.content)["error"] == "invalid_grant"
    assert not AccessToken.objects.exists()
    assert not RefreshToken.objects.exists()
    assert not IDToken.objects.exists()
