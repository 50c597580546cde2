from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import override_settings

from province.dossiers.calendar import LOCAL_TZ, add_working_days, is_working_day
from province.dossiers.models import CalendarDay

pytestmark = pytest.mark.django_db


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=LOCAL_TZ)


def test_it_adds_a_day_within_a_week() -> None:
    assert add_working_days(at(2026, 3, 2, 9), Decimal(1)) == at(2026, 3, 3, 9)


def test_it_skips_the_weekend() -> None:
    assert add_working_days(at(2026, 3, 6, 9), Decimal(1)) == at(2026, 3, 9, 9)
    # received on a Saturday: counting starts Monday morning
    assert add_working_days(at(2026, 3, 7, 10), Decimal(1)) == at(2026, 3, 9, 17, 30)


def test_it_counts_half_days_as_four_office_hours() -> None:
    assert add_working_days(at(2026, 3, 2, 8), Decimal("0.5")) == at(2026, 3, 2, 14)
    assert add_working_days(at(2026, 3, 2, 14), Decimal("0.5")) == at(2026, 3, 3, 8)


def test_it_skips_lunch_and_starts_at_opening() -> None:
    assert add_working_days(at(2026, 3, 2, 12), Decimal("0.5")) == at(2026, 3, 2, 17, 30)
    assert add_working_days(at(2026, 3, 2, 6), Decimal("0.5")) == at(2026, 3, 2, 11, 30)


def test_it_skips_tet_2026() -> None:
    # Tết Bính Ngọ: 16–20/02/2026 (Mon–Fri) between two weekends
    assert not is_working_day(dt.date(2026, 2, 17))
    assert add_working_days(at(2026, 2, 13, 10), Decimal(1)) == at(2026, 2, 23, 10)


def test_it_skips_tet_2027() -> None:
    # Tết Đinh Mùi: 04–10/02/2027
    assert not is_working_day(dt.date(2027, 2, 4))
    assert add_working_days(at(2027, 2, 3, 10), Decimal(2)) == at(2027, 2, 12, 10)


def test_it_skips_an_extra_day_off_from_the_table() -> None:
    CalendarDay.objects.create(day=dt.date(2026, 2, 23), kind=CalendarDay.Kind.DAY_OFF, note="Nghỉ bù Tết")
    assert add_working_days(at(2026, 2, 13, 10), Decimal(1)) == at(2026, 2, 24, 10)


def test_it_counts_a_compensating_saturday() -> None:
    CalendarDay.objects.create(day=dt.date(2026, 3, 7), kind=CalendarDay.Kind.WORKING_DAY, note="Làm bù")
    assert add_working_days(at(2026, 3, 6, 9), Decimal(1)) == at(2026, 3, 7, 9)


def test_it_counts_from_the_next_working_day_after_the_cutoff() -> None:
    assert add_working_days(at(2026, 3, 2, 16, 29), Decimal(1)) == at(2026, 3, 3, 16, 29)
    assert add_working_days(at(2026, 3, 2, 16, 30), Decimal(1)) == at(2026, 3, 3, 17, 30)
    # Friday after the cut-off: Monday
    assert add_working_days(at(2026, 3, 6, 17), Decimal("0.5")) == at(2026, 3, 9, 11, 30)


@override_settings(DOSSIER_CUTOFF="15:00")
def test_it_reads_the_cutoff_from_settings() -> None:
    assert add_working_days(at(2026, 3, 2, 15, 10), Decimal("0.5")) == at(2026, 3, 3, 11, 30)


def test_it_accepts_utc_and_answers_in_local_time() -> None:
    start = dt.datetime(2026, 3, 2, 2, 0, tzinfo=dt.UTC)  # 09:00 in Hà Nội
    due = add_working_days(start, Decimal(1))
    assert due == at(2026, 3, 3, 9)


def test_it_refuses_naive_datetimes_and_negative_days() -> None:
    with pytest.raises(ValueError):
        add_working_days(dt.datetime(2026, 3, 2, 9), Decimal(1))  # noqa: DTZ001
    with pytest.raises(ValueError):
        add_working_days(at(2026, 3, 2), Decimal(-1))


def test_it_sees_an_edited_day_at_once_in_the_editing_process(django_assert_num_queries) -> None:
    from province.dossiers import calendar

    friday = at(2026, 3, 6, 9)
    assert add_working_days(friday, Decimal(1)) == at(2026, 3, 9, 9)
    with django_assert_num_queries(0):  # the year's overrides are kept by the process
        assert add_working_days(friday, Decimal(1)) == at(2026, 3, 9, 9)
    day = CalendarDay.objects.create(day=dt.date(2026, 3, 9), kind=CalendarDay.Kind.DAY_OFF, note="Nghỉ bù")
    assert add_working_days(friday, Decimal(1)) == at(2026, 3, 10, 9)
    day.delete()
    assert add_working_days(friday, Decimal(1)) == at(2026, 3, 9, 9)
    # another process's edit: seen once the kept copy is older than the TTL
    CalendarDay.objects.bulk_create([CalendarDay(day=dt.date(2026, 3, 9), kind=CalendarDay.Kind.DAY_OFF)])  # no signal
    assert add_working_days(friday, Decimal(1)) == at(2026, 3, 9, 9)
    loaded_at, overrides = calendar._overrides_cache[2026]
    calendar._overrides_cache[2026] = (loaded_at - calendar.OVERRIDES_TTL - 1, overrides)
    assert add_working_days(friday, Decimal(1)) == at(2026, 3, 10, 9)
