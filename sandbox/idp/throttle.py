"""Temporary, growing lockouts of an identity after repeated failures (NIST SP 800-63B §5.2.2).

Kept in the database so that every web process sees the same counts. Keys are per identity
("vneid:<số định danh>", "portal:<tên đăng nhập>"), whether or not an account exists, so a
lock tells nothing about existence.
"""

from __future__ import annotations

import math
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Throttle


def locked_for(key: str) -> int:
    """Seconds left on the lock of ``key``; 0 when it is not locked."""
    until = Throttle.objects.filter(key=key).values_list("locked_until", flat=True).first()
    if until is None:
        return 0
    remaining = (until - timezone.now()).total_seconds()
    return max(0, math.ceil(remaining))


@transaction.atomic
def register_failure(key: str) -> int:
    """Count one failure; lock when the threshold is reached. Returns lock seconds (0 if none)."""
    rules = settings.SANDBOX
    throttle, _ = Throttle.objects.select_for_update().get_or_create(key=key)
    throttle.failures += 1
    lock_seconds = 0
    if throttle.failures >= rules["LOCK_AFTER_FAILURES"]:
        throttle.lock_count += 1
        lock_seconds = min(rules["LOCK_BASE_SECONDS"] * 2 ** (throttle.lock_count - 1), rules["LOCK_MAX_SECONDS"])
        throttle.locked_until = timezone.now() + timedelta(seconds=lock_seconds)
        throttle.failures = 0
    throttle.save()
    return lock_seconds


def register_success(key: str) -> None:
    Throttle.objects.filter(key=key).update(failures=0, lock_count=0, locked_until=None)


def lock_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return _("Tài khoản tạm thời bị khóa do nhập sai nhiều lần. Vui lòng thử lại sau %(minutes)d phút.") % {
        "minutes": minutes
    }
