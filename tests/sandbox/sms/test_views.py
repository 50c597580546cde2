import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.utils import translation

from sandbox.sms.models import Message
from sandbox.sms.services import send_sms
from tests.sandbox.factories import MessageFactory

pytestmark = pytest.mark.django_db

TOKEN = "demo-sms-token"
AUTH = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}
UTC = dt.UTC


def send_at(when, **kwargs):
    with time_machine.travel(when, tick=False):
        return send_sms(**kwargs)


@pytest.fixture
def three_messages():
    first = send_at(dt.datetime(2025, 7, 1, 1, 0, tzinfo=UTC), to="0912345678", body="Mã OTP 111111")
    other = send_at(dt.datetime(2025, 7, 1, 1, 5, tzinfo=UTC), to="0987654321", body="Mã OTP 222222")
    last = send_at(dt.datetime(2025, 7, 1, 1, 10, tzinfo=UTC), to="0912345678", body="Mã OTP 333333")
    return first, other, last


def test_it_lists_one_phone_newest_first(client, three_messages):
    response = client.get("/dev/sms/outbox.json", {"to": "0912345678"})
    assert response.status_code == 200
    assert [m["body"] for m in response.json()] == ["Mã OTP 333333", "Mã OTP 111111"]
    assert set(response.json()[0]) >= {"to", "body", "sent_at"}
    assert response.json()[0]["to"] == "0912345678"


def test_it_gives_iso_8601_times(client, three_messages):
    sent_at = client.get("/dev/sms/outbox.json", {"to": "0912345678"}).json()[0]["sent_at"]
    assert dt.datetime.fromisoformat(sent_at) == dt.datetime(2025, 7, 1, 1, 10, tzinfo=UTC)


def test_it_normalises_the_filter_number(client, three_messages):
    response = client.get("/dev/sms/outbox.json", {"to": "+84912345678"})
    assert len(response.json()) == 2


def test_it_lists_everybody_without_a_filter(client, three_messages):
    bodies = [m["body"] for m in client.get("/dev/sms/outbox.json").json()]
    assert bodies == ["Mã OTP 333333", "Mã OTP 222222", "Mã OTP 111111"]


def test_it_orders_messages_sent_in_the_same_instant_by_arrival(client):
    with time_machine.travel(dt.datetime(2025, 7, 1, 1, 0, tzinfo=UTC), tick=False):
        send_sms(to="0912345678", body="một")
        send_sms(to="0912345678", body="hai")
    assert [m["body"] for m in client.get("/dev/sms/outbox.json").json()] == ["hai", "một"]


def test_it_caps_the_unfiltered_list_at_100(client):
    MessageFactory.create_batch(105)
    assert len(client.get("/dev/sms/outbox.json").json()) == 100


def test_it_answers_400_for_a_bad_filter_number(client, three_messages):
    response = client.get("/dev/sms/outbox.json", {"to": "12345"})
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_phone"


def test_it_sends_through_the_api(client):
    response = client.post(
        "/dev/sms/api/send",
        {"to": "+84912345678", "body": "Mã xác thực: 123456", "sender": "DVC Hưng Yên"},
        content_type="application/json",
        **AUTH,
    )
    assert response.status_code == 201
    message = Message.objects.get(pk=response.json()["id"])
    assert (message.to, message.body, message.sender) == (
        "0912345678",
        "Mã xác thực: 123456",
        "DVC Hưng Yên",
    )


def test_it_delivers_a_retried_message_once_by_its_idempotency_key(client):
    def send(key: str, body: str = "Ho so da duoc tiep nhan"):
        return client.post(
            "/dev/sms/api/send",
            {"to": "0912345678", "body": body},
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=key,
            **AUTH,
        )

    first, retry, other = send("tthc-notification-7"), send("tthc-notification-7"), send("tthc-notification-8")
    assert first.status_code == retry.status_code == other.status_code == 201
    assert first.json()["id"] == retry.json()["id"] != other.json()["id"]
    assert Message.objects.count() == 2
    assert send("k" * 101).status_code == 400 and Message.objects.count() == 2


def test_it_defaults_the_api_sender_to_vneid(client):
    response = client.post(
        "/dev/sms/api/send",
        {"to": "0912345678", "body": "xin chào"},
        content_type="application/json",
        **AUTH,
    )
    assert Message.objects.get(pk=response.json()["id"]).sender == "VNeID"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_AUTHORIZATION": "Bearer nope"},
        {"HTTP_AUTHORIZATION": "Bearer demo-population-token"},
        {"HTTP_AUTHORIZATION": TOKEN},
    ],
)
def test_it_refuses_to_send_without_the_right_token(client, headers):
    response = client.post(
        "/dev/sms/api/send",
        {"to": "0912345678", "body": "x"},
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"
    assert not Message.objects.exists()


@pytest.mark.parametrize(
    ("payload", "error"),
    [
        ({"to": "12345", "body": "x"}, "invalid_phone"),
        ({"to": "0912345678", "body": ""}, "invalid_message"),
        ({"to": "0912345678"}, "invalid_request"),
        ({"to": 912345678, "body": "x"}, "invalid_request"),
        ({"to": "0912345678", "body": "x", "sender": None}, "invalid_request"),
        ([1], "invalid_json"),
    ],
)
def test_it_answers_400_for_a_bad_send_request(client, payload, error):
    response = client.post("/dev/sms/api/send", payload, content_type="application/json", **AUTH)
    assert response.status_code == 400
    assert response.json()["error"] == error
    assert not Message.objects.exists()


def test_it_only_sends_with_post(client):
    assert client.get("/dev/sms/api/send", **AUTH).status_code == 405


def test_it_sends_without_a_csrf_token():
    response = Client(enforce_csrf_checks=True).post(
        "/dev/sms/api/send",
        {"to": "0912345678", "body": "x"},
        content_type="application/json",
        **AUTH,
    )
    assert response.status_code == 201


def test_it_shows_the_inbox_of_one_phone_in_vietnam_time(client, three_messages):
    response = client.get("/dev/sms/", {"to": "0912 345 678"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "Mã OTP 333333" in page and "Mã OTP 111111" in page
    assert "Mã OTP 222222" not in page
    assert page.index("Mã OTP 333333") < page.index("Mã OTP 111111")
    assert "08:10:00 01/07/2025" in page  # 01:10 UTC is 08:10 in Hà Nội


def test_it_labels_the_phone_field(client):
    page = client.get("/dev/sms/").content.decode()
    assert '<label for="id_to">Số điện thoại</label>' in page
    assert 'id="id_to"' in page
    assert 'name="viewport"' in page


def test_it_shows_an_error_and_no_messages_for_a_bad_number(client, three_messages):
    page = client.get("/dev/sms/", {"to": "abc"}).content.decode()
    assert "Số điện thoại di động Việt Nam không hợp lệ" in page
    assert 'aria-invalid="true"' in page
    assert "Mã OTP" not in page


def test_it_paginates_the_inbox(client):
    MessageFactory.create_batch(25, to="0912345678")
    first = client.get("/dev/sms/", {"to": "0912345678"}).content.decode()
    second = client.get("/dev/sms/", {"to": "0912345678", "page": 2}).content.decode()
    assert first.count('class="sms"') == 20
    assert second.count('class="sms"') == 5
    assert "Trang 2/2" in second


def test_it_speaks_english_when_asked(client):
    with translation.override("vi"):
        page = client.get("/dev/sms/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<label for="id_to">Phone number</label>' in page
    assert "SMS inbox" in page
