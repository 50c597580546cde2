"""Sign-in with an issued account: username + password, then a 6-digit SMS code."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from province.accounts.models import AuditLog
from province.backoffice.models import OfficerLoginEvent, OtpChallenge

from .conftest import last_code, password_step, sign_in
from .factories import OfficerAccountFactory

pytestmark = pytest.mark.django_db

BAD = "Tên đăng nhập hoặc mật khẩu không đúng."


def test_it_signs_in_with_password_and_the_sms_code(client, outbox):
    account = OfficerAccountFactory()
    response = password_step(client, account.username)
    assert response["Location"].startswith("/motcua/dang-nhap/otp/")
    assert len(outbox) == 1 and outbox[0].to == "0912345678"
    page = client.get("/motcua/dang-nhap/otp/")
    assert "091****678" in page.content.decode()
    key_before = client.session.session_key
    response = client.post("/motcua/dang-nhap/otp/", {"code": last_code(outbox)})
    assert response.status_code == 302 and response["Location"] == "/motcua/"
    assert client.session.session_key != key_before  # rotated
    home = client.get("/motcua/")
    assert home.status_code == 200
    text = home.content.decode()
    assert account.unit.name in text and "Cán bộ tiếp nhận" in text and "NGUYỄN VĂN AN" in text
    event = OfficerLoginEvent.objects.get(success=True)
    assert event.account == account and event.method == "password_otp"
    assert AuditLog.objects.filter(action="officer.login", object_id=str(account.pk)).exists()


def test_it_stores_the_code_hashed(client, outbox):
    account = OfficerAccountFactory()
    password_step(client, account.username)
    challenge = OtpChallenge.objects.get()
    assert last_code(outbox) not in challenge.code_hash


def test_it_gives_the_same_message_for_wrong_password_and_unknown_user(client, outbox):
    account = OfficerAccountFactory()
    wrong = password_step(client, account.username, "Sai@2024xx")
    unknown = password_step(client, "khong.ton.tai", "Sai@2024xx")
    assert BAD in wrong.content.decode() and BAD in unknown.content.decode()
    assert wrong.status_code == unknown.status_code == 400
    assert outbox == []
    assert OfficerLoginEvent.objects.filter(success=False).count() == 2


def test_it_refuses_a_suspended_account_even_with_the_right_password(client, outbox):
    account = OfficerAccountFactory(suspended_now=True)
    response = password_step(client, account.username)
    assert response.status_code == 403
    assert "Tài khoản đang bị tạm đình chỉ" in response.content.decode()
    assert outbox == []


def test_it_refuses_the_code_when_suspended_between_the_steps(client, outbox):
    account = OfficerAccountFactory()
    password_step(client, account.username)
    account.suspended = True
    account.save()
    response = client.post("/motcua/dang-nhap/otp/", {"code": last_code(outbox)})
    assert response.status_code == 302 and response["Location"] == "/motcua/dang-nhap/"
    assert client.get("/motcua/").status_code == 302


def test_it_expires_the_code_after_three_minutes(client, outbox):
    account = OfficerAccountFactory()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        password_step(client, account.username)
        traveller.shift(dt.timedelta(seconds=181))
        response = client.post("/motcua/dang-nhap/otp/", {"code": last_code(outbox)})
    assert response.status_code == 400
    assert "Mã OTP đã hết hạn" in response.content.decode()


def test_it_voids_the_attempt_after_five_wrong_codes(client, outbox):
    account = OfficerAccountFactory()
    password_step(client, account.username)
    good = last_code(outbox)
    wrong = "000000" if good != "000000" else "111111"
    for left in (4, 3, 2, 1):
        response = client.post("/motcua/dang-nhap/otp/", {"code": wrong})
        assert f"Bạn còn {left} lần thử" in response.content.decode()
    response = client.post("/motcua/dang-nhap/otp/", {"code": wrong})
    assert response.status_code == 302 and response["Location"] == "/motcua/dang-nhap/"
    response = client.post("/motcua/dang-nhap/otp/", {"code": good})
    assert response.status_code == 302 and response["Location"] == "/motcua/dang-nhap/"
    assert client.get("/motcua/").status_code == 302


def test_it_waits_before_resending_and_never_resets_failures(client, outbox):
    account = OfficerAccountFactory()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        password_step(client, account.username)
        first = last_code(outbox)
        wrong = "000000" if first != "000000" else "111111"
        client.post("/motcua/dang-nhap/otp/", {"code": wrong})
        client.post("/motcua/dang-nhap/otp/", {"code": wrong})
        client.post("/motcua/dang-nhap/otp/gui-lai/")
        assert len(outbox) == 1  # cooldown: nothing sent
        traveller.shift(dt.timedelta(seconds=61))
        client.post("/motcua/dang-nhap/otp/gui-lai/")
        assert len(outbox) == 2
        second = last_code(outbox)
        wrong = "000000" if second != "000000" else "111111"
        response = client.post("/motcua/dang-nhap/otp/", {"code": wrong})
        assert "Bạn còn 2 lần thử" in response.content.decode()  # 3rd failure, not the 1st
        assert OtpChallenge.objects.get().failures == 3
        response = client.post("/motcua/dang-nhap/otp/", {"code": second})
    assert response.status_code == 302 and response["Location"] == "/motcua/"


def test_it_caps_resends(client, outbox):
    account = OfficerAccountFactory()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        password_step(client, account.username)
        for _ in range(6):
            traveller.shift(dt.timedelta(seconds=61))
            client.post("/motcua/dang-nhap/otp/gui-lai/")
    assert len(outbox) == 5


def test_it_locks_the_identity_after_repeated_wrong_passwords_with_growing_delays(client, outbox):
    account = OfficerAccountFactory()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        for _ in range(5):
            response = password_step(client, account.username, "Sai@2024xx")
        assert response.status_code == 429
        assert "tạm thời bị khóa" in response.content.decode()
        # even the right password is refused while locked
        assert password_step(client, account.username).status_code == 429
        traveller.shift(dt.timedelta(seconds=61))
        for _ in range(5):
            response = password_step(client, account.username, "Sai@2024xx")
        assert "2 phút" in response.content.decode()
        traveller.shift(dt.timedelta(seconds=121))
        assert password_step(client, account.username).status_code == 302
    assert len(outbox) == 1


def test_it_locks_unknown_usernames_too(client):
    for _ in range(5):
        response = password_step(client, "khong.ton.tai", "Sai@2024xx")
    assert response.status_code == 429


def test_it_never_logs_the_code(client, outbox, caplog):
    account = OfficerAccountFactory()
    with caplog.at_level("DEBUG"):
        sign_in(client, account, outbox)
    assert last_code(outbox) not in caplog.text
    assert "Motcua@2024" not in caplog.text
