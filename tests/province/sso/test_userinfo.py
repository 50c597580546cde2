"""The userinfo request is made only when the verified ID token does not already name the
person (the national SSO and the sandbox put the whole profile in both)."""

from __future__ import annotations

import pytest

from province.accounts.models import Organisation, Person
from province.sso.claims import names_the_person
from tests.province.conftest import USERINFO_URL, business_claims, citizen_claims

pytestmark = pytest.mark.django_db


def userinfo_calls(provider) -> int:
    return sum(1 for call in provider.rsps.calls if call.request.url == USERINFO_URL)


def test_it_skips_userinfo_when_the_id_token_names_the_person(client, provider):
    provider.id_token_overrides = citizen_claims()
    response = provider.login(client, "/tai-khoan/")

    assert response.status_code == 302 and response["Location"] == "/tai-khoan/"
    assert userinfo_calls(provider) == 0
    person = Person.objects.get()
    assert (person.full_name, person.id_number, person.phone) == ("Đỗ Thị Thanh Phúc", "033180012345", "0912345678")
    assert person.verified
    assert client.session["sso_sid"] == "sid-001"


def test_it_reads_userinfo_when_the_id_token_carries_only_protocol_claims(client, provider):
    assert provider.login(client).status_code == 302
    assert userinfo_calls(provider) == 1
    assert Person.objects.get().full_name == "Đỗ Thị Thanh Phúc"


def test_it_reads_userinfo_when_the_id_token_lacks_the_id_number(client, provider):
    provider.id_token_overrides = citizen_claims(SoDinhDanh=None)
    assert provider.login(client).status_code == 302
    assert userinfo_calls(provider) == 1
    assert Person.objects.get().id_number == "033180012345"


def test_it_reads_userinfo_for_a_business_whose_id_token_lacks_the_business(client, provider):
    provider.claims = business_claims()
    provider.id_token_overrides = business_claims(MaSoDoanhNghiep=None, TenDoanhNghiep=None)
    assert provider.login(client).status_code == 302
    assert userinfo_calls(provider) == 1
    assert Organisation.objects.get().business_code == "0900123456"


def test_it_reads_userinfo_always_when_configured(client, provider, settings):
    settings.NATIONAL_SSO = {**settings.NATIONAL_SSO, "ALWAYS_USERINFO": True}
    provider.id_token_overrides = citizen_claims()
    provider.userinfo_overrides = {"SoDienThoai": "0987654321"}

    assert provider.login(client).status_code == 302
    assert userinfo_calls(provider) == 1
    assert Person.objects.get().phone == "0987654321"  # userinfo's value wins


def test_it_still_refuses_a_bad_id_token_that_names_the_person(client, provider):
    provider.id_token_overrides = {**citizen_claims(), "aud": "another-client"}
    response = provider.login(client)
    assert response.status_code == 400
    assert Person.objects.count() == 0
    assert userinfo_calls(provider) == 0


@pytest.mark.parametrize(
    ("claims", "expected"),
    [
        (citizen_claims(), True),
        (citizen_claims(SoDinhDanh=None, SoCMND="012345678"), True),
        (citizen_claims(SoDinhDanh=None), False),
        (citizen_claims(HoVaTen=None), False),
        (citizen_claims(HoVaTen=""), False),
        (citizen_claims(loAs=None), False),
        (citizen_claims(LoaiTaiKhoan=None), False),
        (business_claims(), True),
        (business_claims(TenDoanhNghiep=None), False),
        ({"sub": "x", "TechID": "t", "sid": "s"}, False),
    ],
)
def test_it_tells_whether_claims_name_the_person(claims, expected):
    assert names_the_person(claims) is expected


def test_it_does_not_require_a_claim_the_deployment_switched_off(settings):
    settings.NATIONAL_SSO = {**settings.NATIONAL_SSO, "CLAIMS": "level="}
    assert names_the_person(citizen_claims(loAs=None)) is True
