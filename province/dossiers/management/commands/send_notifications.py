"""``python -m province send_notifications``: the sweeper that retries SMS/e-mail notices
still pending in the outbox once their backoff has passed (the Celery beat entry runs it
every minute; without workers run it from cron; sending after commit covers the usual case)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from province.dossiers.services import notifications_send


class Command(BaseCommand):
    help = "Send dossier notifications that are still pending."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = notifications_send()
        self.stdout.write(f"sent {sent}")
