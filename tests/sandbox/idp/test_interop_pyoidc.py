"""The sandbox SSO driven by an independent, OpenID-certified client library (pyoidc).

The provincial system uses Authlib; this test uses pyoidc (``oic``), so that the provider is
checked against a second implementation's reading of the specs, over real HTTP.
"""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
import requests
from oic import rndstr
from oic.oic import Client as OidcClient
from oic.oic.message import AuthorizationResponse, RegistrationResponse
from oic.utils.authn.client import CLIENT_AUTHN_METHOD

from .conftest import CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, last_code

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def issuer(live_server, settings):
    conf = dict(settings.OAUTH2_PROVIDER)
    conf["OIDC_ISS_ENDPOINT"] = f"{live_server.url}/oauth2"
    settings.OAUTH2_PROVIDER = conf
    return conf["OIDC_ISS_ENDPOINT"]


def browser_sign_in(session: requests.Session, login_url: str, base: str) -> str:
    to_login = session.get(login_url, allow_redirects=False)
    assert to_login.status_code == 302
    session.get(base + to_login.headers["Location"])
    csrf = session.cookies["nsso_csrftoken"]
    step = session.post(
        f"{base}/dang-nhap/vneid/",
        data={
            "csrfmiddlewaretoken": csrf,
            "so_dinh_danh": "001099012345",
            "mat_khau": "Vneid@2024",
        },
        headers={"Referer": f"{base}/dang-nhap/"},
        allow_redirects=False,
    )
    assert step.status_code == 302, step.text[:300]
    done = session.post(
        f"{base}/dang-nhap/otp/",
        data={
            "csrfmiddlewaretoken": session.cookies["nsso_csrftoken"],
            "ma_otp": last_code("0912345678"),
            "action": "confirm",
        },
        headers={"Referer": f"{base}/dang-nhap/otp/"},
        allow_redirects=False,
    )
    # The OTP step answers the authorization request: straight back to the client.
    assert done.status_code == 302 and done.headers["Location"].startswith(REDIRECT_URI)
    return urlparse(done.headers["Location"]).query


def test_it_completes_a_code_flow_with_pkce_for_a_certified_client(issuer, live_server, an, rp):
    client = OidcClient(client_authn_method=CLIENT_AUTHN_METHOD)
    client.provider_config(issuer)
    client.store_registration_info(
        RegistrationResponse(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uris=[REDIRECT_URI])
    )
    pkce_args, verifier = client.add_code_challenge()
    state, nonce = rndstr(), rndstr()
    request = client.construct_AuthorizationRequest(
        request_args={
            "client_id": CLIENT_ID,
            "response_type": "code",
            "scope": ["openid", "profile", "dinhdanh", "phone"],
            "nonce": nonce,
            "redirect_uri": REDIRECT_URI,
            "state": state,
            **pkce_args,
        }
    )
    login_url = request.request(client.authorization_endpoint)

    query = browser_sign_in(requests.Session(), login_url, live_server.url)
    auth = client.parse_response(AuthorizationResponse, info=query, sformat="urlencoded")
    assert auth["state"] == state

    tokens = client.do_access_token_request(
        state=state,
        request_args={
            "code": auth["code"],
            "code_verifier": verifier,
            "redirect_uri": REDIRECT_URI,
        },
        authn_method="client_secret_basic",
    )
    id_token = tokens["id_token"]  # pyoidc has verified signature, iss, aud and expiry
    assert id_token["iss"] == issuer
    assert id_token["nonce"] == nonce
    assert id_token["SoDinhDanh"] == "001099012345"

    userinfo = client.do_user_info_request(state=state)
    assert userinfo["sub"] == id_token["sub"]
    assert userinfo["HoVaTen"] == "NGUYỄN VĂN AN"
    assert userinfo["SoDienThoai"] == "0912345678"


def test_it_rejects_a_certified_client_with_a_wrong_secret(issuer, live_server, an, rp):
    client = OidcClient(client_authn_method=CLIENT_AUTHN_METHOD)
    client.provider_config(issuer)
    client.store_registration_info(
        RegistrationResponse(client_id=CLIENT_ID, client_secret="not-the-secret-123", redirect_uris=[REDIRECT_URI])
    )
    pkce_args, verifier = client.add_code_challenge()
    state = rndstr()
    request = client.construct_AuthorizationRequest(
        request_args={
            "client_id": CLIENT_ID,
            "response_type": "code",
            "scope": ["openid"],
            "nonce": rndstr(),
            "redirect_uri": REDIRECT_URI,
            "state": state,
            **pkce_args,
        }
    )
    query = browser_sign_in(requests.Session(), request.request(client.authorization_endpoint), live_server.url)
    auth = client.parse_response(AuthorizationResponse, info=query, sformat="urlencoded")
    response = client.do_access_token_request(
        state=state,
        request_args={
            "code": auth["code"],
            "code_verifier": verifier,
            "redirect_uri": REDIRECT_URI,
        },
        authn_method="client_secret_basic",
    )
    assert "error" in response.to_dict()
