"""Rotate the SSO's signing key: the old key stays published in the JWKS until the next rotation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from sandbox.idp.keys import rotate


class Command(BaseCommand):
    help = "Create a new active RSA signing key; keep the previous one published (restart to apply)."

    def handle(self, *args: Any, **options: Any) -> None:
        rotate(settings.SANDBOX_KEY_DIR)
        self.stdout.write("New signing key created. Restart the sandbox to sign with it.")
