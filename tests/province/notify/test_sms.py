"""SMS backends chosen by PROVINCE_SMS_BACKEND."""

from __future__ import annotations

import json

import pytest
import requests
import responses

from province.notify import sms

GATEWAY = "http://127.0.0.1:8001/dev/sms/api/send"


@pytest.fixture(autouse=True)
def _clear() -> None:
    sms.LocmemBackend.outbox.clear()


def test_it_keeps_messages_in_the_locmem_outbox_with_a_normalised_number():
    sms.send_sms(to="+84 912 345 678", body="Ma OTP 123456", sender="MOTCUA")
    assert sms.LocmemBackend.outbox == [sms.SmsMessage(to="0912345678", body="Ma OTP 123456", sender="MOTCUA")]


@pytest.mark.parametrize("number", ["0241234567", "12345", "+14155550123", ""])
def test_it_refuses_numbers_that_are_not_vietnamese_mobiles(number):
    with pytest.raises(sms.InvalidPhoneNumber):
        sms.send_sms(to=number, body="x")


@responses.activate
def test_it_posts_the_gateway_json_with_the_bearer_token(settings):
    settings.PROVINCE_SMS_BACKEND = "province.notify.sms.HttpGatewayBackend"
    settings.PROVINCE_SMS_GATEWAY_URL = GATEWAY
    settings.PROVINCE_SMS_GATEWAY_TOKEN = "demo-sms-token"
    responses.add(responses.POST, GATEWAY, json={"id": 7}, status=201)
    sms.send_sms(to="0912345678", body="Ma OTP 654321", sender="MOTCUA")
    call = responses.calls[0].request
    assert call.headers["Authorization"] == "Bearer demo-sms-token"
    assert json.loads(call.body) == {"to": "0912345678", "body": "Ma OTP 654321", "sender": "MOTCUA"}


@responses.activate
def test_it_sends_the_idempotency_key_only_when_given(settings):
    settings.PROVINCE_SMS_BACKEND = "province.notify.sms.HttpGatewayBackend"
    settings.PROVINCE_SMS_GATEWAY_URL = GATEWAY
    responses.add(responses.POST, GATEWAY, json={"id": 7}, status=201)
    sms.send_sms(to="0912345678", body="x", idempotency_key="tthc-notification-7")
    sms.send_sms(to="0912345678", body="x")
    first, second = (call.request for call in responses.calls)
    assert first.headers["Idempotency-Key"] == "tthc-notification-7"
    assert "Idempotency-Key" not in second.headers


@responses.activate
def test_it_raises_when_the_gateway_refuses(settings):
    settings.PROVINCE_SMS_BACKEND = "province.notify.sms.HttpGatewayBackend"
    settings.PROVINCE_SMS_GATEWAY_URL = GATEWAY
    responses.add(responses.POST, GATEWAY, json={"error": "unauthorized"}, status=401)
    with pytest.raises(sms.SmsError):
        sms.send_sms(to="0912345678", body="x")


@responses.activate
def test_it_raises_when_the_gateway_is_unreachable(settings):
    settings.PROVINCE_SMS_BACKEND = "province.notify.sms.HttpGatewayBackend"
    settings.PROVINCE_SMS_GATEWAY_URL = GATEWAY
    responses.add(responses.POST, GATEWAY, body=requests.ConnectionError("down"))
    with pytest.raises(sms.SmsError):
        sms.send_sms(to="0912345678", body="x")


def test_it_never_logs_the_body(caplog):
    with caplog.at_level("DEBUG"):
        sms.send_sms(to="0912345678", body="Ma OTP 246810")
    assert "246810" not in caplog.text
    assert "091****678" in caplog.text
