"""Reads of the integration API: which dossiers a client may see, and the sync feed."""

from __future__ import annotations

import base64
import binascii
import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from province.dossiers.models import Dossier

from .models import ApiClient


def dossier_for_client(*, client: ApiClient, code: str, sync: bool) -> Dossier | None:
    """A dossier the client submitted; any dossier for a client holding ``dossiers:sync``."""
    rows = Dossier.objects.select_related("procedure", "agency").filter(code=code)
    if not sync:
        rows = rows.filter(api_submission__client=client)
    return rows.first()


class BadCursor(ValueError):
    pass


def encode_cursor(updated_at: dt.datetime, pk: int) -> str:
    text = f"{updated_at.astimezone(dt.UTC).isoformat()}|{pk}"
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[dt.datetime, int]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        stamp, _sep, pk = text.partition("|")
        at = dt.datetime.fromisoformat(stamp)
        number = int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise BadCursor(cursor) from exc
    if at.tzinfo is None or number < 0:
        raise BadCursor(cursor)
    return at, number


def sync_feed(*, after: tuple[dt.datetime, int] | None, limit: int, lag_seconds: int) -> QuerySet[Dossier]:
    """Dossiers changed after the cursor, oldest change first, keyset-paginated on
    (updated_at, id). Rows changed in the last ``lag_seconds`` wait for the next call, so a
    transaction still in flight cannot commit a change behind a cursor already given out."""
    rows = Dossier.objects.select_related("procedure", "agency").filter(
        updated_at__lte=timezone.now() - dt.timedelta(seconds=lag_seconds)
    )
    if after is not None:
        at, pk = after
        rows = rows.filter(Q(updated_at__gt=at) | Q(updated_at=at, id__gt=pk))
    return rows.order_by("updated_at", "id")[:limit]
