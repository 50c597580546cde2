from __future__ import annotations

import base64
from urllib.parse import parse_qs

import pytest
import responses
from joserfc import jwt
from joserfc.errors import BadSignatureError
from joserfc.jwk import KeySet

from sandbox.idp.backchannel import LOGOUT_EVENT
from sandbox.idp.models import SsoSession

from .conftest import CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, get_code, pkce_pair

pytestmark = pytest.mark.django_db
BACKCHANNEL = "http://127.0.0.1:8000/sso/backchannel-logout/"


def signed_in(client):
    verifier, challenge = pkce_pair()
    code = get_code(client, challenge)
    auth = "Basic " + base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    tokens = client.post(
        "/oauth2/token/",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECT_URI,
            "code_verifier": verifier,
        },
        HTTP_AUTHORIZATION=auth,
    ).json()
    return tokens["id_token"]


@responses.activate
def test_it_ends_the_sso_session_and_notifies_the_client_by_back_channel(client, an, rp):
    responses.add(responses.POST, BACKCHANNEL, status=200)
    id_token = signed_in(client)
    response = client.get(
        "/oauth2/logout/",
        {
            "id_token_hint": id_token,
            "post_logout_redirect_uri": "http://127.0.0.1:8000/",
            "state": "bye",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "http://127.0.0.1:8000/?state=bye"
    assert client.get("/tai-khoan/").status_code == 302
    session = SsoSession.objects.get()
    assert session.ended_at is not None
    assert len(responses.calls) == 1
    token = parse_qs(responses.calls[0].request.body)["logout_token"][0]
    keys = KeySet.import_key_set(client.get("/oauth2/.well-known/jwks.json").json())
    decoded = jwt.decode(token, keys, algorithms=["RS256"])
    assert decoded.header["typ"] == "logout+jwt"
    assert decoded.claims["aud"] == CLIENT_ID
    assert decoded.claims["sid"] == session.sid
    assert decoded.claims["sub"] == str(an.public_id)
    assert LOGOUT_EVENT in decoded.claims["events"]
    assert "nonce" not in decoded.claims


@responses.activate
def test_it_asks_for_credentials_again_after_logout(client, an, rp):
    responses.add(responses.POST, BACKCHANNEL, status=200)
    id_token = signed_in(client)
    client.get(
        "/oauth2/logout/",
        {"id_token_hint": id_token, "post_logout_redirect_uri": "http://127.0.0.1:8000/"},
    )
    _, challenge = pkce_pair()
    from .conftest import authorize_url

    again = client.get(authorize_url(challenge))
    assert again.status_code == 302 and "/dang-nhap/" in again["Location"]


def test_it_refuses_an_unregistered_post_logout_redirect(client, an, rp):
    id_token = signed_in(client)
    response = client.get(
        "/oauth2/logout/",
        {"id_token_hint": id_token, "post_logout_redirect_uri": "http://evil.example/"},
    )
    assert response.status_code == 400


@responses.activate
def test_it_logs_out_even_when_the_client_does_not_answer(client, an, rp):
    import requests

    responses.add(responses.POST, BACKCHANNEL, body=requests.ConnectionError("down"))
    signed_in(client)
    assert client.post("/dang-xuat/").status_code == 302
    assert SsoSession.objects.get().ended_at is not None
    assert client.get("/tai-khoan/").status_code == 302


@responses.activate
def test_a_tampered_logout_token_does_not_verify(client, an, rp):
    responses.add(responses.POST, BACKCHANNEL, status=200)
    signed_in(client)
    client.post("/dang-xuat/")
    token = parse_qs(responses.calls[0].request.body)["logout_token"][0]
    header, payload, signature = token.split(".")
    claims = jwt.decode(token, KeySet.import_key_set(client.get("/oauth2/.well-known/jwks.json").json())).claims
    claims["sub"] = "someone-else"
    forged_payload = base64.urlsafe_b64encode(__import__("json").dumps(claims).encode()).rstrip(b"=").decode()
    keys = KeySet.import_key_set(client.get("/oauth2/.well-known/jwks.json").json())
    with pytest.raises(BadSignatureError):
        jwt.decode(f"{header}.{forged_payload}.{signature}", keys, algorithms=["RS256"])
