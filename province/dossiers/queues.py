"""Reads for the officers' work queues: the dossiers a unit holds, by queue, ordered by due
date with keyset pagination, and capped counts (each is an index range scan:
``dossiers_unit_queue`` for one status, the partial ``dossiers_unit_running`` for the
statuses whose clock runs, ``dossiers_unit_finished`` for returned ones)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from province.backoffice.models import OfficerAccount, Role
from province.ops import softcache

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
    # processed (status 9): the one-stop desk hands the result over
    Queue("cho-tra-ket-qua", _("Chờ trả kết quả")),
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
    if key == "cho-tra-ket-qua":
        return rows.filter(status=Status.DONE)
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


# Each queue's condition for the counts, in SQL, beside ``queue_rows`` (which says the same
# in the ORM: tests/province/workflow/test_queues.py checks that they agree). Statuses are
# literals, so that PostgreSQL matches the partial indexes; the moments are parameters.
_RUNNING_SQL = "status IN ({})".format(", ".join(str(int(s)) for s in RUNNING))
_COUNT_SQL: dict[str, tuple[str, tuple[str, ...]]] = {
    "cho-tiep-nhan": (f"status = {int(Status.NEW)}", ()),
    "dang-xu-ly": (_RUNNING_SQL, ()),
    "cho-phe-duyet": (f"{_RUNNING_SQL} AND awaiting_approval", ()),
    "cho-bo-sung": (f"status = {int(Status.SUPPLEMENT_REQUESTED)}", ()),
    "sap-den-han": (f"{_RUNNING_SQL} AND due_at >= %s AND due_at < %s", ("now", "soon")),
    "qua-han": (f"{_RUNNING_SQL} AND due_at < %s", ("now",)),
    "cho-tra-ket-qua": (f"status = {int(Status.DONE)}", ()),
    "da-tra-ket-qua": (f"status = {int(Status.RETURNED)} AND finished_at IS NOT NULL", ()),
}


COUNTS_CACHE_SECONDS = 10


def _counts_key(unit_id: int | None) -> str:
    return f"queue-counts:{unit_id}"


def counts_forget(*, dossier: Dossier, **_kwargs: object) -> None:
    """Receiver of ``status_changed``: the unit's counts are counted again once the change
    is committed (a dossier moved to another unit without a status change shows in the
    counts within ``COUNTS_CACHE_SECONDS``)."""
    if dossier.unit_id is not None:
        key = _counts_key(dossier.unit_id)
        transaction.on_commit(lambda: softcache.delete(key))


def queue_counts(*, officer: OfficerAccount, now: dt.datetime | None = None) -> dict[str, int]:
    """Each queue's size, counted up to ``COUNT_CAP + 1`` (shown as "999+"), kept for the
    unit for ``COUNTS_CACHE_SECONDS`` (every officer of the unit loads them with every
    queue page) and forgotten when one of its dossiers changes status."""
    key = _counts_key(officer.unit_id)
    cached = softcache.get(key)
    if cached is not None:
        return dict(cached)
    counts = _count(officer=officer, now=now)
    softcache.set(key, counts, COUNTS_CACHE_SECONDS)
    return counts


def _count(*, officer: OfficerAccount, now: dt.datetime | None = None) -> dict[str, int]:
    """One statement of seven capped index range scans."""
    now = now or timezone.now()
    moments = {"now": now, "soon": soon_limit(now)}
    table = connection.ops.quote_name(Dossier._meta.db_table)
    parts: list[str] = []
    params: list[Any] = []
    for q in QUEUES:
        condition, names = _COUNT_SQL[q.key]
        parts.append(
            f"(SELECT COUNT(*) FROM (SELECT 1 FROM {table} WHERE unit_id = %s AND {condition} "  # noqa: S608 (constants)
            f"LIMIT {COUNT_CAP + 1}) AS capped)"
        )
        params.extend([officer.unit_id, *(moments[name] for name in names)])
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {q.key: int(n) for q, n in zip(QUEUES, row, strict=True)}


@dataclass(frozen=True)
class QueueRow:
    """One line of a queue page, formatted here (50 per page: template filters and URL
    reversing per cell cost more than the page's queries)."""

    code: str
    url: str
    procedure: str
    applicant: str
    status: str
    officer: str
    when: str  # the due date, or the return date in the returned queue
    late: bool


def queue_page_rows(rows: list[Dossier], *, by_finished: bool, now: dt.datetime) -> list[QueueRow]:
    from django.urls import reverse

    base = reverse("backoffice:dossier", kwargs={"code": "0"})[:-2]  # …/ho-so/<code>/
    labels = {value: str(label) for value, label in Status.choices}
    awaiting = str(_("chờ phê duyệt"))
    out = []
    for d in rows:
        moment = d.finished_at if by_finished else d.due_at
        status = labels.get(d.status, str(d.status))
        out.append(
            QueueRow(
                code=d.code,
                url=f"{base}{quote(d.code)}/",
                procedure=d.procedure.name,
                applicant=str(getattr(d, "applicant_name", None) or ""),
                status=f"{status} ({awaiting})" if d.awaiting_approval else status,
                officer=d.officer.person.full_name if d.officer else "",
                when=timezone.localtime(moment).strftime("%H:%M %d/%m/%Y") if moment else "",
                late=bool(not by_finished and d.due_at and d.due_at < now),
            )
        )
    return out


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
        # what a row shows (``QueueRow``), the applicant's name read out of the JSON by the database
        .only(
            "code",
            "status",
            "awaiting_approval",
            "due_at",
            "finished_at",
            "procedure__name",
            "officer__id",
            "officer__person__full_name",
        )
        .annotate(applicant_name=KT("applicant_info__full_name"))
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
    page: list[Dossier] = list(rows[: PAGE_SIZE + 1])
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
