"""Reads for the officers' work queues: the dossiers a unit holds, by queue, ordered by due
date with keyset pagination, and capped counts (each is an index range scan:
``dossiers_unit_queue`` for one status, the partial ``dossiers_unit_running`` for the
statuses whose clock runs, ``dossiers_unit_finished`` for returned ones)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from province.backoffice.models import OfficerAccount, Role

from .calendar import WorkingCalendar
from .models import Dossier, OfficerAlert, Status

PAGE_SIZE = 50
COUNT_CAP = 999
RUNNING = (Status.ACCEPTED, Status.PROCESSING, Status.PAYMENT_REQUESTED)


@dataclass(frozen=True)
class Queue:
    key: str
    label: Promise
    by_finished: bool = False


QUEUES: tuple[Queue, ...] = (
    Queue("cho-tiep-nhan", _("Chờ tiếp nhận")),
    Queue("dang-xu-ly", _("Đang xử lý")),
    Queue("cho-phe-duyet", _("Chờ phê duyệt")),
    Queue("cho-bo-sung", _("Chờ bổ sung")),
    Queue("sap-den-han", _("Sắp đến hạn")),
    Queue("qua-han", _("Quá hạn")),
    Queue("da-tra-ket-qua", _("Đã trả kết quả"), by_finished=True),
)
QUEUE_KEYS = {q.key: q for q in QUEUES}
DEFAULT_QUEUE = {
    Role.RECEIVING: "cho-tiep-nhan",
    Role.PROCESSING: "dang-xu-ly",
    Role.APPROVING: "cho-phe-duyet",
    Role.ADMIN: "dang-xu-ly",
}


def soon_limit(now: dt.datetime) -> dt.datetime:
    """ "Sắp đến hạn": due within one working day."""
    return WorkingCalendar().add_working_minutes(now, 8 * 60)


def queue_rows(*, unit_id: int, key: str, now: dt.datetime, soon: dt.datetime) -> QuerySet[Dossier]:
    rows = Dossier.objects.filter(unit_id=unit_id)
    if key == "cho-tiep-nhan":
        return rows.filter(status=Status.NEW)
    if key == "cho-bo-sung":
        return rows.filter(status=Status.SUPPLEMENT_REQUESTED)
    if key == "da-tra-ket-qua":
        # returned through the workflow, so dated (``finished_at``): the partial index
        # ``dossiers_unit_returned`` serves it newest first
        return rows.filter(status=Status.RETURNED, finished_at__isnull=False)
    running = rows.filter(status__in=RUNNING)
    if key == "dang-xu-ly":
        return running
    if key == "cho-phe-duyet":
        return running.filter(awaiting_approval=True)
    if key == "sap-den-han":
        return running.filter(due_at__gte=now, due_at__lt=soon)
    if key == "qua-han":
        return running.filter(due_at__lt=now)
    raise KeyError(key)


def queue_counts(*, officer: OfficerAccount, now: dt.datetime | None = None) -> dict[str, int]:
    """Each queue's size, counted up to ``COUNT_CAP + 1`` (shown as "999+")."""
    now = now or timezone.now()
    soon = soon_limit(now)
    return {
        q.key: queue_rows(unit_id=officer.unit_id, key=q.key, now=now, soon=soon).values("id")[: COUNT_CAP + 1].count()
        for q in QUEUES
    }


Cursor = tuple[dt.datetime | None, int]


def queue_page(
    *, officer: OfficerAccount, key: str, after: Cursor | None = None, now: dt.datetime | None = None
) -> tuple[list[Dossier], Cursor | None]:
    """One page of a queue: by due date (soonest first, undated last), or for returned
    dossiers by return time (newest first); keyset on (date, id). Returns the rows and the
    cursor of the next page (None on the last one)."""
    now = now or timezone.now()
    queue = QUEUE_KEYS[key]
    rows = (
        queue_rows(unit_id=officer.unit_id, key=key, now=now, soon=soon_limit(now))
        .select_related("procedure", "officer__person")
        .defer("form_data", "procedure__legal_basis", "procedure__steps", "procedure__result", "procedure__fee_text")
    )
    if queue.by_finished:
        if after is not None and after[0] is not None:
            at, pk = after
            rows = rows.filter(Q(finished_at__lt=at) | Q(finished_at=at, id__lt=pk))
        rows = rows.order_by("-finished_at", "-id")
    else:
        if after is not None:
            due, pk = after
            if due is None:
                rows = rows.filter(due_at__isnull=True, id__gt=pk)
            else:
                rows = rows.filter(Q(due_at__gt=due) | Q(due_at=due, id__gt=pk) | Q(due_at__isnull=True))
        rows = rows.order_by(F("due_at").asc(nulls_last=True), "id")
    page = list(rows[: PAGE_SIZE + 1])
    if len(page) <= PAGE_SIZE:
        return page, None
    page = page[:PAGE_SIZE]
    last = page[-1]
    return page, ((last.finished_at if queue.by_finished else last.due_at), last.pk)


def officer_alerts(*, officer: OfficerAccount, limit: int = 20) -> list[OfficerAlert]:
    """The officer's unread warnings, newest first."""
    return list(
        OfficerAlert.objects.filter(account=officer, read_at__isnull=True)
        .select_related("dossier")
        .order_by("-created_at", "-id")[:limit]
    )


def dossier_for_officer(*, officer: OfficerAccount, code: str) -> Dossier | None:
    """A dossier held by the officer's unit, or None (another unit's is not found)."""
    return (
        Dossier.objects.select_related("procedure", "agency", "unit", "officer__person", "applicant")
        .filter(code=code.strip()[:60], unit_id=officer.unit_id)
        .first()
    )
