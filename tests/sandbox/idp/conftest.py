from __future__ import annotations

import base64
import hashlib
import re
import secrets
from datetime import date
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from django.test import Client as HttpClient

from sandbox.idp.models import Account, AccountKind, Client
from sandbox.population.models import Business, Resident
from sandbox.sms.models import Message

REDIRECT_URI = "http://127.0.0.1:8000/sso/callback/"
CLIENT_ID = "province-portal"
CLIENT_SECRET = "province-portal-demo-secret"


@pytest.fixture
def an(db) -> Account:
    """NGUYỄN VĂN AN, the demo person: a level-2 VNeID account."""
    resident = Resident.objects.create(
        id_number="001099012345",
        full_name="NGUYỄN VĂN AN",
        birth_date=date(1999, 5, 12),
        gender="Nam",
        permanent_address="Phường Hoàn Kiếm, Thành phố Hà Nội",
        current_address="Phường Hoàn Kiếm, Thành phố Hà Nội",
        place_of_origin="Xã Phụng Công, Tỉnh Hưng Yên",
    )
    return Account.objects.create_user(
        "001099012345",
        "Vneid@2024",
        kind=AccountKind.VNEID,
        resident=resident,
        level=2,
        phone="0912345678",
        email="an@example.vn",
    )


@pytest.fixture
def legacy_cmnd(db) -> Account:
    """A national-portal account that only has a 9-digit CMND."""
    return Account.objects.create_user(
        "125678901",
        "Dvcqg@2024",
        kind=AccountKind.PORTAL,
        full_name="TRẦN THỊ BÌNH",
        birth_date=date(1980, 3, 2),
        gender="Nữ",
        cmnd="125678901",
        phone="0987654321",
    )


@pytest.fixture
def business_account(an: Account) -> Account:
    assert an.resident is not None
    business = Business.objects.create(
        tax_code="0901234567",
        name="CÔNG TY TNHH AN PHÁT",
        address="Phường Phố Hiến, Tỉnh Hưng Yên",
        representative=an.resident,
    )
    return Account.objects.create_user(
        "0901234567",
        "Doanhnghiep@2024",
        kind=AccountKind.PORTAL,
        account_type=2,
        business=business,
        phone=an.phone,
    )


@pytest.fixture
def rp(db) -> Client:
    from django.core.management import call_command

    call_command(
        "register_client",
        "--client-id",
        CLIENT_ID,
        "--secret",
        CLIENT_SECRET,
        "--name",
        "Cổng Dịch vụ công tỉnh Hưng Yên",
        "--redirect-uri",
        REDIRECT_URI,
        "--post-logout-uri",
        "http://127.0.0.1:8000/",
        "--backchannel-uri",
        "http://127.0.0.1:8000/sso/backchannel-logout/",
    )
    return Client.objects.get(client_id=CLIENT_ID)


def last_code(phone: str) -> str:
    message = Message.objects.filter(to=phone).order_by("-sent_at", "-id").first()
    assert message is not None, f"no SMS to {phone}"
    found = re.search(r"\b(\d{6})\b", message.body)
    assert found
    return found.group(1)


def pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    return verifier, challenge


def authorize_url(
    challenge: str,
    *,
    scope: str = "openid profile dinhdanh phone email address",
    state: str = "st-1",
    nonce: str = "n-1",
    **extra: str,
) -> str:
    params = {
        "response_type": "code",
        "client_id": CLIENT_ID,
        "redirect_uri": REDIRECT_URI,
        "scope": scope,
        "state": state,
        "nonce": nonce,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    params.update(extra)
    return "/oauth2/authorize/?" + urlencode(params)


def vneid_login(
    client: HttpClient,
    *,
    number: str = "001099012345",
    password: str = "Vneid@2024",
    phone: str = "0912345678",
    follow_next: bool = True,
):
    response = client.post("/dang-nhap/vneid/", {"so_dinh_danh": number, "mat_khau": password})
    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"] == "/dang-nhap/otp/"
    return client.post("/dang-nhap/otp/", {"ma_otp": last_code(phone), "action": "confirm"})


def code_from(response) -> str:
    assert response.status_code == 302, response.status_code
    query = parse_qs(urlparse(response["Location"]).query)
    assert "code" in query, response["Location"]
    return query["code"][0]


def get_code(client: HttpClient, challenge: str, **kw: str) -> str:
    """Run authorize → login (VNeID password + OTP); return the code.

    The OTP step answers the authorization request itself: it redirects to the client
    with the code, without a second round trip through the authorize endpoint.
    """
    url = authorize_url(challenge, **kw)
    first = client.get(url)
    assert first.status_code == 302 and "/dang-nhap/" in first["Location"]
    client.get(first["Location"])
    after_otp = vneid_login(client)
    assert after_otp.status_code == 302 and after_otp["Location"].startswith(REDIRECT_URI)
    return code_from(after_otp)
