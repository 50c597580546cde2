"""Trang cá nhân → Cập nhật: validation, encrypted secret, private images."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from province.accounts.models import AuditLog
from province.backoffice import crypto
from province.backoffice.models import OfficerAccount, OfficerProfile

from .conftest import sign_in
from .factories import OfficerAccountFactory, OfficerProfileFactory

pytestmark = pytest.mark.django_db

URL = "/motcua/trang-ca-nhan/cap-nhat/"


def valid(**overrides):
    data = {
        "full_name": "Nguyễn Văn Long",
        "card_name": "NGUYỄN VĂN LONG",
        "gender": "Nam",
        "birth_date": "1986-09-24",
        "id_number": "027086011816",
        "id_issued_on": "2021-08-09",
        "id_issued_by": "Cục CS QLHC về TTXH",
        "phone": "0912 345 678",
        "default_page": "home",
    }
    data.update(overrides)
    return data


def png(size=(20, 20), fmt="PNG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, "red").save(buffer, format=fmt)
    return buffer.getvalue()


@pytest.fixture
def officer(client, outbox):
    account = OfficerAccountFactory(person=OfficerProfileFactory(incomplete=True).person)
    sign_in(client, account, outbox)
    return account


def test_it_saves_a_complete_profile_and_audits_it(client, officer):
    response = client.post(URL, valid())
    assert response.status_code == 302
    profile = OfficerProfile.objects.get(person=officer.person)
    assert profile.id_number == "027086011816" and profile.phone == "0912345678"
    assert profile.is_standardised
    assert AuditLog.objects.filter(action="officer.profile_updated").exists()


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("full_name", "Vui lòng nhập họ tên."),
        ("gender", "Vui lòng chọn giới tính."),
        ("birth_date", "Vui lòng nhập ngày sinh."),
        ("id_number", "Vui lòng nhập số CCCD."),
        ("phone", "Vui lòng nhập số điện thoại."),
    ],
)
def test_it_requires_each_starred_field(client, officer, field, message):
    response = client.post(URL, valid(**{field: ""}))
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"id_number": "02708601181"}, "Số định danh cá nhân phải đúng 12 ký tự số"),
        ({"id_number": "999086011816"}, "Mã tỉnh nơi đăng ký khai sinh"),
        ({"gender": "Nữ"}, "Giới tính không khớp với số định danh cá nhân"),
        ({"birth_date": "1987-09-24"}, "Năm sinh không khớp với số định danh cá nhân"),
        ({"phone": "0241234567"}, "Số điện thoại di động Việt Nam không hợp lệ."),
        ({"phone": "12345"}, "Số điện thoại di động Việt Nam không hợp lệ."),
        ({"birth_date": "2999-01-01"}, "Ngày sinh không hợp lệ."),
        ({"email": "khong-phai-email"}, "Địa chỉ email không hợp lệ."),
    ],
)
def test_it_refuses_bad_values(client, officer, overrides, message):
    response = client.post(URL, valid(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not OfficerProfile.objects.filter(id_number="027086011816").exists()


def test_it_refuses_a_cccd_already_used_by_another_officer(client, officer):
    OfficerProfileFactory(id_number="027086011816")
    response = client.post(URL, valid())
    assert "Số CCCD này đã được dùng cho một cán bộ khác." in response.content.decode()


def test_it_stores_the_receipt_password_encrypted_and_never_shows_it(client, officer):
    client.post(URL, valid(receipt_username="long.bienlai", receipt_password="BienLai#Secret9"))
    account = OfficerAccount.objects.get(pk=officer.pk)
    assert account.receipt_password_encrypted
    assert "BienLai#Secret9" not in account.receipt_password_encrypted
    assert crypto.decrypt(account.receipt_password_encrypted) == "BienLai#Secret9"
    for url in (URL, "/motcua/trang-ca-nhan/"):
        assert "BienLai#Secret9" not in client.get(url).content.decode()
    assert "Đã lưu — để trống nếu không đổi" in client.get(URL).content.decode()
    audit = AuditLog.objects.filter(action="officer.profile_updated").last()
    assert "BienLai#Secret9" not in str(audit.after) + str(audit.before)
    # left empty: kept
    client.post(URL, valid(receipt_username="long.bienlai", receipt_password=""))
    account.refresh_from_db()
    assert crypto.decrypt(account.receipt_password_encrypted) == "BienLai#Secret9"


def test_it_reencodes_images_and_serves_them_only_to_the_owner(client, officer, outbox):
    upload = SimpleUploadedFile("chan-dung.png", png(), content_type="image/png")
    response = client.post(URL, {**valid(), "avatar": upload})
    assert response.status_code == 302
    profile = OfficerProfile.objects.get(person=officer.person)
    assert profile.avatar.name.startswith("avatars/") and "chan-dung" not in profile.avatar.name
    image = client.get("/motcua/trang-ca-nhan/anh/avatar/")
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    Image.open(io.BytesIO(b"".join(image.streaming_content))).verify()
    client.post("/motcua/dang-xuat/")
    assert client.get("/motcua/trang-ca-nhan/anh/avatar/").status_code == 302


def test_it_refuses_a_file_that_is_not_a_jpeg_or_png(client, officer):
    fake = SimpleUploadedFile("anh.png", b"<?php echo 1; ?>", content_type="image/png")
    response = client.post(URL, {**valid(), "avatar": fake})
    assert "Chỉ chấp nhận ảnh định dạng JPEG hoặc PNG." in response.content.decode()
    gif = SimpleUploadedFile("anh.png", png(fmt="GIF"), content_type="image/png")
    response = client.post(URL, {**valid(), "signature": gif})
    assert "Chỉ chấp nhận ảnh định dạng JPEG hoặc PNG." in response.content.decode()


def test_it_refuses_an_image_over_two_megabytes(client, officer):
    big = SimpleUploadedFile("anh.jpg", b"\xff\xd8" + b"0" * (2 * 1024 * 1024 + 1), content_type="image/jpeg")
    response = client.post(URL, {**valid(), "avatar": big})
    assert "Ảnh không được lớn hơn 2 MB." in response.content.decode()


def test_it_shows_only_the_officers_own_login_log(client, officer, outbox):
    other = OfficerAccountFactory()
    client2 = type(client)()
    sign_in(client2, other, outbox)
    page = client.get("/motcua/nhat-ky-dang-nhap/").content.decode()
    assert officer.username in page and other.username not in page
