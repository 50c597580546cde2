"""SMS and e-mail about dossiers: an outbox written in the transaction of the change and
delivered after commit by a background job (Celery; inline on commit in the embedded mode).

- One event is queued at most once per channel: ``Notification.event_key`` + ``channel``
  is unique, so a retried action or a second worker cannot queue it twice.
- One row is sent at most once: ``notification_deliver`` locks the row and re-checks its
  state before sending, and marks it sent in the same transaction.
- A failure is retried with exponential backoff (``next_attempt_at``): by the task itself
  when it runs on a worker, and by the sweeper (``python -m province send_notifications``,
  a Celery beat entry every minute) in any mode. After ``NOTIFICATION_MAX_ATTEMPTS`` the
  row is marked failed.
- The applicant's choices (``Person.notify_sms`` / ``notify_email``) are read when the
  notice is queued.
"""

from __future__ import annotations

import datetime as dt
import logging
import unicodedata
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Dossier, Notification

logger = logging.getLogger(__name__)

BACKOFF_BASE_SECONDS = 60
BACKOFF_MAX_SECONDS = 6 * 3600


def max_attempts() -> int:
    return int(getattr(settings, "NOTIFICATION_MAX_ATTEMPTS", 8))


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 … minutes after the n-th failure, at most six hours."""
    return dt.timedelta(seconds=min(BACKOFF_BASE_SECONDS * 2 ** max(0, attempts - 1), BACKOFF_MAX_SECONDS))


def sms_text(text: str) -> str:
    """SMS go out without diacritics (one 160-character GSM part instead of 70 in UCS-2)."""
    text = text.replace("Đ", "D").replace("đ", "d")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")


def queue(
    *,
    dossier: Dossier | None,
    event_key: str,
    phone: str,
    email: str,
    subject: str,
    body: str,
    sms_body: str | None = None,
    new_event: bool = False,
) -> list[int]:
    """Queue the SMS and/or e-mail of one event (call inside the transaction of the change);
    they are sent after commit. Returns the ids queued (none when already queued).

    ``new_event``: the event was created in this transaction (its key names a row that did
    not exist before), so no notice of it can exist yet: the rows go in with one INSERT
    instead of one savepoint each. A wrong ``True`` still cannot queue twice: the unique
    key makes the INSERT, and with it the transaction, fail."""
    notes = []
    if phone:
        notes.append(Notification(channel=Notification.Channel.SMS, to=phone, body=sms_text(sms_body or body)))
    if email:
        notes.append(Notification(channel=Notification.Channel.EMAIL, to=email, subject=subject[:200], body=body))
    for note in notes:
        note.dossier = dossier
        note.event_key = event_key[:60]
    ids: list[int] = []
    if new_event:
        ids = [note.pk for note in Notification.objects.bulk_create(notes)]
    else:
        for note in notes:
            try:
                with transaction.atomic():
                    note.save(force_insert=True)
            except IntegrityError:
                continue  # this event was queued on this channel already
            ids.append(note.pk)
    if ids:
        transaction.on_commit(lambda: enqueue(ids))
    return ids


def queue_for_applicant(
    *,
    dossier: Dossier,
    event_key: str,
    subject: str,
    body: str,
    sms_body: str | None = None,
    new_event: bool = False,
) -> list[int]:
    """Queue a notice to the dossier's applicant, at the contact given with the dossier,
    on the channels the applicant chose."""
    info = dossier.applicant_info or {}
    person = dossier.applicant
    phone = str(info.get("phone") or "") if person.notify_sms else ""
    email = str(info.get("email") or "") if person.notify_email else ""
    return queue(
        dossier=dossier,
        event_key=event_key,
        phone=phone,
        email=email,
        subject=subject,
        body=body,
        sms_body=sms_body,
        new_event=new_event,
    )


def enqueue(ids: Iterable[int]) -> None:
    """Hand the notifications of one event to the background job: one message for all of
    them (the SMS and the e-mail), each delivered and retried on its own by the task."""
    from .tasks import send_notifications

    ids = list(ids)
    if ids:
        try:
            send_notifications.apply_async(args=[ids], task_id=f"notifications-{'-'.join(map(str, ids))}")
        except Exception as exc:
            broker_unreachable(ids, exc)


def broker_unreachable(ids: list[int], exc: Exception) -> None:
    """After commit the change is saved and acknowledged: a broker that cannot be reached
    (Redis restarting: kombu's OperationalError) must not turn that into an error page.
    The rows stay pending in the outbox and the sweeper (beat, every minute) sends them
    once the broker is back. Inline (eager) jobs run here: their errors still raise."""
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False):
        raise exc
    logger.warning("notification_enqueue_failed ids=%s error=%s: left to the sweeper", ids, type(exc).__name__)


def notification_deliver(*, notification_id: int) -> bool | None:
    """Send one notification if it is still pending and due. True when sent now, False
    when the attempt failed (retried later), None when there was nothing to do (already
    sent, failed for good, or not due yet)."""
    from province.notify.email import send_email
    from province.notify.sms import send_sms

    with transaction.atomic():
        note = Notification.objects.select_for_update().filter(pk=notification_id).first()
        now = timezone.now()
        if note is None or note.state != Notification.State.PENDING:
            return None
        if note.next_attempt_at is not None and note.next_attempt_at > now:
            return None
        note.attempts += 1
        try:
            if note.channel == Notification.Channel.SMS:
                # a retry after a timeout must not deliver twice: the gateway dedupes on the key
                send_sms(to=note.to, body=note.body, idempotency_key=f"tthc-notification-{note.pk}")
            else:
                send_email(to=note.to, subject=note.subject, body=note.body)
        except Exception as exc:
            note.last_error = type(exc).__name__[:300]
            note.next_attempt_at = now + backoff(note.attempts)
            if note.attempts >= max_attempts():
                note.state = Notification.State.FAILED
            note.save(update_fields=["attempts", "last_error", "state", "next_attempt_at"])
            logger.warning("notification_failed id=%s attempts=%s error=%s", note.pk, note.attempts, note.last_error)
            return False
        note.state = Notification.State.SENT
        note.sent_at = now
        note.save(update_fields=["attempts", "state", "sent_at"])
        return True


def notifications_send_due(*, limit: int = 500) -> int:
    """The sweeper: send every pending notification whose retry time has come. Returns
    how many were sent."""
    now = timezone.now()
    pending = (
        Notification.objects.filter(state=Notification.State.PENDING)
        .exclude(next_attempt_at__gt=now)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in list(pending) if notification_deliver(notification_id=pk))
