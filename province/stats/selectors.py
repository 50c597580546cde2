"""Reads of the statistics page: figures from the aggregate tables only (never the dossiers).

A period is split into whole months (read from ``MonthlyStat``) and the partial months at its
edges (read from ``DailyStat``), so a year costs 12 rows per agency × procedure × channel.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from province.catalogue.models import Agency, Field, Level, Procedure, ProcedureDocument
from province.dossiers.models import Channel

from .models import COUNTERS, DailyStat, MonthlyStat, RatingLevel, StatModel


@dataclass(frozen=True)
class Filters:
    start: dt.date
    end: dt.date  # inclusive
    agency_id: int | None = None
    field_id: int | None = None
    level: str | None = None

    def narrowing(self) -> Q:
        q = Q()
        if self.agency_id is not None:
            q &= Q(agency_id=self.agency_id)
        if self.field_id is not None:
            q &= Q(procedure__field_id=self.field_id)
        if self.level:
            q &= Q(procedure__level=self.level)
        return q


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


_ONLINE = int(Channel.ONLINE)


@dataclass
class Figures:
    """Counters summed over a group, and the shares shown on the page."""

    received: int = 0
    online: int = 0
    open_now: int = 0
    done_on_time: int = 0
    done_late: int = 0
    withdrawn: int = 0
    not_accepted: int = 0
    stopped: int = 0
    ratings: dict[int, int] = field(default_factory=lambda: dict.fromkeys(RatingLevel.values, 0))

    def add(self, row: Mapping[str, Any], channel: int) -> None:
        # spelled out: this runs once per aggregate row, thousands of times per page
        received = row["received"] or 0
        self.received += received
        if channel == _ONLINE:
            self.online += received
        self.open_now += row["open_now"] or 0
        self.done_on_time += row["done_on_time"] or 0
        self.done_late += row["done_late"] or 0
        self.withdrawn += row["withdrawn"] or 0
        self.not_accepted += row["not_accepted"] or 0
        self.stopped += row["stopped"] or 0
        ratings = self.ratings
        ratings[1] += row["rating_1"] or 0
        ratings[2] += row["rating_2"] or 0
        ratings[3] += row["rating_3"] or 0
        ratings[4] += row["rating_4"] or 0
        ratings[5] += row["rating_5"] or 0

    @property
    def done(self) -> int:
        return self.done_on_time + self.done_late

    @property
    def on_time_pct(self) -> float | None:
        return _pct(self.done_on_time, self.done)

    @property
    def late_pct(self) -> float | None:
        return _pct(self.done_late, self.done)

    @property
    def online_pct(self) -> float | None:
        return _pct(self.online, self.received)

    @property
    def rated(self) -> int:
        return sum(self.ratings.values())

    @property
    def satisfied(self) -> int:
        return self.ratings[RatingLevel.VERY_SATISFIED] + self.ratings[RatingLevel.SATISFIED]

    @property
    def satisfied_pct(self) -> float | None:
        return _pct(self.satisfied, self.rated)

    @property
    def withdrawn_or_refused(self) -> int:
        return self.withdrawn + self.not_accepted + self.stopped

    def rating_rows(self) -> list[tuple[int, str, int, float | None]]:
        return [
            (level, str(label), self.ratings[level], _pct(self.ratings[level], self.rated))
            for level, label in RatingLevel.choices
        ]


@dataclass
class Group:
    key: Any
    label: str
    figures: Figures


@dataclass
class Report:
    filters: Filters
    total: Figures
    by_agency: list[Group]
    by_field: list[Group]
    by_level: list[Group]
    by_channel: list[Group]
    series: list[Group]  # per month (or per day for periods up to 62 days), in order
    series_by_day: bool


def _months_between(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date] | None:
    """The first and last whole month inside [start, end] (as first days), if any."""
    first = start if start.day == 1 else _next_month(start)
    after_end = end + dt.timedelta(days=1)
    last_excl = after_end.replace(day=1) if after_end.day != 1 else after_end
    if first >= last_excl:
        return None
    last = _prev_month(last_excl)
    return first, last


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _prev_month(first: dt.date) -> dt.date:
    return (first - dt.timedelta(days=1)).replace(day=1)


def segments(start: dt.date, end: dt.date) -> list[tuple[StatModel, dt.date, dt.date]]:
    """(table, first day, last day) pieces that together cover [start, end] exactly once."""
    months = _months_between(start, end)
    if months is None:
        return [(DailyStat, start, end)]
    first, last = months
    pieces: list[tuple[StatModel, dt.date, dt.date]] = []
    if start < first:
        pieces.append((DailyStat, start, first - dt.timedelta(days=1)))
    pieces.append((MonthlyStat, first, last))
    end_of_months = _next_month(last) - dt.timedelta(days=1)
    if end_of_months < end:
        pieces.append((DailyStat, end_of_months + dt.timedelta(days=1), end))
    return pieces


def _sums() -> dict[str, Sum]:
    return {name: Sum(name) for name in COUNTERS}


def _rows(filters: Filters, group_by: Iterable[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for model, first, last in segments(filters.start, filters.end):
        qs: QuerySet[Any] = model.objects.filter(filters.narrowing(), day__gte=first, day__lte=last)
        out.extend(qs.values(*group_by).annotate(**_sums()).order_by())
    return out


LEVEL_LABELS = dict(Level.choices)
CHANNEL_LABELS = dict(Channel.choices)


def report(filters: Filters) -> Report:
    """Every figure of the page for ``filters``: one grouped sum over the aggregates by
    agency × field × level × channel (hundreds of rows, folded four ways here), one over
    time, and two name look-ups."""
    total = Figures()
    per_agency: dict[Any, Figures] = {}
    per_field: dict[Any, Figures] = {}
    per_level: dict[Any, Figures] = {}
    per_channel: dict[Any, Figures] = {}
    for row in _rows(filters, ("agency_id", "procedure__field_id", "procedure__level", "channel")):
        channel = row["channel"]
        total.add(row, channel)
        for groups, key in (
            (per_agency, row["agency_id"]),
            (per_field, row["procedure__field_id"]),
            (per_level, row["procedure__level"]),
            (per_channel, channel),
        ):
            figures = groups.get(key)
            if figures is None:
                figures = groups[key] = Figures()
            figures.add(row, channel)
    agency_names = dict(Agency.objects.filter(id__in=list(per_agency)).values_list("id", "name"))
    field_names = dict(Field.objects.filter(id__in=list(per_field)).values_list("id", "name"))

    def ordered(groups: Mapping[Any, Figures], label_of: Any) -> list[Group]:
        out = [Group(key=key, label=label_of(key), figures=f) for key, f in groups.items()]
        return sorted(out, key=lambda g: (-g.figures.received, g.label))

    by_agency = ordered(per_agency, lambda k: agency_names.get(k, "?"))
    by_field = ordered(per_field, lambda k: field_names.get(k, "?"))
    by_level = ordered(per_level, lambda k: str(LEVEL_LABELS.get(k, "?")))
    by_channel = ordered(per_channel, lambda k: str(CHANNEL_LABELS.get(k, "?")))

    by_day = (filters.end - filters.start).days < 62
    series_rows: dict[dt.date, Figures] = defaultdict(Figures)
    if by_day:
        for row in _rows(filters, ("day", "channel")):
            series_rows[row["day"]].add(row, row["channel"])
        slots = [filters.start + dt.timedelta(days=i) for i in range((filters.end - filters.start).days + 1)]
        series = [Group(key=d, label=d.strftime("%d/%m"), figures=series_rows.get(d, Figures())) for d in slots]
    else:
        for row in _rows(filters, ("day", "channel")):
            series_rows[row["day"].replace(day=1)].add(row, row["channel"])
        month = filters.start.replace(day=1)
        series = []
        while month <= filters.end:
            series.append(Group(key=month, label=month.strftime("%m/%Y"), figures=series_rows.get(month, Figures())))
            month = _next_month(month)
    return Report(
        filters=filters,
        total=total,
        by_agency=by_agency,
        by_field=by_field,
        by_level=by_level,
        by_channel=by_channel,
        series=series,
        series_by_day=by_day,
    )


# --- Decision 766/QĐ-TTg indicators ------------------------------------------------------


@dataclass
class Indicator:
    key: str
    name: str
    numerator: int | None
    denominator: int | None
    numerator_label: str
    denominator_label: str
    explanation: str
    improve: str

    @property
    def has_data(self) -> bool:
        return self.numerator is not None and self.denominator is not None and self.denominator > 0

    @property
    def score(self) -> float | None:
        if not self.has_data:
            return None
        assert self.numerator is not None and self.denominator is not None
        return round(100 * self.numerator / self.denominator, 1)


@dataclass
class IndicatorSet:
    label: str
    agency_id: int | None
    indicators: list[Indicator]


GROUP_NAMES = {
    "transparency": gettext_lazy("Công khai, minh bạch"),
    "progress": gettext_lazy("Tiến độ giải quyết"),
    "online": gettext_lazy("Cung cấp dịch vụ công trực tuyến"),
    "payment": gettext_lazy("Thanh toán trực tuyến"),
    "digitisation": gettext_lazy("Số hóa hồ sơ"),
    "satisfaction": gettext_lazy("Mức độ hài lòng"),
}


def _complete_procedure() -> Q:
    """A procedure whose public fields are all filled in: processing time (days or text),
    fees, legal basis, steps, and at least one listed document."""
    has_document = Exists(ProcedureDocument.objects.filter(procedure=OuterRef("pk")))
    return (
        (Q(processing_days__isnull=False) | ~Q(processing_time_text=""))
        & ~Q(fee_text="")
        & ~Q(legal_basis="")
        & ~Q(steps="")
        & Q(has_document)
    )


def published_procedures(agency_ids: Iterable[int]) -> dict[int | None, tuple[int, int]]:
    """(fully published, active) procedure counts per agency, and for the province under
    the key ``None``; two queries whatever the number of agencies."""
    active = Procedure.objects.filter(is_active=True)
    complete_ids = set(active.filter(_complete_procedure()).values_list("id", flat=True))
    out: dict[int | None, tuple[int, int]] = {None: (len(complete_ids), active.count())}
    links = Procedure.agencies.through.objects.filter(agency_id__in=list(agency_ids), procedure__is_active=True)
    per_agency: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for agency_id, procedure_id in links.values_list("agency_id", "procedure_id"):
        per_agency[agency_id][1] += 1
        if procedure_id in complete_ids:
            per_agency[agency_id][0] += 1
    for agency_id, (done, total) in per_agency.items():
        out[agency_id] = (done, total)
    return out


def indicators(*, figures: Figures, published: tuple[int, int]) -> list[Indicator]:
    """The six groups of Decision 766/QĐ-TTg from the data this system holds. Groups whose
    data the system does not record yet are returned without numbers ("chưa có dữ liệu")."""
    complete, active = published
    return [
        Indicator(
            key="transparency",
            name=str(GROUP_NAMES["transparency"]),
            numerator=complete,
            denominator=active,
            numerator_label=_("thủ tục công khai đầy đủ"),
            denominator_label=_("thủ tục đang áp dụng"),
            explanation=_(
                "Thủ tục có đủ thời hạn giải quyết, phí và lệ phí, căn cứ pháp lý, trình tự thực hiện và "
                "thành phần hồ sơ trên Cổng, trên tổng số thủ tục đang áp dụng."
            ),
            improve=_("Bổ sung các mục còn thiếu của thủ tục trong Bộ thủ tục (trang quản trị danh mục)."),
        ),
        Indicator(
            key="progress",
            name=str(GROUP_NAMES["progress"]),
            numerator=figures.done_on_time,
            denominator=figures.done,
            numerator_label=_("hồ sơ giải quyết đúng hạn"),
            denominator_label=_("hồ sơ đã giải quyết"),
            explanation=_(
                "Hồ sơ chuyển sang “Đã xử lý xong” hoặc “Đã trả kết quả” trong kỳ, không muộn hơn ngày hẹn trả, "
                "trên tổng số hồ sơ đã giải quyết trong kỳ."
            ),
            improve=_(
                "Theo dõi hồ sơ sắp đến hạn, xin gia hạn kèm văn bản xin lỗi trước khi quá hạn, "
                "rà soát các bước xử lý thường bị chậm."
            ),
        ),
        Indicator(
            key="online",
            name=str(GROUP_NAMES["online"]),
            numerator=figures.online,
            denominator=figures.received,
            numerator_label=_("hồ sơ nộp trực tuyến"),
            denominator_label=_("hồ sơ tiếp nhận"),
            explanation=_("Hồ sơ tiếp nhận qua kênh trực tuyến trên tổng số hồ sơ tiếp nhận trong kỳ."),
            improve=_(
                "Hướng dẫn người dân nộp trực tuyến tại bộ phận một cửa, đưa thêm thủ tục lên mức "
                "toàn trình hoặc một phần."
            ),
        ),
        Indicator(
            key="payment",
            name=str(GROUP_NAMES["payment"]),
            numerator=None,
            denominator=None,
            numerator_label=_("giao dịch thanh toán trực tuyến"),
            denominator_label=_("hồ sơ có phí, lệ phí"),
            explanation=_("Chưa có dữ liệu: hệ thống chưa ghi nhận việc thanh toán phí, lệ phí."),
            improve=_("Cần kết nối nền tảng thanh toán trực tuyến để tính chỉ số này."),
        ),
        Indicator(
            key="digitisation",
            name=str(GROUP_NAMES["digitisation"]),
            numerator=None,
            denominator=None,
            numerator_label=_("hồ sơ được số hóa"),
            denominator_label=_("hồ sơ tiếp nhận"),
            explanation=_(
                "Chưa có dữ liệu: hệ thống chưa ghi nhận việc số hóa hồ sơ giấy và kết quả giải quyết theo quy định."
            ),
            improve=_("Cần ghi nhận việc số hóa khi tiếp nhận và trả kết quả để tính chỉ số này."),
        ),
        Indicator(
            key="satisfaction",
            name=str(GROUP_NAMES["satisfaction"]),
            numerator=figures.satisfied,
            denominator=figures.rated,
            numerator_label=_("đánh giá hài lòng, rất hài lòng"),
            denominator_label=_("lượt đánh giá"),
            explanation=_("Lượt đánh giá “Rất hài lòng” hoặc “Hài lòng” trên tổng số lượt đánh giá trong kỳ."),
            improve=_(
                "Đọc ý kiến của các đánh giá chưa hài lòng tại trang Đánh giá của Một cửa điện tử "
                "và khắc phục nguyên nhân."
            ),
        ),
    ]


def indicator_sets(rep: Report, *, limit: int = 50) -> list[IndicatorSet]:
    """The province (or the chosen agency) first, then each agency of the report."""
    agencies = list(rep.by_agency[:limit]) if rep.filters.agency_id is None else []
    ids = [g.key for g in agencies]
    if rep.filters.agency_id is not None:
        ids.append(rep.filters.agency_id)
    published = published_procedures(ids)
    chosen = rep.filters.agency_id
    if chosen is None:
        label = _("Toàn tỉnh")
    else:
        label = Agency.objects.filter(pk=chosen).values_list("name", flat=True).first() or ""
    sets = [
        IndicatorSet(
            label=label,
            agency_id=chosen,
            indicators=indicators(figures=rep.total, published=published.get(chosen, (0, 0))),
        )
    ]
    for group in agencies:
        sets.append(
            IndicatorSet(
                label=group.label,
                agency_id=group.key,
                indicators=indicators(figures=group.figures, published=published.get(group.key, (0, 0))),
            )
        )
    return sets
