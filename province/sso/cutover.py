"""The VNeID-only cut-over (Decree 59/2022/NĐ-CP; seed 004's "THÔNG BÁO TỪ HỆ THỐNG").

From ``VNEID_ONLY_FROM`` on (a date, in the portal's time zone), a sign-in made with a
national-portal account instead of VNeID is refused once its tokens are verified and
before any person, link or session is written.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from .claims import IdentityClaims


def vneid_only_from() -> dt.date | None:
    value = settings.VNEID_ONLY_FROM
    return value if isinstance(value, dt.date) else None


def refuses(claims: IdentityClaims, *, today: dt.date | None = None) -> bool:
    """Whether this sign-in is refused: the cut-over date has come and it is not VNeID."""
    start = vneid_only_from()
    # Businesses (LoaiTaiKhoan 2/3) are out of scope: the decree's cut-over is about
    # citizens' accounts; organisations move to VNeID on their own, later, schedule.
    if start is None or claims.is_vneid or claims.is_business:
        return False
    return (today or timezone.localdate()) >= start
