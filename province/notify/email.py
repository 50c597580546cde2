"""E-mail goes through Django's ``EMAIL_BACKEND`` (console in the demo, locmem in tests)."""

from __future__ import annotations

import logging

from django.core.mail import send_mail

logger = logging.getLogger(__name__)


def send_email(*, to: str, subject: str, body: str) -> None:
    """Send a plain-text message; the body is never logged."""
    send_mail(subject, body, None, [to], fail_silently=False)
    logger.info("email_sent length=%d", len(body))
