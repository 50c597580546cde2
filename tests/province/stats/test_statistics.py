from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from province.catalogue.models import Level
from province.dossiers.calendar import LOCAL_TZ
from province.dossiers.models import Channel, Dossier, Status
from province.stats import counters, selectors
from province.stats.models import DailyStat, MonthlyStat
from province.stats.services import rating_create
from tests.province.catalogue.factories import AgencyFactory
from tests.province.dossiers.factories import submit, submittable_procedure
from tests.province.factories import PersonFactory

from .helpers import counter_dossier, direct_counts, move

pytestmark = pytest.mark.django_db

FIGURES = ("received", "online", "open_now", "done_on_time", "done_late", "withdrawn", "not_accepted", "stopped")


@pytest.fixture
def world() -> dict[str, Any]:
    """Two agencies, procedures in two fields and both levels, and dossiers taken through
    every kind of status change: finished on time and late, 9 → 10, supplements and payment
    back to processing, refused, withdrawn, stopped, still open; online, counter and post;
    received today and 40 days ago; rated."""
    now = timezone.now()
    commune = AgencyFactory(code="000.31.01.H33", name="UBND xã Phụng Công")
    province = AgencyFactory(code="000.00.06.H33", name="Sở Tư pháp", provincial=True)
    birth = submittable_procedure(agency=commune, days="3")
    judicial = submittable_procedure(agency=province, days="5")
    type(judicial).objects.filter(pk=judicial.pk).update(level=Level.PROVINCE)
    judicial.refresh_from_db()
    people = [PersonFactory() for _ in range(4)]

    online = [
        submit(applicant=people[i % 4], procedure=birth if i % 2 else judicial, key=f"key-stat-{i:04d}")
        for i in range(8)
    ]
    old = now - dt.timedelta(days=40)
    at_counter = counter_dossier(
        procedure=birth,
        agency=commune,
        applicant=people[0],
        channel=Channel.IN_PERSON,
        at=old,
        due_at=old + dt.timedelta(days=3),
    )
    by_post = counter_dossier(
        procedure=judicial, agency=province, applicant=people[1], channel=Channel.POST, at=old, due_at=None
    )
    soon = now + dt.timedelta(minutes=5)

    def path(dossier: Dossier, statuses: list[int], at: dt.datetime) -> Dossier:
        for i, status in enumerate(statuses):
            dossier = move(dossier, status, at=at + dt.timedelta(seconds=i))
        return dossier

    on_time = path(online[0], [Status.ACCEPTED, Status.PROCESSING, Status.DONE, Status.RETURNED], soon)
    assert on_time.due_at is not None
    path(
        online[1],
        [Status.ACCEPTED, Status.PROCESSING, Status.SUPPLEMENT_REQUESTED, Status.PROCESSING, Status.PAYMENT_REQUESTED],
        soon,
    )
    late = path(online[2], [Status.ACCEPTED, Status.PROCESSING], soon)
    assert late.due_at is not None
    path(late, [Status.DONE], late.due_at + dt.timedelta(hours=1))
    path(online[3], [Status.NOT_ACCEPTED], soon)
    path(online[4], [Status.WITHDRAWN], soon)
    path(online[5], [Status.ACCEPTED, Status.PROCESSING, Status.STOPPED], soon)
    path(online[6], [Status.ACCEPTED], soon)
    # an event that is not a status change (a hand-off inside status 2) counts for nothing
    move(online[6], Status.ACCEPTED, at=soon + dt.timedelta(minutes=1))
    # finished late 40 days ago, returned today; the post dossier (no deadline) finished
    path(at_counter, [Status.ACCEPTED, Status.PROCESSING], old + dt.timedelta(hours=1))
    path(at_counter, [Status.DONE], old + dt.timedelta(days=5))
    path(at_counter, [Status.RETURNED], soon)
    path(by_post, [Status.ACCEPTED, Status.PROCESSING, Status.DONE, Status.RETURNED], old + dt.timedelta(days=2))

    rating_create(
        dossier=Dossier.objects.get(pk=on_time.pk), person=on_time.applicant, level=5, comment="", request_info=None
    )
    rating_create(
        dossier=Dossier.objects.get(pk=by_post.pk), person=by_post.applicant, level=2, comment="Chậm", request_info=None
    )
    return {"commune": commune, "province": province, "birth": birth, "judicial": judicial, "now": now}


def _page_figures(f: selectors.Figures) -> dict[str, int]:
    return {name: getattr(f, name) for name in FIGURES} | {"rated": f.rated, "satisfied": f.satisfied}


def _csv(client: Client, **params: str) -> list[list[str]]:
    response = client.get(reverse("stats:csv"), params)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _csv_figures(row: list[str]) -> dict[str, int]:
    # columns: label, received, online, online %, done, on time, late, on time %, open,
    # withdrawn, not accepted, stopped, rated, satisfied, satisfied %
    return {
        "received": int(row[1]),
        "online": int(row[2]),
        "done_on_time": int(row[5]),
        "done_late": int(row[6]),
        "open_now": int(row[8]),
        "withdrawn": int(row[9]),
        "not_accepted": int(row[10]),
        "stopped": int(row[11]),
        "rated": int(row[12]),
        "satisfied": int(row[13]),
    }


def _ranges(now: dt.datetime) -> list[tuple[dt.date, dt.date]]:
    today = now.astimezone(LOCAL_TZ).date()
    return [
        (today - dt.timedelta(days=400), today + dt.timedelta(days=400)),  # whole months + edges
        (today, today),  # one day: the daily table only
        (today - dt.timedelta(days=45), today - dt.timedelta(days=30)),  # only the old dossiers
        (today.replace(day=1), today),  # month to date
    ]


def test_it_agrees_with_a_direct_count_after_every_kind_of_transition(world: dict[str, Any], client: Client) -> None:
    for start, end in _ranges(world["now"]):
        expected = direct_counts(start, end)
        report = selectors.report(selectors.Filters(start=start, end=end))
        assert _page_figures(report.total) == expected, (start, end)
        rows = _csv(client, ky="khoang", tu=start.isoformat(), den=end.isoformat())
        assert rows[-1][0] == "Tổng cộng"
        assert _csv_figures(rows[-1]) == {k: v for k, v in expected.items() if k in _csv_figures(rows[-1])}
        for agency in (world["commune"], world["province"]):
            by_agency = {row[0]: _csv_figures(row) for row in rows[1:-1]}
            want = direct_counts(start, end, agency=agency)
            if want["received"] or want["done_on_time"] or want["done_late"] or want["rated"]:
                got = by_agency[agency.name]
                assert got == {k: v for k, v in want.items() if k in got}, (agency.name, start, end)


def test_it_breaks_down_by_field_level_and_agency_filters_like_a_direct_count(world: dict[str, Any]) -> None:
    start, end = _ranges(world["now"])[0]
    judicial = world["judicial"]
    checks = [
        (selectors.Filters(start=start, end=end, agency_id=world["commune"].pk), {"agency": world["commune"]}),
        (selectors.Filters(start=start, end=end, field_id=judicial.field_id), {"procedure__field": judicial.field}),
        (selectors.Filters(start=start, end=end, level=Level.PROVINCE), {"procedure__level": Level.PROVINCE}),
    ]
    for filters, where in checks:
        assert _page_figures(selectors.report(filters).total) == direct_counts(start, end, **where), where
    report = selectors.report(selectors.Filters(start=start, end=end))
    levels = {g.key: _page_figures(g.figures) for g in report.by_level}
    assert levels[Level.COMMUNE] == direct_counts(start, end, procedure__level=Level.COMMUNE)
    channels = {g.key: g.figures.received for g in report.by_channel}
    assert channels == {Channel.ONLINE: 8, Channel.IN_PERSON: 1, Channel.POST: 1}


def test_it_shows_the_same_totals_on_the_page(world: dict[str, Any], client: Client) -> None:
    start, end = _ranges(world["now"])[0]
    expected = direct_counts(start, end)
    response = client.get(reverse("stats:index"), {"ky": "khoang", "tu": start.isoformat(), "den": end.isoformat()})
    html = response.content.decode()
    assert response.status_code == 200
    assert f"<dd>{expected['received']}</dd>" in html
    assert f"<dd>{expected['open_now']}</dd>" in html
    assert "<svg" in html and 'role="img"' in html and "<title" in html
    assert "http://" not in html.split("<main", 1)[1] and "https://" not in html.split("<main", 1)[1]
    assert "<script" not in html.split("<main", 1)[1]
    assert "chưa có dữ liệu" in html  # online payment and digitisation are not recorded


def test_it_recount_finds_and_fixes_differences(world: dict[str, Any]) -> None:
    assert counters.recount(fix=False).differing == []
    row = DailyStat.objects.filter(received__gt=0).first()
    assert row is not None
    DailyStat.objects.filter(pk=row.pk).update(received=row.received + 7)
    MonthlyStat.objects.filter(done_late__gt=0).update(done_late=0)
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_info:
        call_command("stats_recount", "--check", stdout=out)
    assert exit_info.value.code == 1
    assert "khác" in out.getvalue()
    call_command("stats_recount", stdout=io.StringIO())
    assert counters.recount(fix=False).differing == []
    start, end = _ranges(world["now"])[0]
    assert _page_figures(selectors.report(selectors.Filters(start=start, end=end)).total) == direct_counts(start, end)


def test_it_recount_builds_aggregates_for_dossiers_loaded_without_the_signal(world: dict[str, Any]) -> None:
    DailyStat.objects.all().delete()
    MonthlyStat.objects.all().delete()
    assert counters.recount(fix=False).differing
    counters.recount(fix=True)
    start, end = _ranges(world["now"])[0]
    assert _page_figures(selectors.report(selectors.Filters(start=start, end=end)).total) == direct_counts(start, end)


def test_it_splits_periods_into_whole_months_and_edge_days() -> None:
    pieces = selectors.segments(dt.date(2025, 1, 15), dt.date(2025, 4, 3))
    assert [(m.__name__, a, b) for m, a, b in pieces] == [
        ("DailyStat", dt.date(2025, 1, 15), dt.date(2025, 1, 31)),
        ("MonthlyStat", dt.date(2025, 2, 1), dt.date(2025, 3, 1)),
        ("DailyStat", dt.date(2025, 4, 1), dt.date(2025, 4, 3)),
    ]
    assert [m.__name__ for m, _a, _b in selectors.segments(dt.date(2025, 1, 1), dt.date(2025, 12, 31))] == [
        "MonthlyStat"
    ]
    assert [m.__name__ for m, _a, _b in selectors.segments(dt.date(2025, 2, 2), dt.date(2025, 2, 27))] == ["DailyStat"]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"ky": "khoang", "tu": "2025-05-01", "den": "2025-04-01"}, "Ngày bắt đầu phải trước"),
        ({"ky": "khoang", "tu": "2025-05-01"}, "Chọn cả ngày bắt đầu"),
        ({"ky": "khoang", "tu": "2015-01-01", "den": "2025-01-01"}, "không quá 5 năm"),
        ({"ky": "nam", "nam": "abc"}, "Năm phải là số từ 2000 đến 2100"),
        ({"co_quan": "999999"}, "Cơ quan không có trong danh mục"),
    ],
)
def test_it_explains_bad_filters_and_shows_this_year(client: Client, params: dict[str, str], message: str) -> None:
    response = client.get(reverse("stats:index"), params)
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    year = timezone.now().astimezone(LOCAL_TZ).year
    assert f"01/01/{year}" in html


def test_it_filters_by_quarter_and_month(world: dict[str, Any], client: Client) -> None:
    today = world["now"].astimezone(LOCAL_TZ).date()
    quarter = (today.month - 1) // 3 + 1
    response = client.get(reverse("stats:index"), {"ky": "quy", "nam": today.year, "quy": quarter})
    assert f"01/{3 * quarter - 2:02d}/{today.year}" in response.content.decode()
    rows = _csv(client, ky="thang", nam=str(today.year), thang=str(today.month))
    month_end = (today.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    expected = direct_counts(today.replace(day=1), month_end)
    got = _csv_figures(rows[-1])
    assert got == {k: v for k, v in expected.items() if k in got}


def test_it_neutralises_formulas_in_csv_cells(client: Client) -> None:
    agency = AgencyFactory(name="=HYPERLINK(1)")
    procedure = submittable_procedure(agency=agency)
    submit(procedure=procedure)
    rows = _csv(client)
    assert rows[1][0] == "'=HYPERLINK(1)"


def test_it_upserts_the_rows_of_a_change_in_one_global_order(private_files: object) -> None:
    """Days' rows by date, then months' rows, one row per month: every transaction takes
    the rows it shares with another in the same order, so they cannot deadlock."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    dossier = submit()
    later, earlier = dt.date(2031, 5, 20), dt.date(2031, 5, 3)
    with CaptureQueriesContext(connection) as captured:
        counters.bump_days(dossier=dossier, changes=[(later, {"done_late": 1}), (earlier, {"open_now": -1})])
    tables = ["daily" if "stats_dailystat" in q["sql"] else "monthly" for q in captured.captured_queries]
    assert tables == ["daily", "daily", "monthly"]
    assert [row.day for row in DailyStat.objects.filter(day__year=2031).order_by("pk")] == [earlier, later]
    month = MonthlyStat.objects.get(day=dt.date(2031, 5, 1), agency=dossier.agency, procedure=dossier.procedure)
    assert (month.done_late, month.open_now) == (1, -1)
