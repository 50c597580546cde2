"""Background jobs of the dossiers app: thin wrappers that call services with ids."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from . import notifications, workflow


def _deliver(task: Any, notification_ids: list[int]) -> None:
    failed = [pk for pk in notification_ids if notifications.notification_deliver(notification_id=pk) is False]
    if failed and not task.request.is_eager:
        from .models import Notification

        pending = list(Notification.objects.filter(pk__in=failed, state=Notification.State.PENDING).only("attempts"))
        if pending:
            countdown = min(notifications.backoff(note.attempts).total_seconds() for note in pending)
            raise task.retry(args=[[note.pk for note in pending]], countdown=countdown)


@shared_task(bind=True, name="dossiers.send_notifications", max_retries=None, ignore_result=True)
def send_notifications(self: Any, notification_ids: list[int]) -> None:
    """Send the notifications of one event (one broker message for its SMS and e-mail);
    on a worker the ones that failed are retried after their backoff (inline, the sweeper
    retries them). A row already sent is skipped, so a redelivered message sends nothing twice."""
    _deliver(self, notification_ids)


@shared_task(name="dossiers.send_notification", ignore_result=True)
def send_notification(notification_id: int) -> None:
    """One notification: the message of releases before ``send_notifications``, kept so
    that messages queued before an upgrade are still delivered (by the new task)."""
    send_notifications.delay([notification_id])


@shared_task(name="dossiers.send_pending_notifications", ignore_result=True)
def send_pending_notifications() -> int:
    """The sweeper (Celery beat, every minute): whatever is still pending and due."""
    return notifications.notifications_send_due()


@shared_task(name="dossiers.warn_due_dossiers", ignore_result=True)
def warn_due_dossiers() -> int:
    """Warn officers of dossiers close to their due date and mark overdue ones."""
    return workflow.due_warnings_run()
