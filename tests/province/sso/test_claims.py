from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from envconf import ConfigError
from province.sso.claims import ClaimsError, claim_names, map_claims
from tests.province.conftest import business_claims, citizen_claims


def test_it_maps_the_wire_names():
    claims = map_claims(citizen_claims(sid="s1"))
    assert claims.subject == "vneid-sub-001"
    assert claims.id_number == "033180012345"
    assert claims.birth_date == dt.date(1980, 1, 1)
    assert claims.gender == "Nữ"
    assert claims.level == 2 and claims.account_kind == 1
    assert claims.sid == "s1"


def test_it_accepts_numbers_sent_as_strings():
    claims = map_claims(
        citizen_claims(LoaiTaiKhoan="2", loAs="1", MaSoDoanhNghiep="0900123456", TenDoanhNghiep="Công ty A")
    )
    assert (claims.account_kind, claims.level, claims.is_business) == (2, 1, True)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SoDinhDanh": "12345678901A"}, "12 ký tự số"),
        ({"SoDinhDanh": "999180012345"}, "Mã tỉnh"),
        ({"GioiTinh": "Nam"}, "Giới tính không khớp"),
        ({"NgayThangNamSinh": "1980-13-45"}, "Ngày tháng"),
        ({"SoCMND": "12345"}, "9 ký tự số"),
        ({"LoaiTaiKhoan": 7}, "LoaiTaiKhoan"),
        ({"loAs": 5}, "loAs"),
        ({"HoVaTen": ""}, "họ và tên"),
        ({"sub": ""}, "sub"),
        ({"SoDinhDanh": ["0331"]}, "SoDinhDanh"),
    ],
)
def test_it_refuses_bad_values_with_a_vietnamese_reason(overrides, message):
    with pytest.raises(ClaimsError, match=message):
        map_claims(citizen_claims(**overrides))


def test_it_needs_business_details_on_a_business_account():
    with pytest.raises(ClaimsError, match="mã số doanh nghiệp"):
        map_claims(business_claims(MaSoDoanhNghiep=None))
    with pytest.raises(ClaimsError, match="người đại diện"):
        map_claims(business_claims(SoDinhDanh=None))


def test_it_drops_a_malformed_email_rather_than_refusing():
    assert map_claims(citizen_claims(ThuDienTu="not an email")).email == ""


def test_it_takes_claim_names_from_settings(settings):
    settings.NATIONAL_SSO = {**settings.NATIONAL_SSO, "CLAIMS": "id_number=cccd, full_name=name"}
    assert claim_names()["id_number"] == "cccd"
    claims = map_claims({"sub": "s", "cccd": "033180012345", "name": "Nguyễn Văn A"})
    assert (claims.id_number, claims.full_name) == ("033180012345", "Nguyễn Văn A")


def test_it_refuses_a_malformed_claim_setting(settings):
    settings.NATIONAL_SSO = {**settings.NATIONAL_SSO, "CLAIMS": "nonsense=SoDinhDanh"}
    with pytest.raises(ConfigError):
        claim_names()


@given(st.text(max_size=20))
def test_it_never_crashes_on_arbitrary_id_numbers(value):
    try:
        claims = map_claims(citizen_claims(SoDinhDanh=value))
    except ClaimsError:
        return
    assert claims.id_number == "" or len(claims.id_number) == 12
