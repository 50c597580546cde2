"""/healthz, /readyz and the protected /metrics."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from province.dossiers.models import Notification
from province.ops import readiness

pytestmark = pytest.mark.django_db


def test_it_answers_liveness_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_it_reports_ready_with_a_timing_per_check(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    checks = response.json()["checks"]
    assert set(checks) == {"database", "cache", "broker"}
    assert all(check["ok"] and check["ms"] >= 0 for check in checks.values())


def test_it_reports_not_ready_when_the_database_fails(client, monkeypatch):
    def broken() -> str:
        raise ConnectionError("refused")

    monkeypatch.setattr(readiness, "CHECKS", (("database", broken), *readiness.CHECKS[1:]))
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == {
        "ok": False,
        "ms": body["checks"]["database"]["ms"],
        "detail": "ConnectionError",
    }
    assert body["checks"]["cache"]["ok"] is True


def test_it_stays_ready_but_degraded_when_the_broker_does_not_answer(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/readyz")
    # Redis is shared by every web process: failing readiness on it would empty the load
    # balancer, while jobs wait in the outbox for the broker
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["broker"]["ok"] is False and body["checks"]["database"]["ok"] is True


def test_it_stays_ready_but_degraded_when_the_cache_does_not_answer(client, settings):
    settings.CACHES = {
        **settings.CACHES,  # other caches (template fragments, in process memory) stay
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1.0, "socket_timeout": 1.0},
        },
    }
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"] == {"ok": False, "ms": body["checks"]["cache"]["ms"], "detail": "ConnectionError"}


def test_it_hides_the_metrics_from_the_public(client, settings):
    settings.OPS = {**settings.OPS, "METRICS_TOKEN": "scrape-token-0123456789"}
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7").status_code == 404
    wrong = client.get("/metrics", REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 404
    right = client.get("/metrics", REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION="Bearer scrape-token-0123456789")
    assert right.status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200


def test_it_uses_the_real_client_address_behind_the_trusted_proxy(client, settings):
    settings.OPS = {**settings.OPS, "TRUSTED_PROXIES": ["127.0.0.1"]}
    # through nginx: the proxy connects from 127.0.0.1 and names the client in X-Real-IP
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.7").status_code == 404
    # a client cannot choose its address: X-Real-IP from an untrusted peer is ignored
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7", HTTP_X_REAL_IP="127.0.0.1").status_code == 404
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200


def _sample(text: str, prefix: str) -> float:
    total = 0.0
    for line in text.splitlines():
        if line.startswith(prefix):
            total += float(line.rsplit(" ", 1)[1])
    return total


def test_it_counts_requests_by_view_and_status_and_times_them(client):
    before = _sample(
        client.get("/metrics").content.decode(),
        'province_http_requests_total{method="GET",status="200",view="ops:healthz"}',
    )
    client.get("/healthz")
    client.get("/khong-co-trang-nay/")
    text = client.get("/metrics").content.decode()
    assert _sample(text, 'province_http_requests_total{method="GET",status="200",view="ops:healthz"}') == before + 1
    assert 'status="404",view="unresolved"' in text
    assert 'province_http_request_duration_seconds_bucket{le="0.005",status="200",view="ops:healthz"}' in text


def test_it_reports_the_notification_outbox(client):
    Notification.objects.create(channel="sms", to="0912345678", body="x")
    Notification.objects.create(channel="sms", to="0912345678", body="x", state="failed")
    Notification.objects.create(channel="email", to="a@example.vn", body="x", state="sent")
    text = client.get("/metrics").content.decode()
    assert 'province_notifications_pending{channel="sms",state="pending"} 1.0' in text
    assert 'province_notifications_pending{channel="sms",state="failed"} 1.0' in text
    assert 'province_notifications_pending{channel="email",state="pending"} 0.0' in text
    assert "0912345678" not in text


@pytest.mark.django_db(transaction=True)
def test_it_counts_a_submission_once_it_commits(client):
    from tests.province.dossiers.factories import submit

    prefix = 'province_dossiers_submitted_total{channel="online"}'
    before = _sample(client.get("/metrics").content.decode(), prefix)
    submit()
    assert _sample(client.get("/metrics").content.decode(), prefix) == before + 1


AGGREGATE = """
import os, sys
os.environ["DJANGO_SETTINGS_MODULE"] = "province.settings.test"
import django
django.setup()
from province.ops import metrics
if sys.argv[1] == "count":
    metrics.REQUESTS.labels(method="GET", view="portal:home", status="200").inc(int(sys.argv[2]))
else:
    sys.stdout.write(metrics.render().decode())
"""


def test_it_adds_up_the_workers_in_multiprocess_mode(tmp_path):
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", AGGREGATE, *args], env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    run("count", "2")  # one worker
    run("count", "3")  # another
    text = run("render")
    assert 'province_http_requests_total{method="GET",status="200",view="portal:home"} 5.0' in text
