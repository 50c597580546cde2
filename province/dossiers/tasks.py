"""Background jobs of the dossiers app: thin wrappers that call services with ids."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from . import notifications, workflow


@shared_task(bind=True, name="dossiers.send_notification", max_retries=None, ignore_result=True)
def send_notification(self: Any, notification_id: int) -> None:
    """Send one notification; on a worker a failure is retried after the row's backoff
    (inline, the sweeper retries it)."""
    outcome = notifications.notification_deliver(notification_id=notification_id)
    if outcome is False and not self.request.is_eager:
        from .models import Notification

        note = Notification.objects.filter(pk=notification_id, state=Notification.State.PENDING).first()
        if note is not None:
            raise self.retry(countdown=notifications.backoff(note.attempts).total_seconds())


@shared_task(name="dossiers.send_pending_notifications", ignore_result=True)
def send_pending_notifications() -> int:
    """The sweeper (Celery beat, every minute): whatever is still pending and due."""
    return notifications.notifications_send_due()


@shared_task(name="dossiers.warn_due_dossiers", ignore_result=True)
def warn_due_dossiers() -> int:
    """Warn officers of dossiers close to their due date and mark overdue ones."""
    return workflow.due_warnings_run()
