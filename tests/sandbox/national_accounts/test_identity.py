from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client

from sandbox.idp.models import Account, AccountKind, AuditEvent
from sandbox.population.models import RegistryQuery
from tests.sandbox.factories import AccountFactory, ResidentFactory

from .conftest import BINH_CCCD

pytestmark = pytest.mark.django_db

URL = "/thong-tin-ca-nhan/dinh-danh/"
NO_MATCH = "Thông tin không khớp với CSDL quốc gia về Dân cư (họ tên, ngày sinh). Vui lòng kiểm tra lại."


def update(client: Client, number: str) -> Any:
    return client.post(URL, {"so_cccd": number})


def assert_unchanged(account: Account) -> None:
    account.refresh_from_db()
    assert account.id_number == "" and account.resident is None
    assert not AuditEvent.objects.filter(action="identity_updated").exists()


def test_it_requires_sign_in(client, db):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/dang-nhap/")


def test_it_is_linked_from_the_account_page(client, legacy_cmnd):
    client.force_login(legacy_cmnd)
    assert f'href="{URL}"' in client.get("/tai-khoan/").content.decode()


def test_it_shows_the_current_cmnd_and_the_update_form(client, legacy_cmnd):
    client.force_login(legacy_cmnd)
    page = client.get(URL).content.decode()
    assert "125678901" in page and "Cập nhật từ CSDL quốc gia về Dân cư" in page
    assert '<label for="id_so_cccd">' in page


def test_it_adds_the_cccd_when_the_registry_matches(client, legacy_cmnd, binh_resident):
    client.force_login(legacy_cmnd)
    response = update(client, BINH_CCCD)
    assert response.status_code == 302 and response["Location"] == URL
    assert "Đã cập nhật số CCCD" in client.get(URL).content.decode()
    legacy_cmnd.refresh_from_db()
    assert legacy_cmnd.id_number == BINH_CCCD and legacy_cmnd.resident == binh_resident
    assert legacy_cmnd.cmnd == "125678901" and legacy_cmnd.username == "125678901"
    event = AuditEvent.objects.get(action="identity_updated")
    assert event.account == legacy_cmnd
    assert event.detail["before"] == {"id_number": "", "resident_id": None, "gender": "Nữ"}
    assert event.detail["after"] == {"id_number": BINH_CCCD, "resident_id": binh_resident.pk, "gender": "Nữ"}
    assert event.detail["cmnd_confirmed"] is True
    assert RegistryQuery.objects.get().outcome == "match"


def test_it_fills_the_gender_of_an_account_registered_without_it(client, binh_resident):
    account = AccountFactory(portal_cmnd=True, gender="")
    client.force_login(account)
    assert update(client, BINH_CCCD).status_code == 302
    account.refresh_from_db()
    assert account.gender == "Nữ"
    assert AuditEvent.objects.get(action="identity_updated").detail["cmnd_confirmed"] is False


def test_it_refuses_when_the_registry_has_another_name(client, legacy_cmnd):
    ResidentFactory(id_number=BINH_CCCD, full_name="TRẦN THỊ BẢO", birth_date=date(1980, 3, 2), female=True)
    client.force_login(legacy_cmnd)
    response = update(client, BINH_CCCD)
    assert response.status_code == 400
    assert NO_MATCH in response.content.decode()
    assert_unchanged(legacy_cmnd)


def test_it_refuses_when_the_registry_has_another_birth_date(client, legacy_cmnd):
    ResidentFactory(id_number=BINH_CCCD, full_name="TRẦN THỊ BÌNH", birth_date=date(1980, 3, 3), female=True)
    client.force_login(legacy_cmnd)
    assert NO_MATCH in update(client, BINH_CCCD).content.decode()
    assert_unchanged(legacy_cmnd)


def test_it_refuses_a_cccd_the_registry_does_not_know(client, legacy_cmnd):
    client.force_login(legacy_cmnd)
    assert NO_MATCH in update(client, BINH_CCCD).content.decode()
    assert_unchanged(legacy_cmnd)


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("", "Số định danh cá nhân phải đúng 12 ký tự số"),
        ("12345", "Số định danh cá nhân phải đúng 12 ký tự số"),
        ("00118001234a", "Số định danh cá nhân phải đúng 12 ký tự số"),
        ("0011800123456", "Số định danh cá nhân phải đúng 12 ký tự số"),
        ("001181012345", "Năm sinh không khớp với số định danh cá nhân"),
        ("001380012345", "Thế kỷ sinh không khớp với số định danh cá nhân"),
        ("001080012345", "Giới tính không khớp với số định danh cá nhân"),
        ("999180012345", "Mã tỉnh nơi đăng ký khai sinh (999) không hợp lệ"),
    ],
)
def test_it_rejects_a_malformed_or_inconsistent_cccd(client, legacy_cmnd, binh_resident, number, message):
    client.force_login(legacy_cmnd)
    response = update(client, number)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and 'aria-invalid="true"' in page
    assert_unchanged(legacy_cmnd)
    assert not RegistryQuery.objects.exists()


def test_it_refuses_a_cccd_used_by_another_portal_account(client, legacy_cmnd, binh_resident):
    AccountFactory(portal_cmnd=True, id_number=BINH_CCCD)
    client.force_login(legacy_cmnd)
    response = update(client, BINH_CCCD)
    assert response.status_code == 400
    assert "Số CCCD đã được dùng cho một tài khoản khác." in response.content.decode()
    assert_unchanged(legacy_cmnd)


def test_it_refuses_a_cccd_that_is_another_portal_accounts_username(client, legacy_cmnd, binh_resident):
    AccountFactory(portal_cmnd=True, username=BINH_CCCD, cmnd="")
    client.force_login(legacy_cmnd)
    assert "Số CCCD đã được dùng cho một tài khoản khác." in update(client, BINH_CCCD).content.decode()
    assert_unchanged(legacy_cmnd)


def test_it_allows_the_cccd_of_the_persons_own_vneid_account(client, legacy_cmnd, binh_resident):
    AccountFactory(resident=binh_resident)  # her VNeID account: the one she will sign in with later
    client.force_login(legacy_cmnd)
    assert update(client, BINH_CCCD).status_code == 302
    legacy_cmnd.refresh_from_db()
    assert legacy_cmnd.resident == binh_resident


def test_it_is_only_for_portal_individual_accounts(client, an):
    client.force_login(an)
    response = client.get(URL)
    assert response.status_code == 403
    assert update(client, "001099012345").status_code == 403
    assert an.kind == AccountKind.VNEID


def test_it_locks_the_form_after_repeated_mismatches(client, legacy_cmnd):
    client.force_login(legacy_cmnd)
    for _ in range(4):
        assert update(client, BINH_CCCD).status_code == 400
    locked = update(client, BINH_CCCD)
    assert locked.status_code == 429
    assert "tạm thời bị khóa" in locked.content.decode()


def test_it_offers_to_skip_and_returns_to_next_when_asked_after_sign_in(client, legacy_cmnd, binh_resident):
    client.force_login(legacy_cmnd)
    page = client.get(URL, {"next": "/oauth2/authorize/?x=1"}).content.decode()
    assert "Bỏ qua" in page and 'href="/oauth2/authorize/?x=1"' in page
    response = client.post(URL, {"so_cccd": BINH_CCCD, "next": "/oauth2/authorize/?x=1"})
    assert response["Location"] == "/oauth2/authorize/?x=1"


def test_it_ignores_a_next_on_another_site(client, legacy_cmnd, binh_resident):
    client.force_login(legacy_cmnd)
    assert "evil.example" not in client.get(URL, {"next": "https://evil.example/"}).content.decode()
    response = client.post(URL, {"so_cccd": BINH_CCCD, "next": "//evil.example/"})
    assert response["Location"] == "/tai-khoan/"
