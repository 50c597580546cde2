import logging

import pytest

from sandbox.sms.models import Message
from sandbox.sms.services import InvalidMessage, InvalidPhoneNumber, send_sms

pytestmark = pytest.mark.django_db


def test_it_stores_the_message_with_a_normalised_number():
    message = send_sms(to="+84 912 345 678", body="Mã OTP của bạn là 123456")
    message.refresh_from_db()
    assert (message.to, message.body, message.sender) == (
        "0912345678",
        "Mã OTP của bạn là 123456",
        "VNeID",
    )
    assert message.sent_at is not None


def test_it_keeps_the_sender():
    assert send_sms(to="0912345678", body="Xin chào", sender="DVCQG").sender == "DVCQG"


def test_it_rejects_an_invalid_number_and_stores_nothing():
    with pytest.raises(InvalidPhoneNumber):
        send_sms(to="12345", body="Xin chào")
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("body", "sender"),
    [("", "VNeID"), ("   ", "VNeID"), ("x" * 1001, "VNeID"), ("ok", ""), ("ok", "x" * 51)],
)
def test_it_rejects_an_empty_or_overlong_message(body, sender):
    with pytest.raises(InvalidMessage):
        send_sms(to="0912345678", body=body, sender=sender)
    assert not Message.objects.exists()


def test_it_never_logs_the_body_or_the_full_number(caplog):
    with caplog.at_level(logging.DEBUG):
        send_sms(to="0912345678", body="Mã OTP của bạn là 654321")
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "654321" not in logged
    assert "0912345678" not in logged
    assert "091****678" in logged
    assert "length=24" in logged
