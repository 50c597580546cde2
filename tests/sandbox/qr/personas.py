"""Personas and helpers shared by the QR-login and VNeID-app tests."""

from __future__ import annotations

import re
from datetime import date

from django.contrib.auth.hashers import make_password
from django.test import Client as HttpClient

from sandbox.idp.models import Account, AccountKind, QrLogin
from sandbox.population.models import Resident

PASSCODE = "246810"
AN_NUMBER = "001099012345"
BA_NUMBER = "001201009876"


def make_vneid_account(*, number: str, full_name: str, level: int = 2, passcode: str = PASSCODE) -> Account:
    resident = Resident.objects.create(
        id_number=number, full_name=full_name, birth_date=date(1999, 5, 12), gender="Nam"
    )
    return Account.objects.create_user(
        number,
        "Vneid@2024",
        kind=AccountKind.VNEID,
        resident=resident,
        level=level,
        phone="0912345678",
        app_passcode=make_password(passcode),
    )


def app_token(client: HttpClient, number: str = AN_NUMBER, passcode: str = PASSCODE) -> str:
    response = client.post(
        "/app/api/session",
        {"so_dinh_danh": number, "passcode": passcode},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return str(response.json()["token"])


def api(client: HttpClient, path: str, token: str | None, **body: object):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(f"/app/api/{path}", body, content_type="application/json", headers=headers)


def browser_qr(browser: HttpClient, next_url: str = "") -> QrLogin:
    """Ask for a login QR as the login page's script does; return it."""
    response = browser.post("/dang-nhap/qr/moi/", {"next": next_url} if next_url else {})
    assert response.status_code == 201, response.content
    found = re.search(r'data-qr-id="([^"]+)"', response.content.decode())
    assert found
    return QrLogin.objects.get(pk=found.group(1))


def payload(qr: QrLogin) -> str:
    return f"vneid-login:{qr.id}"
