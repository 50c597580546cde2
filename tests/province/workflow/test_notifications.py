"""The applicant's SMS/e-mail at each status change: sent after commit by the (eager)
Celery task, retried with backoff, never twice for one event, and only on the channels the
applicant chose; officers' due-date warnings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import requests
import responses
import time_machine
from django.core import mail
from django.test import override_settings
from django.utils import timezone

from province.dossiers import notifications, workflow
from province.dossiers.calendar import LOCAL_TZ
from province.dossiers.models import Dossier, Notification, OfficerAlert
from province.notify.sms import LocmemBackend
from tests.province.factories import PersonFactory

from .conftest import World

FAILING_SMS = override_settings(
    PROVINCE_SMS_BACKEND="province.notify.sms.HttpGatewayBackend", PROVINCE_SMS_GATEWAY_URL=""
)


def test_it_notifies_the_applicant_after_commit_on_each_status_change(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    dossier = world.submit()
    LocmemBackend.outbox.clear()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        workflow.dossier_receive(dossier=dossier, officer=world.officers["tiep_nhan"])
    assert LocmemBackend.outbox == []  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    assert [m.to for m in LocmemBackend.outbox] == ["0912345678"]
    sms = LocmemBackend.outbox[0].body
    assert dossier.code in sms and "da duoc tiep nhan" in sms  # SMS without diacritics
    assert mail.outbox[0].to == ["an@example.vn"]
    assert "đã được tiếp nhận" in mail.outbox[0].body


def test_it_never_sends_one_event_twice(world: World, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        dossier = world.submit()
    LocmemBackend.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        workflow.dossier_reject(dossier=dossier, officer=world.officers["tiep_nhan"], reason="Sai thẩm quyền")
    note = Notification.objects.filter(dossier=dossier, channel="sms", state="sent").order_by("-id").first()
    assert note is not None and "Sai tham quyen" in note.body
    # the same event queued again (a retried job) is refused by the unique key …
    again = notifications.queue_for_applicant(dossier=dossier, event_key=note.event_key or "", subject="", body="x")
    assert again == []
    # … and a second delivery of the same row sends nothing
    assert notifications.notification_deliver(notification_id=note.pk) is None
    assert notifications.notifications_send_due() == 0
    assert len([m for m in LocmemBackend.outbox if "Sai tham quyen" in m.body]) == 1


def test_it_retries_a_failed_notification_with_backoff(world: World, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        dossier = world.submit()
    with FAILING_SMS, django_capture_on_commit_callbacks(execute=True):
        workflow.dossier_receive(dossier=dossier, officer=world.officers["tiep_nhan"])
    note = Notification.objects.filter(dossier=dossier, channel="sms").order_by("-id").first()
    assert note is not None and note.state == "pending" and note.attempts == 1
    assert note.next_attempt_at is not None
    first_wait = note.next_attempt_at - timezone.now()
    assert dt.timedelta(seconds=50) < first_wait <= dt.timedelta(seconds=61)
    with FAILING_SMS, time_machine.travel(note.next_attempt_at + dt.timedelta(seconds=1)):
        assert notifications.notifications_send_due() == 0
    note.refresh_from_db()
    assert note.attempts == 2
    assert note.state == "pending"
    assert note.next_attempt_at is not None
    # the wait doubles
    with time_machine.travel(note.next_attempt_at - dt.timedelta(seconds=5)):
        assert notifications.notifications_send_due() == 0
    note.refresh_from_db()
    assert note.attempts == 2
    with time_machine.travel(note.next_attempt_at + dt.timedelta(seconds=1)):
        assert notifications.notifications_send_due() == 1
    note.refresh_from_db()
    assert note.state == "sent" and note.attempts == 3


@override_settings(NOTIFICATION_MAX_ATTEMPTS=2)
def test_it_gives_up_after_the_last_attempt(world: World, django_capture_on_commit_callbacks: Any) -> None:
    dossier = world.submit()
    with FAILING_SMS, django_capture_on_commit_callbacks(execute=True):
        workflow.dossier_receive(dossier=dossier, officer=world.officers["tiep_nhan"])
    note = Notification.objects.filter(dossier=dossier, channel="sms").order_by("-id").first()
    assert note is not None and note.next_attempt_at is not None
    with FAILING_SMS, time_machine.travel(note.next_attempt_at + dt.timedelta(seconds=1)):
        notifications.notifications_send_due()
    note.refresh_from_db()
    assert note.state == "failed"


def test_it_respects_the_applicants_choices(world: World, django_capture_on_commit_callbacks: Any) -> None:
    person = PersonFactory(notify_sms=False, notify_email=True, id_number=None)
    dossier = world.submit(applicant=person)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.dossier_receive(dossier=dossier, officer=world.officers["tiep_nhan"])
    channels = set(Notification.objects.filter(dossier=dossier).values_list("channel", flat=True))
    assert channels == {"email"}
    person.notify_email = False
    person.save()
    dossier = world.submit(applicant=person)
    assert not Notification.objects.filter(dossier=dossier).exists()


def test_the_applicant_edits_the_choices_on_the_contact_page(db: Any) -> None:
    from django.test import Client

    person = PersonFactory(id_number=None)
    client = Client()
    client.force_login(person)
    page = client.get("/tai-khoan/cap-nhat/")
    if page.status_code == 404:  # the contact page's address
        from django.urls import reverse

        page = client.get(reverse("portal:account_edit"))
    html = page.content.decode()
    assert 'name="notify_sms"' in html and 'name="notify_email"' in html
    response = client.post(page.wsgi_request.path, {"notify_email": "on"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.notify_sms is False and person.notify_email is True


def test_it_warns_the_responsible_officer_before_the_due_date_and_marks_overdue(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    officers = world.officers
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)
    with time_machine.travel(start, tick=False):
        dossier = world.submit()
        dossier = workflow.dossier_receive(dossier=dossier, officer=officers["tiep_nhan"])
        dossier = workflow.dossier_assign(dossier=dossier, officer=officers["tiep_nhan"], to_officer=officers["xu_ly"])
    assert dossier.due_at == dt.datetime(2026, 3, 5, 9, 0, tzinfo=LOCAL_TZ)
    LocmemBackend.outbox.clear()
    with time_machine.travel(dt.datetime(2026, 3, 2, 15, 0, tzinfo=LOCAL_TZ), tick=False):
        assert workflow.due_warnings_run() == 0  # not yet within a working day
    with (
        time_machine.travel(dt.datetime(2026, 3, 4, 10, 0, tzinfo=LOCAL_TZ), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert workflow.due_warnings_run() == 1
        assert workflow.due_warnings_run() == 0  # once
    alert = OfficerAlert.objects.get()
    assert alert.account == officers["xu_ly"] and alert.kind == "due_soon"
    assert [m.to for m in LocmemBackend.outbox] == ["0912345678"]  # the officer's phone (factory profile)
    with time_machine.travel(dt.datetime(2026, 3, 5, 10, 0, tzinfo=LOCAL_TZ), tick=False):
        assert workflow.due_warnings_run() == 1
    assert Dossier.objects.get(pk=dossier.pk).overdue_marked_at is not None
    assert OfficerAlert.objects.filter(kind="overdue").count() == 1


@override_settings(DOSSIER_WARN_SMS=False, DOSSIER_WARN_EMAIL=False)
def test_it_warns_in_the_app_only_when_sms_and_email_warnings_are_off(world: World) -> None:
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL_TZ)
    with time_machine.travel(start, tick=False):
        dossier = world.submit()
        workflow.dossier_receive(dossier=dossier, officer=world.officers["tiep_nhan"])
    before = Notification.objects.count()
    with time_machine.travel(dt.datetime(2026, 3, 6, 9, 0, tzinfo=LOCAL_TZ), tick=False):
        assert workflow.due_warnings_run() >= 1
    assert Notification.objects.count() == before
    assert OfficerAlert.objects.filter(kind="overdue").exists()


@responses.activate
def test_it_retries_a_timed_out_sms_with_the_same_idempotency_key(
    world: World, django_capture_on_commit_callbacks: Any
) -> None:
    # the gateway may have taken the first message before the timeout: the retry carries
    # the same key, so a gateway that dedupes (the sandbox's does) delivers it once
    gateway = "http://127.0.0.1:8001/dev/sms/api/send"
    with django_capture_on_commit_callbacks(execute=True):
        dossier = world.submit()  # its notice goes to the test outbox
    responses.add(responses.POST, gateway, body=requests.Timeout("no answer"))
    responses.add(responses.POST, gateway, json={"id": 1}, status=201)
    over_http = override_settings(
        PROVINCE_SMS_BACKEND="province.notify.sms.HttpGatewayBackend", PROVINCE_SMS_GATEWAY_URL=gateway
    )
    with over_http, django_capture_on_commit_callbacks(execute=True):
        workflow.dossier_receive(dossier=dossier, officer=world.officers["tiep_nhan"])
    note = Notification.objects.filter(dossier=dossier, channel="sms").get(state="pending")
    assert note.attempts == 1 and note.next_attempt_at is not None
    with over_http, time_machine.travel(note.next_attempt_at + dt.timedelta(seconds=1)):
        assert notifications.notifications_send_due() == 1
    keys = [call.request.headers["Idempotency-Key"] for call in responses.calls]
    assert keys == [f"tthc-notification-{note.pk}"] * 2


def test_a_message_of_the_old_one_notification_task_is_still_delivered_once(world: World) -> None:
    from province.dossiers import tasks

    dossier = world.submit()  # not committed in the test: its notices wait, unsent
    note = Notification.objects.filter(dossier=dossier, channel="sms").get()
    assert note.state == "pending"
    LocmemBackend.outbox.clear()

    tasks.send_notification.delay(note.pk)  # queued by a release before send_notifications
    tasks.send_notification.delay(note.pk)  # and redelivered by the broker

    note.refresh_from_db()
    assert note.state == "sent"
    assert len(LocmemBackend.outbox) == 1
