from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from province.backoffice.models import OfficerAccount
from province.notify.sms import LocmemBackend

from .factories import PASSWORD


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    settings.PROVINCE_PRIVATE_MEDIA_DIR = tmp_path / "private"


@pytest.fixture(autouse=True)
def outbox() -> Any:
    LocmemBackend.outbox.clear()
    yield LocmemBackend.outbox
    LocmemBackend.outbox.clear()


def last_code(outbox: list[Any]) -> str:
    match = re.search(r"\b(\d{6})\b", outbox[-1].body)
    assert match, outbox[-1].body
    return match.group(1)


def password_step(client: Client, username: str, password: str = PASSWORD) -> Any:
    return client.post("/motcua/dang-nhap/", {"username": username, "password": password})


def sign_in(client: Client, account: OfficerAccount, outbox: list[Any]) -> Any:
    response = password_step(client, account.username)
    assert response.status_code == 302, response.content.decode()
    response = client.post("/motcua/dang-nhap/otp/", {"code": last_code(outbox)})
    assert response.status_code == 302, response.content.decode()
    return response
