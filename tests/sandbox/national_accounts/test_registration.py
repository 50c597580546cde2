from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from sandbox.idp.models import Account, AccountKind, AuditEvent, OtpChallenge
from sandbox.sms.models import Message
from tests.sandbox.idp.conftest import last_code

from .conftest import (
    GOOD_PASSWORD,
    HOA_NUMBER,
    HOA_PHONE,
    cmnd_subscriber,
    confirm_code,
    start_registration,
)

pytestmark = pytest.mark.django_db

FORM = "/dang-ky/cong-dan/thue-bao-di-dong/"
OTP = FORM + "xac-thuc/"
PASSWORD = FORM + "mat-khau/"
DONE = FORM + "thanh-cong/"


def set_password(client: Client, password: str = GOOD_PASSWORD, confirmation: str | None = None) -> Any:
    return client.post(
        PASSWORD, {"mat_khau": password, "xac_nhan_mat_khau": password if confirmation is None else confirmation}
    )


def reach_password_step(client: Client, phone: str = HOA_PHONE, **overrides: str) -> None:
    assert start_registration(client, **overrides)["Location"] == OTP
    assert confirm_code(client, OTP, phone)["Location"] == PASSWORD


def test_it_offers_the_citizen_path_by_mobile_subscription(client, db):
    page = client.get("/dang-ky/").content.decode()
    assert "Công dân" in page and "Thuê bao di động" in page and FORM in page
    assert "Doanh nghiệp" not in page


def test_it_links_registration_and_reset_from_the_portal_login(client, db):
    page = client.get("/dang-nhap/?cach=dvcqg").content.decode()
    assert 'href="/dang-ky/"' in page and 'href="/quen-mat-khau/"' in page


def test_it_registers_a_citizen_by_mobile_subscription(client, hoa):
    page = client.get(FORM).content.decode()
    for label in ("Số CMND/CCCD", "Họ tên", "Ngày sinh", "Số điện thoại", "Email (nếu có)", "Mã xác thực"):
        assert label in page

    response = start_registration(client)
    assert response.status_code == 302 and response["Location"] == OTP
    challenge = OtpChallenge.objects.get()
    assert challenge.purpose == "register"
    assert challenge.expires_at - challenge.created_at == timedelta(minutes=2)
    assert challenge.payload["full_name"] == "LÊ THỊ HOA"
    assert "LÊ THỊ HOA" not in str(dict(client.session))  # the data ride in the challenge
    otp_page = client.get(OTP).content.decode()
    assert "090****222" in otp_page

    assert confirm_code(client, OTP, HOA_PHONE)["Location"] == PASSWORD
    done = set_password(client)
    assert done.status_code == 302 and done["Location"] == DONE
    assert "Tạo tài khoản thành công" in client.get(DONE).content.decode()

    account = Account.objects.get(username=HOA_NUMBER)
    assert account.kind == AccountKind.PORTAL and account.account_type == 1
    assert account.full_name == "LÊ THỊ HOA"
    assert account.birth_date == date(1995, 8, 20)
    assert account.phone == HOA_PHONE and account.email == "hoa@example.vn"
    assert account.resident == hoa and account.id_number == HOA_NUMBER and account.cmnd == ""
    assert account.check_password(GOOD_PASSWORD)
    event = AuditEvent.objects.get(action="account_registered")
    assert event.account == account and event.detail["registry_match"] is True


def test_it_lets_the_new_account_sign_in(client, hoa):
    reach_password_step(client)
    set_password(client)
    response = client.post(
        "/dang-nhap/dvcqg/",
        {
            "cach": "dvcqg",
            "ten_dang_nhap": HOA_NUMBER,
            "mat_khau": GOOD_PASSWORD,
            "ma_xac_thuc_0": "x",
            "ma_xac_thuc_1": "PASSED",
        },
    )
    assert response["Location"] == "/dang-nhap/otp/"


def test_it_registers_a_cmnd_holder_with_the_cmnd_as_username(client, db):
    cmnd_subscriber()
    reach_password_step(
        client,
        phone="0904555666",
        so_dien_thoai="0904555666",
        so_giay_to="187654321",
        ho_ten="phạm văn đức",
        ngay_sinh="1970-01-15",
        email="",
    )
    set_password(client, "Duc@Ha1970!")
    account = Account.objects.get(username="187654321")
    assert account.cmnd == "187654321" and account.id_number == "" and account.resident is None
    assert account.full_name == "PHẠM VĂN ĐỨC" and account.email == ""


def test_it_does_not_link_a_cccd_the_registry_does_not_know(client, db):
    cmnd_subscriber(number="033195999999", phone="0904777888", name="LÊ THỊ HOA")
    reach_password_step(client, phone="0904777888", so_giay_to="033195999999", so_dien_thoai="0904777888")
    set_password(client)
    account = Account.objects.get(username="033195999999")
    assert account.resident is None and account.id_number == ""


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("so_giay_to", "", "Số CMND/CCCD không được bỏ trống"),
        ("so_giay_to", "12345", "Số CMND/CCCD phải gồm 9 hoặc 12 chữ số"),
        ("so_giay_to", "03319500012", "Số CMND/CCCD phải gồm 9 hoặc 12 chữ số"),
        ("so_giay_to", "03319500012a", "Số CMND/CCCD phải gồm 9 hoặc 12 chữ số"),
        ("so_giay_to", "999195000123", "Mã tỉnh nơi đăng ký khai sinh (999) không hợp lệ"),
        ("so_giay_to", "033196000123", "Năm sinh không khớp với số định danh cá nhân"),
        ("so_giay_to", "033395000123", "Thế kỷ sinh không khớp với số định danh cá nhân"),
        ("ho_ten", "", "Họ tên không được bỏ trống"),
        ("ho_ten", "   ", "Họ tên không được bỏ trống"),
        ("ho_ten", "Lê Thị Hoa 2", "Họ tên chỉ được gồm chữ cái và dấu cách"),
        ("ngay_sinh", "", "Ngày sinh không được bỏ trống"),
        ("ngay_sinh", "31/02/1995", "Ngày sinh không hợp lệ"),
        ("ngay_sinh", "20-08-1995", "Ngày sinh không hợp lệ"),
        ("ngay_sinh", "20/08/2999", "Ngày sinh không được sau ngày hôm nay"),
        ("ngay_sinh", "20/08/1895", "Ngày sinh không hợp lệ"),
        ("so_dien_thoai", "", "Số điện thoại không được bỏ trống"),
        ("so_dien_thoai", "12345", "Số điện thoại không hợp lệ"),
        ("so_dien_thoai", "02413826388", "Số điện thoại không hợp lệ"),
        ("email", "hoa@", "Email không hợp lệ"),
        ("email", "hoa example.vn", "Email không hợp lệ"),
    ],
)
def test_it_rejects_bad_input_with_a_vietnamese_message(client, hoa, field, value, message):
    response = start_registration(client, **{field: value})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'aria-invalid="true"' in page and f'id="id_{field}_error"' in page
    assert not OtpChallenge.objects.exists() and not Message.objects.exists()


def test_it_rejects_a_wrong_captcha(client, hoa, settings):
    from captcha.models import CaptchaStore

    settings.CAPTCHA_TEST_MODE = False
    key = CaptchaStore.generate_key()
    answer = CaptchaStore.objects.get(hashkey=key).response
    response = start_registration(client, ma_xac_thuc_0=key, ma_xac_thuc_1=answer + "x")
    assert response.status_code == 400
    assert "Mã xác thực không đúng" in response.content.decode()
    assert not OtpChallenge.objects.exists()


def test_it_accepts_the_right_captcha(client, hoa, settings):
    from captcha.models import CaptchaStore

    settings.CAPTCHA_TEST_MODE = False
    key = CaptchaStore.generate_key()
    answer = CaptchaStore.objects.get(hashkey=key).response
    assert start_registration(client, ma_xac_thuc_0=key, ma_xac_thuc_1=answer)["Location"] == OTP


SUBSCRIBER_MISMATCH = "Số điện thoại chưa được đăng ký chính chủ với số giấy tờ này."


@pytest.mark.parametrize(
    "overrides",
    [
        {"so_dien_thoai": "0909999999"},  # no such subscription
        {"ho_ten": "Lê Thị Hòa"},  # the subscription is in another name
    ],
)
def test_it_refuses_a_phone_not_registered_to_the_person(client, hoa, overrides):
    response = start_registration(client, **overrides)
    assert response.status_code == 400
    page = response.content.decode()
    assert SUBSCRIBER_MISMATCH in page and "TTTB gửi 1414" in page
    assert not OtpChallenge.objects.exists()


def test_it_refuses_a_phone_registered_to_another_number(client, hoa):
    cmnd_subscriber(number="187654321", phone="0904555666", name="LÊ THỊ HOA")
    response = start_registration(client, so_dien_thoai="0904555666")
    assert SUBSCRIBER_MISMATCH in response.content.decode()


def test_it_matches_the_subscriber_name_ignoring_case_and_spacing(client, hoa):
    assert start_registration(client, ho_ten="  lê   THỊ hoa ")["Location"] == OTP


def test_it_accepts_the_phone_in_international_form(client, hoa):
    assert start_registration(client, so_dien_thoai="+84 903 111 222")["Location"] == OTP
    assert Message.objects.get().to == HOA_PHONE


def test_it_refuses_a_number_that_already_has_an_account(client, legacy_cmnd):
    cmnd_subscriber(number="125678901", phone="0904000111", name="TRẦN THỊ BÌNH")
    response = start_registration(
        client, so_giay_to="125678901", ho_ten="Trần Thị Bình", ngay_sinh="02/03/1980", so_dien_thoai="0904000111"
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Số CMND/CCCD đã được đăng ký tài khoản." in page
    assert 'href="/dang-nhap/?cach=dvcqg"' in page and 'href="/quen-mat-khau/"' in page
    assert not OtpChallenge.objects.exists()


def test_it_refuses_the_cccd_of_a_cmnd_account_that_added_it(client, legacy_cmnd, hoa):
    legacy_cmnd.id_number = HOA_NUMBER
    legacy_cmnd.save()
    assert "Số CMND/CCCD đã được đăng ký tài khoản." in start_registration(client).content.decode()


def test_it_sends_a_vneid_holder_to_the_vneid_login(client, an):
    cmnd_subscriber(number="001099012345", phone="0904000222", name="NGUYỄN VĂN AN")
    response = start_registration(
        client, so_giay_to="001099012345", ho_ten="Nguyễn Văn An", ngay_sinh="12/05/1999", so_dien_thoai="0904000222"
    )
    page = response.content.decode()
    assert "đã có tài khoản định danh điện tử VNeID" in page and "?cach=vneid" in page
    assert not OtpChallenge.objects.exists()


def test_it_refuses_a_phone_already_used_by_another_account(client, hoa, legacy_cmnd):
    legacy_cmnd.phone = HOA_PHONE
    legacy_cmnd.save()
    response = start_registration(client)
    assert response.status_code == 400
    assert "Số điện thoại đã được dùng để đăng ký một tài khoản khác" in response.content.decode()
    assert not OtpChallenge.objects.exists()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab@1234", "Mật khẩu phải có ít nhất 8 ký tự."),
        ("hoasen@2024", "Mật khẩu phải có ít nhất một chữ in hoa."),
        ("HOASEN@2024", "Mật khẩu phải có ít nhất một chữ thường."),
        ("Hoa@SenVang", "Mật khẩu phải có ít nhất một chữ số."),
        ("HoaSen2024", "Mật khẩu phải có ít nhất một ký tự đặc biệt"),
        ("P@ssw0rd", "Mật khẩu này quá phổ biến"),
        ("Password1!", "Mật khẩu này quá phổ biến"),
        ("033195000123Aa!", "Mật khẩu quá giống thông tin tài khoản"),
        ("", "Mật khẩu không được bỏ trống"),
    ],
)
def test_it_enforces_the_password_policy(client, hoa, password, message):
    reach_password_step(client)
    response = set_password(client, password)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Account.objects.filter(username=HOA_NUMBER).exists()


def test_it_refuses_a_confirmation_that_does_not_match(client, hoa):
    reach_password_step(client)
    response = set_password(client, GOOD_PASSWORD, "Hoa#Sen2025")
    assert response.status_code == 400
    assert "Mật khẩu xác nhận không khớp" in response.content.decode()
    assert not Account.objects.exists()


def test_it_expires_the_code_after_two_minutes(client, hoa):
    start_registration(client)
    code = last_code(HOA_PHONE)
    with time_machine.travel(timezone.now() + timedelta(minutes=2, seconds=1)):
        response = client.post(OTP, {"ma_otp": code, "action": "confirm"})
        assert response.status_code == 400
        assert "Mã OTP đã hết hạn" in response.content.decode()
        assert client.get(PASSWORD)["Location"] == FORM


def test_it_counts_a_wrong_code(client, hoa):
    start_registration(client)
    response = client.post(OTP, {"ma_otp": "000000" if last_code(HOA_PHONE) != "000000" else "111111"})
    assert "Mã OTP không đúng. Bạn còn 4 lần thử." in response.content.decode()


def test_it_refuses_to_skip_to_the_code_or_password_step(client, hoa):
    assert client.get(OTP)["Location"] == FORM
    assert client.get(PASSWORD)["Location"] == FORM
    start_registration(client)
    # The code was sent but not entered: the password step is still closed.
    assert client.get(PASSWORD)["Location"] == FORM
    assert set_password(client)["Location"] == FORM
    assert not Account.objects.exists()


def test_it_binds_the_flow_to_the_browser_that_started_it(client, hoa, django_user_model):
    from django.test import Client

    start_registration(client)
    other = Client()
    assert other.post(OTP, {"ma_otp": last_code(HOA_PHONE), "action": "confirm"})["Location"] == FORM
    assert other.get(PASSWORD)["Location"] == FORM


def test_it_creates_the_account_only_once(client, hoa):
    reach_password_step(client)
    set_password(client)
    assert client.get(DONE).status_code == 200
    assert client.get(DONE)["Location"] == FORM  # the success page shows once
    assert set_password(client)["Location"] == FORM
    assert Account.objects.count() == 1


def test_it_gives_up_the_password_step_after_ten_minutes(client, hoa):
    reach_password_step(client)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert set_password(client)["Location"] == FORM
    assert not Account.objects.exists()


def test_it_refuses_a_number_registered_meanwhile_in_another_browser(client, hoa):
    from django.test import Client

    reach_password_step(client)
    other = Client()
    reach_password_step(other)
    set_password(other)
    response = set_password(client)
    assert response.status_code == 400
    assert "Số CMND/CCCD đã được đăng ký tài khoản." in response.content.decode()
    assert Account.objects.count() == 1


def test_it_cancels_the_code(client, hoa):
    start_registration(client)
    assert client.post(OTP, {"action": "cancel"})["Location"] == FORM
    assert OtpChallenge.objects.get().voided
    assert client.get(OTP)["Location"] == FORM


def test_it_resends_a_code_after_the_cooldown(client, hoa):
    start_registration(client)
    first = last_code(HOA_PHONE)
    early = client.post(OTP, {"action": "resend"})
    assert early.status_code == 429 and "Vui lòng chờ" in early.content.decode()
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert client.post(OTP, {"action": "resend"})["Location"] == OTP
        assert Message.objects.count() == 2
        assert confirm_code(client, OTP, HOA_PHONE)["Location"] == PASSWORD
    assert first  # the first code was replaced, not reused


def test_it_speaks_english_when_asked(client, db):
    page = client.get(FORM, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Register a citizen account with a mobile subscription" in page and "Date of birth" in page
