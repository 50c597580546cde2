from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from province.accounts.models import Person
from province.accounts.services import RequestInfo
from province.backoffice.access import officer_of, officer_required
from province.dossiers import selectors as dossier_selectors
from province.sso.services import acting_organisation_id

from . import charts, selectors, services
from .forms import PeriodKind, RatingForm, StatsFilterForm, default_filters
from .models import Rating
from .units import agency_ids_of_unit


def _filters(request: HttpRequest) -> tuple[StatsFilterForm, selectors.Filters]:
    form = StatsFilterForm(request.GET or None)
    if request.GET and form.is_valid():
        return form, form.filters()
    return form, default_filters()


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Public statistics (no sign-in): figures from the aggregate tables only."""
    form, filters = _filters(request)
    report = selectors.report(filters)
    total = report.total
    context: dict[str, Any] = {
        "form": form,
        "kinds": PeriodKind,
        "report": report,
        "query": request.GET.urlencode(),
        "columns": charts.columns(
            report.series,
            received_label=_("Tiếp nhận"),
            on_time_label=_("Đúng hạn"),
            late_label=_("Trễ hạn"),
        ),
        "status_bar": charts.share_bar(
            [
                (_("Giải quyết đúng hạn"), total.done_on_time, "on_time"),
                (_("Giải quyết trễ hạn"), total.done_late, "late"),
                (_("Đang xử lý"), total.open_now, "open"),
                (_("Rút, không tiếp nhận, dừng xử lý"), total.withdrawn_or_refused, "closed"),
            ]
        ),
        "online_bar": charts.share_bar(
            [
                (_("Trực tuyến"), total.online, "received"),
                (_("Trực tiếp, bưu chính"), total.received - total.online, "closed"),
            ]
        ),
        "rating_rows": charts.horizontal([(label, count, pct) for _level, label, count, pct in total.rating_rows()]),
        "colours": charts.COLOURS,
        "indicator_sets": selectors.indicator_sets(report),
    }
    return render(request, "stats/index.html", context)


GROUPINGS = {
    "co-quan": ("by_agency", _("Cơ quan")),
    "linh-vuc": ("by_field", _("Lĩnh vực")),
    "cap": ("by_level", _("Cấp thực hiện")),
    "kenh": ("by_channel", _("Kênh nộp")),
    "thoi-gian": ("series", _("Thời gian")),
}


@require_GET
def export_csv(request: HttpRequest) -> HttpResponse:
    """The page's table as CSV (UTF-8 with BOM so that spreadsheet programs read Vietnamese)."""
    _form, filters = _filters(request)
    grouping = request.GET.get("nhom", "co-quan")
    if grouping not in GROUPINGS:
        grouping = "co-quan"
    attribute, heading = GROUPINGS[grouping]
    report = selectors.report(filters)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="thong-ke-{grouping}-{filters.start:%Y%m%d}-{filters.end:%Y%m%d}.csv"'
    )
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow(
        [
            str(heading),
            _("Tiếp nhận"),
            _("Trực tuyến"),
            _("Tỷ lệ trực tuyến (%)"),
            _("Đã giải quyết"),
            _("Đúng hạn"),
            _("Trễ hạn"),
            _("Tỷ lệ đúng hạn (%)"),
            _("Đang xử lý"),
            _("Rút hồ sơ"),
            _("Không được tiếp nhận"),
            _("Dừng xử lý"),
            _("Lượt đánh giá"),
            _("Hài lòng, rất hài lòng"),
            _("Tỷ lệ hài lòng (%)"),
        ]
    )

    def line(label: str, f: selectors.Figures) -> list[Any]:
        return [
            _csv_safe(label),
            f.received,
            f.online,
            _fmt(f.online_pct),
            f.done,
            f.done_on_time,
            f.done_late,
            _fmt(f.on_time_pct),
            f.open_now,
            f.withdrawn,
            f.not_accepted,
            f.stopped,
            f.rated,
            f.satisfied,
            _fmt(f.satisfied_pct),
        ]

    for group in getattr(report, attribute):
        writer.writerow(line(group.label, group.figures))
    writer.writerow(line(_("Tổng cộng"), report.total))
    return response


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _csv_safe(text: str) -> str:
    # a cell starting with = + - @ is a formula to spreadsheet programs (CSV injection)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


# --- Đánh giá mức độ hài lòng ----------------------------------------------------------


@login_required
@require_POST
def rate(request: HttpRequest, code: str) -> HttpResponse:
    """The applicant (or a member of the business that submitted) rates a returned dossier."""
    person = request.user
    assert isinstance(person, Person)
    owner = dossier_selectors.Owner(person_id=person.pk, organisation_id=acting_organisation_id(request))
    dossier = dossier_selectors.dossier_for_owner(owner=owner, code=code)
    if dossier is None:
        raise Http404
    form = RatingForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("dossiers:detail", code=dossier.code)
    try:
        services.rating_create(
            dossier=dossier,
            person=person,
            level=form.cleaned_data["level"],
            comment=form.cleaned_data["comment"],
            request_info=RequestInfo.from_request(request),
        )
    except services.RatingRefused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Cảm ơn bạn đã đánh giá mức độ hài lòng."))
    return redirect("dossiers:detail", code=dossier.code)


@officer_required
@require_GET
def officer_ratings(request: HttpRequest) -> HttpResponse:
    """Ratings of the dossiers received by the officer's unit's agency, newest first."""
    account = officer_of(request)
    agency_ids = agency_ids_of_unit(account.unit)
    ratings = (
        Rating.objects.filter(dossier__agency_id__in=agency_ids)
        .select_related("dossier", "dossier__procedure")
        .order_by("-created_at", "-id")
    )
    level = request.GET.get("muc", "")
    if level.isdigit():
        ratings = ratings.filter(level=int(level))
    page = Paginator(ratings, 30).get_page(request.GET.get("trang"))
    return render(
        request,
        "stats/officer_ratings.html",
        {"officer": account, "page": page, "level": level, "has_agency": bool(agency_ids)},
    )
