"""``python -m province send_notifications``: retry SMS/e-mail notices still pending in the
outbox (run it from cron every minute or so; sending after commit covers the usual case)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from province.dossiers.services import notifications_send


class Command(BaseCommand):
    help = "Send dossier notifications that are still pending."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = notifications_send()
        self.stdout.write(f"sent {sent}")
