"""Keeping the statistics aggregates, and the recount that verifies them.

What the counters of a (day, agency, procedure, channel) row mean — the same definitions
as the statistics page explains to the public, and as ``stats_recount`` counts from the
dossiers:

- ``received`` (tiếp nhận): dossiers whose ``submitted_at`` falls on that local day.
- ``open_now`` (đang xử lý): of the dossiers submitted that day, those whose status is *now*
  1, 2, 4, 5 or 6 (not yet finished, refused, withdrawn or stopped).
- ``done_on_time`` / ``done_late`` (giải quyết đúng hạn / trễ hạn): dossiers that entered
  status 9 (Đã xử lý xong) or 10 (Đã trả kết quả) from another status that day; on time when
  that moment is at or before ``due_at`` (or the procedure has no deadline), late otherwise.
  A dossier going 9 → 10 is counted once, when it entered 9.
- ``withdrawn`` / ``not_accepted`` / ``stopped``: dossiers that entered status 7 / 3 / 8 that day.
- ``rating_<n>``: satisfaction ratings of level n given that day.

Rows are keyed by the dossier's receiving agency, procedure and channel. Every change is an
``INSERT … ON CONFLICT DO UPDATE SET c = c + excluded.c``: a single statement that is
race-safe under concurrent transactions on PostgreSQL (and on SQLite), in the transaction
of the status change (``status_changed`` is sent inside it), so the aggregates commit or
roll back together with the dossier.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.db.models.functions import TruncDate

from province.dossiers.calendar import LOCAL_TZ
from province.dossiers.models import Dossier, DossierEvent, Status

from .models import COUNTERS, DailyStat, MonthlyStat, Rating, StatModel

logger = logging.getLogger(__name__)

OPEN = frozenset(
    {Status.NEW, Status.ACCEPTED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED, Status.PAYMENT_REQUESTED}
)
FINISHED = frozenset({Status.DONE, Status.RETURNED})
ENTERED: Mapping[int, str] = {
    Status.WITHDRAWN: "withdrawn",
    Status.NOT_ACCEPTED: "not_accepted",
    Status.STOPPED: "stopped",
}

Key = tuple[dt.date, int, int, int]


def local_day(at: dt.datetime) -> dt.date:
    return at.astimezone(LOCAL_TZ).date()


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _upsert(model: StatModel, key: Key, deltas: Mapping[str, int]) -> None:
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    columns = ["day", "agency_id", "procedure_id", "channel", *COUNTERS]
    values: list[Any] = [*key, *(deltas.get(name, 0) for name in COUNTERS)]
    updates = ", ".join(f"{qn(name)} = {table}.{qn(name)} + excluded.{qn(name)}" for name in deltas)
    # identifiers come from the model and COUNTERS only; every value is a query parameter
    names = ", ".join(qn(c) for c in columns)
    marks = ", ".join(["%s"] * len(columns))
    insert = f"INSERT INTO {table} ({names}) VALUES ({marks})"  # noqa: S608
    key_columns = ", ".join(qn(c) for c in ("day", "agency_id", "procedure_id", "channel"))
    sql = f"{insert} ON CONFLICT ({key_columns}) DO UPDATE SET {updates}"
    with connection.cursor() as cursor:
        cursor.execute(sql, values)


def bump(*, day: dt.date, dossier: Dossier, deltas: Mapping[str, int]) -> None:
    """Add ``deltas`` to the day's and the month's row of the dossier's agency, procedure
    and channel. Call inside the transaction of the change being counted."""
    bump_days(dossier=dossier, changes=[(day, deltas)])


def bump_days(*, dossier: Dossier, changes: Iterable[tuple[dt.date, Mapping[str, int]]]) -> None:
    """``bump`` for several days at once. The rows are upserted in one order for everyone
    (the days' rows by date, then the months' rows by month), so two transactions counting
    changes of the same agency, procedure and channel wait for each other instead of each
    holding a row the other needs (a deadlock); two days of one month make one month row."""
    days: dict[dt.date, dict[str, int]] = defaultdict(dict)
    months: dict[dt.date, dict[str, int]] = defaultdict(dict)
    for day, deltas in changes:
        for name, value in deltas.items():
            if not value:
                continue
            if name not in COUNTERS:
                raise ValueError(f"unknown counters {[name]}")
            days[day][name] = days[day].get(name, 0) + value
            month = months[month_of(day)]
            month[name] = month.get(name, 0) + value
    rest = (dossier.agency_id, dossier.procedure_id, int(dossier.channel))
    for model, rows in ((DailyStat, days), (MonthlyStat, months)):
        for day in sorted(rows):
            deltas = {name: value for name, value in rows[day].items() if value}
            if deltas:
                _upsert(model, (day, *rest), deltas)


def transition_deltas(
    *, dossier: Dossier, from_status: int | None, to_status: int, at: dt.datetime
) -> list[tuple[dt.date, dict[str, int]]]:
    """The counter changes a status change makes, as (local day, deltas) pairs."""
    if from_status == to_status:
        return []
    changes: dict[dt.date, dict[str, int]] = defaultdict(dict)
    submitted_day = local_day(dossier.submitted_at)
    event_day = local_day(at)
    if from_status is None:
        changes[submitted_day]["received"] = 1
    if to_status in FINISHED and from_status not in FINISHED:
        on_time = dossier.due_at is None or at <= dossier.due_at
        changes[event_day]["done_on_time" if on_time else "done_late"] = 1
    if to_status in ENTERED:
        changes[event_day][ENTERED[to_status]] = 1
    was_open = from_status in OPEN
    is_open = to_status in OPEN
    if was_open != is_open:
        row = changes[submitted_day]
        row["open_now"] = row.get("open_now", 0) + (1 if is_open else -1)
    return [(day, deltas) for day, deltas in changes.items() if deltas]


def on_status_changed(
    sender: Any,
    *,
    dossier: Dossier,
    from_status: int | None,
    to_status: int,
    at: dt.datetime,
    **kwargs: Any,
) -> None:
    """Receiver of ``dossiers.signals.status_changed`` (connected in ``StatsConfig.ready``)."""
    bump_days(
        dossier=dossier, changes=transition_deltas(dossier=dossier, from_status=from_status, to_status=to_status, at=at)
    )


def count_rating(rating: Rating) -> None:
    bump(day=local_day(rating.created_at), dossier=rating.dossier, deltas={f"rating_{rating.level}": 1})


# --- recount ----------------------------------------------------------------------------


@dataclass
class RecountResult:
    expected_rows: int
    differing: list[tuple[str, Key, dict[str, int], dict[str, int]]] = field(default_factory=list)
    fixed: bool = False


def _expected_daily() -> dict[Key, dict[str, int]]:
    """The daily counters computed straight from dossiers, their timeline and the ratings."""
    rows: dict[Key, dict[str, int]] = defaultdict(dict)
    submitted_day = TruncDate("submitted_at", tzinfo=LOCAL_TZ)

    def add(items: Iterable[Mapping[str, Any]], counter_of: Any) -> None:
        for item in items:
            key = (item["day"], item["agency"], item["procedure"], item["channel"])
            name = counter_of(item)
            rows[key][name] = rows[key].get(name, 0) + item["n"]

    dossiers = Dossier.objects.annotate(day=submitted_day).values("day", "agency", "procedure", "channel")
    add(dossiers.annotate(n=Count("id")).order_by(), lambda item: "received")
    add(
        dossiers.filter(status__in=OPEN).annotate(n=Count("id")).order_by(),
        lambda item: "open_now",
    )
    changed = DossierEvent.objects.filter(Q(from_status__isnull=True) | ~Q(from_status=F("to_status"))).annotate(
        day=TruncDate("at", tzinfo=LOCAL_TZ),
        agency=F("dossier__agency"),
        procedure=F("dossier__procedure"),
        channel=F("dossier__channel"),
    )
    finished = (
        changed.filter(to_status__in=FINISHED)
        .filter(Q(from_status__isnull=True) | ~Q(from_status__in=FINISHED))
        .annotate(
            on_time=Case(
                When(Q(dossier__due_at__isnull=True) | Q(at__lte=F("dossier__due_at")), then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            )
        )
        .values("day", "agency", "procedure", "channel", "on_time")
        .annotate(n=Count("id"))
        .order_by()
    )
    add(finished, lambda item: "done_on_time" if item["on_time"] else "done_late")
    entered = (
        changed.filter(to_status__in=list(ENTERED))
        .values("day", "agency", "procedure", "channel", "to_status")
        .annotate(n=Count("id"))
        .order_by()
    )
    add(entered, lambda item: ENTERED[item["to_status"]])
    ratings = (
        Rating.objects.annotate(
            day=TruncDate("created_at", tzinfo=LOCAL_TZ),
            agency=F("dossier__agency"),
            procedure=F("dossier__procedure"),
            channel=F("dossier__channel"),
        )
        .values("day", "agency", "procedure", "channel", "level")
        .annotate(n=Count("id"))
        .order_by()
    )
    add(ratings, lambda item: f"rating_{item['level']}")
    return rows


def _monthly(daily: Mapping[Key, Mapping[str, int]]) -> dict[Key, dict[str, int]]:
    rows: dict[Key, dict[str, int]] = defaultdict(dict)
    for (day, *rest), counters in daily.items():
        row = rows[(month_of(day), rest[0], rest[1], rest[2])]
        for name, value in counters.items():
            row[name] = row.get(name, 0) + value
    return rows


def _stored(model: StatModel) -> dict[Key, dict[str, int]]:
    stored: dict[Key, dict[str, int]] = {}
    for row in model.objects.values_list("day", "agency_id", "procedure_id", "channel", *COUNTERS).iterator(
        chunk_size=10000
    ):
        stored[(row[0], row[1], row[2], row[3])] = {name: v for name, v in zip(COUNTERS, row[4:], strict=True) if v}
    return stored


def _compare(
    label: str, expected: Mapping[Key, Mapping[str, int]], stored: Mapping[Key, Mapping[str, int]]
) -> list[tuple[str, Key, dict[str, int], dict[str, int]]]:
    out = []
    for key in expected.keys() | stored.keys():
        want = {n: v for n, v in expected.get(key, {}).items() if v}
        have = {n: v for n, v in stored.get(key, {}).items() if v}
        if want != have:
            out.append((label, key, want, have))
    out.sort(key=lambda item: (item[0], item[1]))
    return out


def _rewrite(model: StatModel, rows: Mapping[Key, Mapping[str, int]]) -> None:
    model.objects.all().delete()
    batch: list[Any] = []
    for (day, agency_id, procedure_id, channel), counters in rows.items():
        if not any(counters.values()):
            continue
        batch.append(model(day=day, agency_id=agency_id, procedure_id=procedure_id, channel=channel, **dict(counters)))
        if len(batch) >= 5000:
            model.objects.bulk_create(batch)
            batch = []
    model.objects.bulk_create(batch)


def recount(*, fix: bool) -> RecountResult:
    """Recompute every aggregate from the dossiers and compare with the stored rows; with
    ``fix`` replace the stored rows when they differ.

    On PostgreSQL the aggregate tables are locked (SHARE ROW EXCLUSIVE) before counting:
    status changes wait at their upsert until the recount commits, and changes that had
    already upserted are committed before the count starts, so none is lost or counted twice.
    """
    with transaction.atomic():
        if connection.vendor == "postgresql":
            qn = connection.ops.quote_name
            tables = ", ".join(qn(m._meta.db_table) for m in (DailyStat, MonthlyStat))
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {tables} IN SHARE ROW EXCLUSIVE MODE")
        daily = _expected_daily()
        monthly = _monthly(daily)
        result = RecountResult(expected_rows=sum(1 for c in daily.values() if any(c.values())))
        result.differing = _compare("ngày", daily, _stored(DailyStat)) + _compare(
            "tháng", monthly, _stored(MonthlyStat)
        )
        if fix and result.differing:
            _rewrite(DailyStat, daily)
            _rewrite(MonthlyStat, monthly)
            result.fixed = True
            if connection.vendor == "postgresql":
                # fresh planner statistics: after a bulk rewrite the planner would otherwise
                # guess a handful of rows and pick slow plans until autovacuum analyses
                with connection.cursor() as cursor:
                    cursor.execute(f"ANALYZE {tables}")
            logger.info("stats_recount_fixed rows=%s", len(result.differing))
    return result
