"""Structured logs: request ids, one JSON object per line, no personal number, code or secret."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.conf import settings

from province.notify.sms import LocmemBackend
from province.ops import context
from province.ops.logs import _RECORD_FIELDS, JsonFormatter, PlainFormatter, RequestContextFilter, scrub
from tests.province.backoffice.conftest import last_code, password_step
from tests.province.backoffice.factories import PASSWORD, OfficerAccountFactory
from tests.province.conftest import citizen_claims

pytestmark = pytest.mark.django_db

ID_12 = re.compile(r"(?<!\d)\d{12}(?!\d)")


def formatted(records: list[logging.LogRecord]) -> list[str]:
    formatter, request_filter = JsonFormatter(), RequestContextFilter()
    lines = []
    for record in records:
        request_filter.filter(record)
        lines.append(formatter.format(record))
    return lines


def raw_text(record: logging.LogRecord) -> str:
    """Everything the code put in the record, before the formatter's scrubbing."""
    # the message and the caller's extra fields (not timings, paths or the random request id)
    extra = {k: v for k, v in vars(record).items() if k not in _RECORD_FIELDS and k != "request_id"}
    return record.getMessage() + " " + " ".join(f"{k}={v}" for k, v in extra.items())


def test_it_returns_the_request_id_and_logs_it_on_every_line(client, caplog):
    caplog.set_level(logging.INFO)
    response = client.get("/thu-tuc/", HTTP_X_REQUEST_ID="lb-7f3a9c2e-0001")
    assert response["X-Request-ID"] == "lb-7f3a9c2e-0001"
    lines = [json.loads(line) for line in formatted(caplog.records)]
    request_line = next(line for line in lines if line["event"] == "request")
    assert request_line["request_id"] == "lb-7f3a9c2e-0001"
    assert request_line["path"] == "/thu-tuc/" and request_line["status"] == 200
    assert request_line["view"] == "catalogue:list" or request_line["view"].startswith("catalogue:")
    assert all(line["request_id"] == "lb-7f3a9c2e-0001" for line in lines)


def test_it_replaces_a_request_id_it_does_not_accept(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="bad id\nwith a new line")
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert client.get("/healthz")["X-Request-ID"] != response["X-Request-ID"]


def test_it_logs_no_personal_number_code_or_secret_through_sign_ins_and_a_submission(
    client, provider, caplog, django_capture_on_commit_callbacks
):
    from province.dossiers.models import Dossier
    from tests.province.dossiers.factories import submit

    caplog.set_level(logging.DEBUG)
    LocmemBackend.outbox.clear()
    secrets = [settings.SECRET_KEY, str(settings.NATIONAL_SSO["CLIENT_SECRET"]), PASSWORD]
    # a citizen signs in through the national SSO (its claims carry the số định danh)
    provider.claims = citizen_claims(SoDinhDanh="033180012345", SoCMND="012345678")
    assert provider.login(client).status_code == 302
    citizen_session = client.cookies[settings.SESSION_COOKIE_NAME].value
    # an officer signs in with password and SMS code
    officer = OfficerAccountFactory(admin=True)
    officer_client = type(client)()
    assert password_step(officer_client, officer.username).status_code == 302
    code = last_code(LocmemBackend.outbox)
    assert officer_client.post(
        "/motcua/dang-nhap/otp/", {"code": "000000" if code != "000000" else "111111"}
    ).status_code
    assert officer_client.post("/motcua/dang-nhap/otp/", {"code": code}).status_code == 302
    # the citizen submits a dossier (its SMS notice is sent on commit)
    from province.accounts.models import Person

    person = Person.objects.get(id_number="033180012345")
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submit(applicant=person)
    assert Dossier.objects.filter(pk=dossier.pk).exists()
    assert client.get("/tai-khoan/").status_code == 200
    # a public lookup with the code and the phone's last four digits
    client.post("/tra-cuu-ho-so/", {"code": dossier.code, "phone_last4": "5678"})

    assert len(caplog.records) > 5
    forbidden = ["033180012345", "012345678", code, *secrets, citizen_session]
    for record in caplog.records:
        text = raw_text(record)
        assert not ID_12.search(text), text
        for value in forbidden:
            assert value not in text, (value, text)
    for line in formatted(caplog.records):
        entry = json.loads(line)
        assert "user_id" in entry and "request_id" in entry
        # a random hex request id has runs of 12 digits in about one line out of 14
        checked = json.dumps({key: value for key, value in entry.items() if key != "request_id"}, ensure_ascii=False)
        assert not ID_12.search(checked) and code not in checked


def test_it_scrubs_what_slips_through():
    line = (
        "so_dinh_danh=001099012345 cmnd 064554007 phone 0912345678 +84912345678 otp=123456 "
        "code 654321 password=Vneid@2024 Authorization: Bearer eyJhbGciOi.abc token=xyz secret=s3 "
        "dossier 000.00.06.H33-260302-0001 at 12:30:45"
    )
    clean = scrub(line)
    for value in (
        "001099012345",
        "064554007",
        "0912345678",
        "84912345678",
        "123456",
        "654321",
        "Vneid@2024",
        "eyJhbGciOi",
        "xyz",
    ):
        assert value not in clean, value
    assert "000.00.06.H33-260302-0001" in clean and "12:30:45" in clean


def test_the_formatters_scrub_messages_extras_and_tracebacks():
    logger = logging.getLogger("tests.ops")
    try:
        raise ValueError("person 001099012345 not found")
    except ValueError:
        record = logger.makeRecord(
            "tests.ops",
            logging.ERROR,
            __file__,
            1,
            "otp %s for %s",
            ("123456", "0912345678"),
            exc_info=__import__("sys").exc_info(),
        )
    record.password = "Vneid@2024"
    record.note = "cccd 001099012345"
    token = context.request_id.set("req-abcdefgh")
    try:
        RequestContextFilter().filter(record)
        entry = json.loads(JsonFormatter().format(record))
        plain = PlainFormatter().format(record)
    finally:
        context.request_id.reset(token)
    assert entry["event"] == "otp [code] for [phone]"
    assert entry["password"] == "[redacted]" and entry["note"] == "cccd [id]"
    assert "001099012345" not in entry["exc"] and "ValueError" in entry["exc"]
    assert entry["request_id"] == "req-abcdefgh"
    assert "001099012345" not in plain and "123456" not in plain and "[req-abcdefgh]" in plain
