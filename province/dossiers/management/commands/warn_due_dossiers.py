"""``python -m province warn_due_dossiers``: warn officers of dossiers close to their due
date and mark overdue ones (the Celery beat entry runs the same job every 15 minutes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from province.dossiers.workflow import due_warnings_run


class Command(BaseCommand):
    help = "Warn officers of dossiers due soon and mark overdue ones."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"alerts {due_warnings_run()}")
