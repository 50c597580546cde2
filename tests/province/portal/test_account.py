from __future__ import annotations

import pytest

from province.accounts.models import AuditLog, Person
from tests.province.factories import LoginEventFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_it_shows_the_account_with_masked_numbers(signed_in):
    page = signed_in.get("/tai-khoan/").content.decode()
    assert "Đã xác thực" in page
    assert "0331*****345" in page and "033180012345" not in page
    assert "091****678" in page and "0912345678" not in page
    assert "01/01/1980" in page
    assert "Tài khoản công dân" in page
    assert "Liên kết tài khoản" in page and "dvcqg-tech-001" in page
    assert "Ngày cấp CMND/CCCD" not in page  # the claims did not give it


def test_it_has_no_verified_badge_for_level_1(client, provider):
    provider.claims["loAs"] = 1
    provider.login(client)
    assert "Đã xác thực" not in client.get("/tai-khoan/").content.decode()


def test_it_updates_contact_fields_with_an_audit_row(signed_in):
    response = signed_in.post(
        "/tai-khoan/cap-nhat/",
        {
            "email": "phuc@example.vn",
            "notify_phone": "+84 912 000 111",
            "fax": "0221 3863 000",
            "website": "https://phuc.example.vn",
            "correspondence_address": "Số 2, phường Hiến Nam",
        },
    )
    assert response.status_code == 302
    person = Person.objects.get()
    assert person.notify_phone == "0912000111"
    assert person.website == "https://phuc.example.vn"
    row = AuditLog.objects.get(action="person.contact_updated")
    assert row.before["email"] == "" and row.after["email"] == "phuc@example.vn"
    assert row.actor == person


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("notify_phone", "12345", "Số điện thoại di động không hợp lệ"),
        ("notify_phone", "0221 3863 000", "Số điện thoại di động không hợp lệ"),  # landline
        ("notify_phone", "+1 202 555 0100", "Số điện thoại di động không hợp lệ"),
        ("email", "not-an-email", "Địa chỉ email không hợp lệ."),
        ("website", "javascript:alert(1)", "Địa chỉ website không hợp lệ"),
        ("website", "ftp://files.example.vn", "Địa chỉ website không hợp lệ"),
        ("fax", "call me", "Số fax không hợp lệ."),
    ],
)
def test_it_rejects_bad_contact_values_and_changes_nothing(signed_in, field, value, message):
    response = signed_in.post("/tai-khoan/cap-nhat/", {field: value})
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count(message) == 1
    assert 'aria-invalid="true"' in page
    person = Person.objects.get()
    assert (person.email, person.notify_phone, person.website, person.fax) == ("", "", "", "")
    assert not AuditLog.objects.filter(action="person.contact_updated").exists()


def test_it_does_not_let_identity_fields_be_edited(signed_in):
    page = signed_in.get("/tai-khoan/cap-nhat/").content.decode()
    assert 'name="full_name"' not in page and 'name="id_number"' not in page
    signed_in.post(
        "/tai-khoan/cap-nhat/",
        {
            "full_name": "Kẻ Mạo Danh",
            "id_number": "001099000001",
            "birth_date": "2000-01-01",
            "gender": "Nam",
            "email": "a@example.vn",
        },
    )
    person = Person.objects.get()
    assert person.full_name == "Đỗ Thị Thanh Phúc"
    assert person.id_number == "033180012345"
    assert person.email == "a@example.vn"


def test_it_ties_every_input_to_a_label(signed_in):
    page = signed_in.get("/tai-khoan/cap-nhat/").content.decode()
    for name in ("email", "notify_phone", "fax", "website", "correspondence_address"):
        assert f'<label for="id_{name}">' in page
        assert f'id="id_{name}"' in page


def test_it_shows_only_the_persons_own_login_history(signed_in):
    other = PersonFactory()
    LoginEventFactory.create_batch(3, person=other, ip_address="198.51.100.9")
    page = signed_in.get("/tai-khoan/nhat-ky-dang-nhap/").content.decode()
    assert "198.51.100.9" not in page
    assert "127.0.0.1" in page and "Thành công" in page


def test_it_paginates_the_login_history_in_local_time(signed_in):
    person = Person.objects.get()
    events = LoginEventFactory.create_batch(25, person=person)
    events[0].__class__.objects.filter(pk=events[0].pk).update(created_at="2026-01-01T17:30:00+00:00")
    first = signed_in.get("/tai-khoan/nhat-ky-dang-nhap/").content.decode()
    assert "Trang 1/2" in first and "Chrome / Android" in first
    last = signed_in.get("/tai-khoan/nhat-ky-dang-nhap/", {"trang": 2}).content.decode()
    assert "02/01/2026 00:30:00" in last  # UTC+7
