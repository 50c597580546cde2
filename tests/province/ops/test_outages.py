"""The province keeps serving while Redis is down, and comes back by itself after the
database restarts (issue 9: faults under load).

Redis is made unreachable by pointing the cache and the Celery broker at port 1, where
nothing listens: the same ``ConnectionError`` a stopped Redis gives.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

import pytest
import time_machine
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, close_old_connections, connection
from django.test import Client
from django.urls import reverse

from province.celery import app as celery_app
from province.dossiers import notifications
from province.dossiers.models import Dossier, DossierDocument, Notification
from province.notify.sms import LocmemBackend
from province.ops import ratelimit
from tests.province.api.conftest import get_token, make_client, submission
from tests.province.dossiers.factories import submit, submittable_procedure
from tests.province.factories import PersonFactory

pytestmark = pytest.mark.django_db
UNREACHABLE = "redis://127.0.0.1:1/0"
# the start of a minute, of a quarter hour and of an hour: every limit's window starts here
WINDOW_START = dt.datetime(2026, 3, 2, 9, 0, 5, tzinfo=dt.UTC)


@pytest.fixture
def redis_down(settings: Any) -> Any:
    settings.CACHES = {
        **settings.CACHES,  # other caches (template fragments, in process memory) stay
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": UNREACHABLE,
            "OPTIONS": {"socket_connect_timeout": 1.0, "socket_timeout": 1.0},
        },
    }
    ratelimit.reset()
    yield
    ratelimit.reset()


@pytest.fixture
def broker_down(settings: Any) -> Any:
    """Jobs go to a broker that does not answer, as in production during a Redis restart."""
    conf = celery_app.conf
    saved = (conf.task_always_eager, conf.broker_url)
    settings.CELERY_TASK_ALWAYS_EAGER = False
    conf.task_always_eager, conf.broker_url = False, UNREACHABLE
    celery_app._after_fork()  # forget pooled connections to the previous broker
    yield
    conf.task_always_eager, conf.broker_url = saved
    celery_app._after_fork()


@pytest.fixture
def private_files(tmp_path: Any) -> Any:
    field = DossierDocument._meta.get_field("file")
    original = field.storage  # type: ignore[attr-defined]
    field.storage = FileSystemStorage(location=tmp_path / "private")  # type: ignore[attr-defined]
    LocmemBackend.outbox.clear()
    yield tmp_path / "private"
    field.storage = original  # type: ignore[attr-defined]


def _outage_warnings(caplog: Any) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.getMessage().startswith("rate_limit_cache_down")]


@time_machine.travel(WINDOW_START, tick=False)
def test_it_answers_lookups_and_still_limits_them_while_redis_is_down(redis_down, settings, caplog):
    settings.DOSSIER_LOOKUP_RATE = 3
    dossier = submit(applicant=PersonFactory(phone="0912345678"))
    browser = Client()
    caplog.set_level(logging.INFO, logger="province.ops.ratelimit")

    found = browser.post(reverse("dossiers:lookup"), {"code": dossier.code, "phone_digits": "5678"})
    assert found.status_code == 200 and dossier.code in found.content.decode()
    api = browser.post(
        "/api/v1/lookup", json.dumps({"code": dossier.code, "phone_digits": "5678"}), content_type="application/json"
    )
    assert api.status_code == 200
    assert browser.post(reverse("dossiers:lookup"), {"code": dossier.code, "phone_digits": "0000"}).status_code == 404

    # the page and the API still share one allowance, counted in this process
    limited = browser.post(reverse("dossiers:lookup"), {"code": dossier.code, "phone_digits": "5678"})
    assert limited.status_code == 429
    assert dossier.procedure.name not in limited.content.decode()
    assert ratelimit.shared_store_down()
    # another address has its own allowance
    assert (
        Client(REMOTE_ADDR="203.0.113.9")
        .post(reverse("dossiers:lookup"), {"code": dossier.code, "phone_digits": "5678"})
        .status_code
        == 200
    )
    # one warning for the outage, not one per request, and no address in it
    warnings = _outage_warnings(caplog)
    assert len(warnings) == 1 and warnings[0].levelno == logging.WARNING
    assert "127.0.0.1" not in warnings[0].getMessage() and "203.0.113.9" not in caplog.text


@time_machine.travel(WINDOW_START, tick=False)
def test_it_issues_api_tokens_and_limits_them_while_redis_is_down(redis_down, settings):
    settings.API_TOKEN_RATE_PER_MINUTE = 3
    make_client()

    answers = [get_token("kiosk-1").status_code for _ in range(4)]

    assert answers == [200, 200, 200, 429]
    limited = get_token("kiosk-1")
    assert limited.status_code == 429 and int(limited["Retry-After"]) == 55


@time_machine.travel(WINDOW_START, tick=False)
def test_it_limits_an_api_client_while_redis_is_down(redis_down):
    make_client(rate=2)
    token = get_token("kiosk-1").json()["access_token"]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    answers = [Client().get("/api/v1/dossiers/000.00.06.H33-250101-0001", **headers).status_code for _ in range(3)]

    assert answers == [404, 404, 429]


@time_machine.travel(WINDOW_START, tick=False)
def test_it_takes_anonymous_feedback_and_limits_it_while_redis_is_down(redis_down, settings):
    from tests.province.catalogue.factories import AgencyFactory
    from tests.province.feedback.test_feedback import _anonymous_form

    settings.FEEDBACK = {**settings.FEEDBACK, "ANONYMOUS_PER_HOUR": 2}
    agency = AgencyFactory()
    client = Client()
    LocmemBackend.outbox.clear()
    for i in range(2):
        response = client.post(reverse("feedback:send"), _anonymous_form(client, agency, phone=f"091234567{i}"))
        assert response.status_code == 302
    response = client.post(reverse("feedback:send"), _anonymous_form(client, agency, phone="0912345679"))
    assert response.status_code == 429
    assert "quá nhiều phản ánh" in response.content.decode()
    assert len(LocmemBackend.outbox) == 2


@pytest.mark.django_db(transaction=True)
def test_it_acknowledges_a_submission_while_redis_is_down_and_sends_the_sms_later(
    redis_down, broker_down, private_files, caplog
):
    procedure = submittable_procedure()
    make_client()
    token = get_token("kiosk-1").json()["access_token"]
    caplog.set_level(logging.WARNING)

    response = Client().post(
        "/api/v1/dossiers",
        json.dumps(submission(procedure)),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_IDEMPOTENCY_KEY="outage-key-0001",
    )

    assert response.status_code == 201, response.content
    dossier = Dossier.objects.get(code=response.json()["code"])
    assert dossier.documents.count() == 1
    note = Notification.objects.get(dossier=dossier, channel="sms")
    assert note.state == Notification.State.PENDING and LocmemBackend.outbox == []
    assert "notification_enqueue_failed" in caplog.text
    # Redis is back: beat's sweeper sends what waited in the outbox, once
    assert notifications.notifications_send_due() == 1
    assert notifications.notifications_send_due() == 0
    note.refresh_from_db()
    assert note.state == Notification.State.SENT
    assert [message.to for message in LocmemBackend.outbox] == ["0912345678"]


def test_it_counts_in_redis_again_once_it_answers(redis_down, settings, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="province.ops.ratelimit")
    assert ratelimit.hit("test", "k", limit=5, window=60).shared is False
    # within RETRY_SECONDS the dead cache is not tried again: no connection attempt per request
    calls: list[str] = []

    def redis_answers(key: str, timeout: int) -> int:
        calls.append(key)
        return 1

    monkeypatch.setattr(ratelimit, "_shared_incr", redis_answers)
    assert ratelimit.hit("test", "k", limit=5, window=60).shared is False
    assert calls == []
    monkeypatch.setattr(ratelimit, "RETRY_SECONDS", 0.0)
    ratelimit._health.next_try = 0.0
    back = ratelimit.hit("test", "k", limit=5, window=60)
    assert back.shared is True and len(calls) == 1
    assert not ratelimit.shared_store_down()
    assert [r.getMessage().split(" ")[0] for r in caplog.records] == ["rate_limit_cache_down", "rate_limit_cache_back"]


# --- the database -----------------------------------------------------------------------


def _failing_execute(*args: Any, **kwargs: Any) -> Any:
    raise OperationalError("terminating connection due to administrator command")


@pytest.mark.parametrize("path", ["/thu-tuc/", "/api/v1/procedures"])
def test_it_answers_503_in_vietnamese_when_the_database_fails_mid_request(db, monkeypatch, path):
    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", _failing_execute)

    response = Client(raise_request_exception=False).get(path)

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-cache" in response["Cache-Control"]
    text = response.content.decode()
    assert "Traceback" not in text and "OperationalError" not in text and "administrator" not in text
    if path.startswith("/api/"):
        assert response.json()["error"]["code"] == "unavailable"
        assert "thử lại sau ít phút" in response.json()["error"]["message"]
    else:
        assert "Hệ thống tạm thời gián đoạn" in text and "thử lại sau ít phút" in text


def test_it_answers_503_not_400_when_the_database_fails_as_the_session_is_saved(db, monkeypatch):
    client = Client(raise_request_exception=False)
    session = client.session
    session["visited"] = True
    session.save()
    from province.sso.sessions import SessionStore

    # the session was read before the outage; the response writes it during the outage
    monkeypatch.setattr(
        "django.contrib.sessions.backends.db.SessionStore._get_session",
        lambda self, no_load=False: {"visited": True},
    )

    original = SessionStore.save

    def save_while_down(self: SessionStore, must_create: bool = False) -> None:
        monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", _failing_execute)
        original(self, must_create)

    monkeypatch.setattr(SessionStore, "modified", property(lambda self: True, lambda self, value: None))
    monkeypatch.setattr(SessionStore, "save", save_while_down)

    response = client.get("/healthz")  # any page; the session is written after the view

    assert response.status_code == 503 and response["Retry-After"] == "30"


def test_it_answers_a_plain_500_page_for_a_bug(db, monkeypatch):
    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", lambda *a, **k: 1 / 0)

    response = Client(raise_request_exception=False).get("/thu-tuc/")

    assert response.status_code == 500 and "Retry-After" not in response
    text = response.content.decode()
    assert "Đã xảy ra lỗi" in text and "ZeroDivisionError" not in text


postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a server restart needs a database server (make test-postgres)"
)


def _terminate_server_side(pid: int) -> None:
    """What a PostgreSQL restart does to a kept connection: the server ends it, and the
    process holding it does not know until it next uses it."""
    import psycopg

    params = connection.settings_dict
    with psycopg.connect(
        dbname=params["NAME"],
        user=params["USER"],
        password=params["PASSWORD"] or None,
        host=params["HOST"] or None,
        port=params["PORT"] or None,
        autocommit=True,
    ) as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s, 5000)", (pid,)).fetchone() == (True,)


def _request(client: Client, path: str) -> Any:
    # A WSGI server runs close_old_connections at each request's start and end (the test
    # client leaves it out); that is where a kept connection is checked before reuse.
    close_old_connections()
    try:
        return client.get(path)
    finally:
        close_old_connections()


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_it_serves_the_next_request_after_the_database_server_ended_its_connection():
    client = Client(raise_request_exception=False)
    assert _request(client, "/thu-tuc/").status_code == 200
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True and connection.connection is not None
    before = connection.connection.info.backend_pid

    _terminate_server_side(before)

    assert _request(client, "/thu-tuc/").status_code == 200
    assert connection.connection.info.backend_pid != before


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_it_gives_a_clean_503_for_a_request_caught_by_the_restart_then_recovers():
    # without the health check, the request holding the dead connection is the one that
    # meets the restart, as a request in flight does
    connection.close()
    connection.settings_dict["CONN_HEALTH_CHECKS"] = False
    try:
        client = Client(raise_request_exception=False)
        assert _request(client, "/thu-tuc/").status_code == 200
        _terminate_server_side(connection.connection.info.backend_pid)

        caught = _request(client, "/thu-tuc/")

        assert caught.status_code == 503 and caught["Retry-After"] == "30"
        assert "Hệ thống tạm thời gián đoạn" in caught.content.decode()
        assert _request(client, "/thu-tuc/").status_code == 200
    finally:
        connection.close()
        connection.settings_dict["CONN_HEALTH_CHECKS"] = True
