from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from sandbox.idp.models import AuditEvent, OtpChallenge, Throttle
from sandbox.sms.models import Message

from .conftest import last_code

pytestmark = pytest.mark.django_db


def post_login(client, number="001099012345", password="Vneid@2024"):
    return client.post("/dang-nhap/vneid/", {"so_dinh_danh": number, "mat_khau": password})


def test_it_shows_both_vneid_ways_on_the_login_page(client, an):
    page = client.get("/dang-nhap/").content.decode()
    assert "Tài khoản Định danh điện tử cấp bởi Bộ Công an" in page
    assert "Tài khoản cấp bởi Cổng Dịch vụ công quốc gia" in page
    assert "Hoặc quét mã QR bằng ứng dụng VNeID để đăng nhập." in page
    assert 'for="id_so_dinh_danh"' in page and 'for="id_mat_khau"' in page


@pytest.mark.parametrize("number", ["00109901234", "0010990123456", "00109901234a", "", "001 099 012 345"])
def test_it_rejects_a_malformed_so_dinh_danh(client, an, number):
    response = post_login(client, number=number)
    assert response.status_code == 400
    assert "Số định danh cá nhân phải đúng 12 ký tự số" in response.content.decode()
    assert not Message.objects.exists()


def test_it_rejects_a_blank_password(client, an):
    response = post_login(client, password="")
    assert response.status_code == 400
    assert "Mật khẩu không được bỏ trống" in response.content.decode()


def test_it_gives_the_same_message_for_a_wrong_password_and_an_unknown_number(client, an):
    wrong = post_login(client, password="Sai@2024").content.decode()
    unknown = post_login(client, number="001099099999").content.decode()
    message = "Số định danh cá nhân hoặc mật khẩu không đúng."
    assert message in wrong and message in unknown
    assert not Message.objects.exists()


def test_it_sends_a_six_digit_code_and_shows_the_masked_phone(client, an):
    response = post_login(client)
    assert response.status_code == 302
    page = client.get("/dang-nhap/otp/").content.decode()
    assert "091****678" in page
    assert "0912345678" not in page
    assert "Gửi lại mã" in page and "Hủy bỏ" in page and "Xác nhận" in page
    code = last_code("0912345678")
    assert len(code) == 6
    challenge = OtpChallenge.objects.get()
    assert code not in challenge.code_hash  # stored as a digest
    assert (challenge.expires_at - challenge.created_at) == timedelta(minutes=3)


def test_it_signs_in_with_the_right_code_and_rotates_the_session(client, an):
    client.get("/dang-nhap/")
    post_login(client)
    before = client.session.session_key
    response = client.post("/dang-nhap/otp/", {"ma_otp": last_code("0912345678"), "action": "confirm"})
    assert response.status_code == 302
    assert client.session.session_key != before
    assert client.get("/tai-khoan/").status_code == 200
    assert AuditEvent.objects.filter(action="login_success", account=an).exists()


def test_it_uses_a_code_once(client, an):
    post_login(client)
    code = last_code("0912345678")
    client.post("/dang-nhap/otp/", {"ma_otp": code, "action": "confirm"})
    client.post("/dang-xuat/")
    again = client.post("/dang-nhap/otp/", {"ma_otp": code, "action": "confirm"})
    assert again.status_code == 302 and again["Location"] == "/dang-nhap/"
    assert client.get("/tai-khoan/").status_code == 302


def test_it_voids_the_attempt_after_five_wrong_codes(client, an):
    post_login(client)
    code = last_code("0912345678")
    wrong = "000000" if code != "000000" else "111111"
    for attempt in range(4):
        response = client.post("/dang-nhap/otp/", {"ma_otp": wrong, "action": "confirm"})
        assert response.status_code == 400
        assert f"Bạn còn {4 - attempt} lần thử" in response.content.decode()
    fifth = client.post("/dang-nhap/otp/", {"ma_otp": wrong, "action": "confirm"}, follow=True)
    # the fifth failure also reaches the identity's lock threshold: the lock is what is said
    assert "tạm thời bị khóa" in fifth.content.decode()
    assert OtpChallenge.objects.get().voided
    right = client.post("/dang-nhap/otp/", {"ma_otp": code, "action": "confirm"})
    assert right["Location"] == "/dang-nhap/"
    assert client.get("/tai-khoan/").status_code == 302


def test_it_refuses_an_expired_code(client, an):
    post_login(client)
    code = last_code("0912345678")
    with time_machine.travel(timezone.now() + timedelta(minutes=3, seconds=1)):
        response = client.post("/dang-nhap/otp/", {"ma_otp": code, "action": "confirm"})
    assert response.status_code == 400
    assert "Mã OTP đã hết hạn" in response.content.decode()
    assert client.get("/tai-khoan/").status_code == 302


def test_it_makes_resend_wait_sixty_seconds_then_sends_a_new_code(client, an):
    post_login(client)
    first = last_code("0912345678")
    early = client.post("/dang-nhap/otp/", {"action": "resend"})
    assert early.status_code == 429
    assert "giây trước khi gửi lại mã" in early.content.decode()
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert client.post("/dang-nhap/otp/", {"action": "resend"}).status_code == 302
        second = last_code("0912345678")
        assert Message.objects.filter(to="0912345678").count() == 2
        if first != second:
            assert client.post("/dang-nhap/otp/", {"ma_otp": first, "action": "confirm"}).status_code == 400
        ok = client.post("/dang-nhap/otp/", {"ma_otp": second, "action": "confirm"})
        assert ok.status_code == 302


def test_it_does_not_reset_failures_when_a_code_is_resent(client, an):
    post_login(client)
    for _ in range(4):
        client.post(
            "/dang-nhap/otp/",
            {
                "ma_otp": "999999" if last_code("0912345678") != "999999" else "888888",
                "action": "confirm",
            },
        )
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        client.post("/dang-nhap/otp/", {"action": "resend"})
        code = last_code("0912345678")
        wrong = "999999" if code != "999999" else "888888"
        response = client.post("/dang-nhap/otp/", {"ma_otp": wrong, "action": "confirm"}, follow=True)
        assert "tạm thời bị khóa" in response.content.decode()
        assert OtpChallenge.objects.get().failures == 5


def test_it_caps_resends_at_five_codes_per_fifteen_minutes(client, an):
    post_login(client)  # code 1
    start = timezone.now()
    for i in range(1, 5):  # codes 2..5
        with time_machine.travel(start + timedelta(seconds=61 * i)):
            assert client.post("/dang-nhap/otp/", {"action": "resend"}).status_code == 302
    with time_machine.travel(start + timedelta(seconds=61 * 5)):
        capped = client.post("/dang-nhap/otp/", {"action": "resend"})
        assert capped.status_code == 429
        assert "quá nhiều lần" in capped.content.decode()
    assert Message.objects.filter(to="0912345678").count() == 5
    with time_machine.travel(start + timedelta(minutes=16)):
        assert client.post("/dang-nhap/otp/", {"action": "resend"}).status_code == 302


def test_it_locks_the_identity_for_growing_periods_after_repeated_failures(client, an):
    for _ in range(5):
        post_login(client, password="Sai@2024")
    throttle = Throttle.objects.get(key="vneid:001099012345")
    first_lock = throttle.locked_until - timezone.now()
    response = post_login(client)  # right password, but locked
    assert response.status_code == 429
    assert "tạm thời bị khóa" in response.content.decode()
    with time_machine.travel(throttle.locked_until + timedelta(seconds=1)):
        for _ in range(5):
            post_login(client, password="Sai@2024")
        throttle.refresh_from_db()
        second_lock = throttle.locked_until - timezone.now()
    assert second_lock > first_lock
    with time_machine.travel(throttle.locked_until + timedelta(seconds=1)):
        assert post_login(client).status_code == 302


def test_it_locks_unknown_numbers_the_same_way(client, db):
    for _ in range(5):
        post_login(client, number="001099099999")
    response = post_login(client, number="001099099999")
    assert response.status_code == 429


def test_it_cancels_the_attempt(client, an):
    post_login(client)
    code = last_code("0912345678")
    assert client.post("/dang-nhap/otp/", {"action": "cancel"})["Location"] == "/dang-nhap/"
    assert client.post("/dang-nhap/otp/", {"ma_otp": code, "action": "confirm"})["Location"] == "/dang-nhap/"


def test_it_never_writes_the_code_or_password_in_audit_events(client, an):
    post_login(client)
    code = last_code("0912345678")
    client.post("/dang-nhap/otp/", {"ma_otp": code, "action": "confirm"})
    for event in AuditEvent.objects.all():
        text = str(event.detail)
        assert code not in text and "Vneid@2024" not in text
