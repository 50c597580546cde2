"""The public lookup through the API: same selector, same shared rate limit, nothing personal."""

from __future__ import annotations

import json

import pytest
from django.test import Client, override_settings

from tests.province.dossiers.factories import submit
from tests.province.factories import PersonFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/lookup"


def lookup(code: str, digits: str, client: Client | None = None):
    return (client or Client()).post(
        URL, json.dumps({"code": code, "phone_digits": digits}), content_type="application/json"
    )


def test_it_shows_the_status_and_nothing_personal():
    person = PersonFactory(full_name="Đỗ Thị Thanh Phúc", phone="0912345678", id_number="033180012399")
    dossier = submit(applicant=person)

    response = lookup(dossier.code, "5678")

    assert response.status_code == 200
    data = response.json()
    assert data["code"] == dossier.code and data["status"] == 1 and data["status_name"] == "Mới đăng ký"
    assert [e["status"] for e in data["timeline"]] == [1]
    text = response.content.decode()
    for personal in ("Phúc", "033180012399", "0912345678", "5678", "applicant", "note"):
        assert personal not in text


@pytest.mark.parametrize(("code", "digits"), [("wrong", "5678"), (None, "1234"), (None, "abcd")])
def test_it_answers_the_same_404_for_a_wrong_code_or_digits(code, digits):
    dossier = submit(applicant=PersonFactory(phone="0912345678"))

    response = lookup(code or dossier.code, digits)

    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Không tìm thấy hồ sơ với mã hồ sơ và số điện thoại đã nhập."


@override_settings(DOSSIER_LOOKUP_RATE=3)
def test_it_shares_the_rate_limit_with_the_lookup_page():
    dossier = submit(applicant=PersonFactory(phone="0912345678"))
    browser = Client()
    for _ in range(2):
        browser.post("/tra-cuu-ho-so/", {"code": dossier.code, "phone_digits": "0000"})

    assert lookup(dossier.code, "0000").status_code == 404
    limited = lookup(dossier.code, "5678")

    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limited"
    assert browser.post("/tra-cuu-ho-so/", {"code": dossier.code, "phone_digits": "5678"}).status_code == 429
