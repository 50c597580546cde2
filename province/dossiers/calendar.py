"""The official working-day calendar, on which every dossier deadline is counted.

Working days are Monday to Friday except Vietnamese public holidays (Tết by the lunar
calendar, from the ``holidays`` package); the ``CalendarDay`` table, edited by an
administrator, overrides both: extra days off (a Tết extended by a Prime Minister's
decision) and compensating working days (ngày làm bù, usually a Saturday).

A working day is 8 office hours, 07:30–11:30 and 13:30–17:30 Asia/Ho_Chi_Minh, so half a
day is 4 office hours. A dossier received after the cut-off (``DOSSIER_CUTOFF``, default
16:30) or outside a working day starts counting at the next working day's opening.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.conf import settings

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")
OFFICE_PERIODS: tuple[tuple[dt.time, dt.time], ...] = (
    (dt.time(7, 30), dt.time(11, 30)),
    (dt.time(13, 30), dt.time(17, 30)),
)
MINUTES_PER_DAY = 8 * 60
# A deadline further than this is a data error (processing_days is at most a few hundred).
MAX_SCAN_DAYS = 3 * 366


@lru_cache(maxsize=32)
def _public_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("VN", years=year).keys())


def cutoff_time() -> dt.time:
    text = getattr(settings, "DOSSIER_CUTOFF", "16:30")
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


# The override table, one year at a time, kept by each process for OVERRIDES_TTL seconds:
# every submission and action counts a due date, and the table changes a few times a year.
# An edit in this process (admin, command) clears it at once; other processes see it within
# the TTL.
OVERRIDES_TTL = 60.0
_overrides_cache: dict[int, tuple[float, dict[dt.date, bool]]] = {}


def overrides_forget(**_kwargs: object) -> None:
    """Drop the cached override years (connected to CalendarDay's save and delete)."""
    _overrides_cache.clear()


def _load_overrides(year: int) -> dict[dt.date, bool]:
    cached = _overrides_cache.get(year)
    now = time.monotonic()
    if cached is not None and now - cached[0] < OVERRIDES_TTL:
        return cached[1]
    from .models import CalendarDay

    overrides = {
        row.day: row.kind == CalendarDay.Kind.WORKING_DAY
        for row in CalendarDay.objects.filter(day__year=year).only("day", "kind")
    }
    _overrides_cache[year] = (now, overrides)
    return overrides


class WorkingCalendar:
    """Answers "is this a working day?", reading the override table one year at a time."""

    def __init__(self) -> None:
        self._overrides: dict[int, dict[dt.date, bool]] = {}

    def _year_overrides(self, year: int) -> dict[dt.date, bool]:
        if year not in self._overrides:
            self._overrides[year] = _load_overrides(year)
        return self._overrides[year]

    def is_working_day(self, day: dt.date) -> bool:
        override = self._year_overrides(day.year).get(day)
        if override is not None:
            return override
        if day.weekday() >= 5:
            return False
        return day not in _public_holidays(day.year)

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        for _ in range(MAX_SCAN_DAYS):
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                return day
        raise ValueError("no working day within three years")

    def counting_start(self, received: dt.datetime) -> dt.datetime:
        """The moment counting starts for something received at ``received`` (aware)."""
        local = received.astimezone(LOCAL_TZ)
        day, time = local.date(), local.time()
        opening = OFFICE_PERIODS[0][0]
        if not self.is_working_day(day) or time >= cutoff_time():
            return dt.datetime.combine(self.next_working_day(day), opening, LOCAL_TZ)
        for start, end in OFFICE_PERIODS:
            if time < start:
                return dt.datetime.combine(day, start, LOCAL_TZ)
            if time < end:
                return local.replace(second=0, microsecond=0)
        return dt.datetime.combine(self.next_working_day(day), opening, LOCAL_TZ)

    def add_working_days(self, start: dt.datetime, days: Decimal) -> dt.datetime:
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        if days < 0:
            raise ValueError("days must not be negative")
        remaining = int((Decimal(days) * MINUTES_PER_DAY).to_integral_value())
        moment = self.counting_start(start)
        day = moment.date()
        while True:
            for period_start, period_end in OFFICE_PERIODS:
                begin = max(moment, dt.datetime.combine(day, period_start, LOCAL_TZ))
                end = dt.datetime.combine(day, period_end, LOCAL_TZ)
                if begin >= end:
                    continue
                available = int((end - begin).total_seconds() // 60)
                if remaining <= available:
                    return begin + dt.timedelta(minutes=remaining)
                remaining -= available
            day = self.next_working_day(day)
            moment = dt.datetime.combine(day, OFFICE_PERIODS[0][0], LOCAL_TZ)

    def _office_moment(self, moment: dt.datetime) -> dt.datetime:
        """``moment`` itself inside office hours of a working day, else the next opening
        (no cut-off: for moving a deadline already counted, not for receiving)."""
        local = moment.astimezone(LOCAL_TZ)
        day = local.date()
        if self.is_working_day(day):
            for start, end in OFFICE_PERIODS:
                begin = dt.datetime.combine(day, start, LOCAL_TZ)
                if local < begin:
                    return begin
                if local < dt.datetime.combine(day, end, LOCAL_TZ):
                    return local
        return dt.datetime.combine(self.next_working_day(day), OFFICE_PERIODS[0][0], LOCAL_TZ)

    def working_minutes_between(self, start: dt.datetime, end: dt.datetime) -> int:
        """Office minutes of working days between two aware moments (0 if ``end`` is earlier)."""
        if end <= start:
            return 0
        start_local, end_local = start.astimezone(LOCAL_TZ), end.astimezone(LOCAL_TZ)
        total = 0
        day = start_local.date()
        for _ in range(MAX_SCAN_DAYS * 2):
            if day > end_local.date():
                break
            if self.is_working_day(day):
                for period_start, period_end in OFFICE_PERIODS:
                    begin = max(start_local, dt.datetime.combine(day, period_start, LOCAL_TZ))
                    finish = min(end_local, dt.datetime.combine(day, period_end, LOCAL_TZ))
                    if finish > begin:
                        total += int((finish - begin).total_seconds() // 60)
            day += dt.timedelta(days=1)
        return total

    def add_working_minutes(self, start: dt.datetime, minutes: int) -> dt.datetime:
        """``start`` moved forward by office minutes of working days, without the cut-off."""
        moment = self._office_moment(start)
        remaining = max(0, minutes)
        day = moment.date()
        while True:
            for period_start, period_end in OFFICE_PERIODS:
                begin = max(moment, dt.datetime.combine(day, period_start, LOCAL_TZ))
                end = dt.datetime.combine(day, period_end, LOCAL_TZ)
                if begin >= end:
                    continue
                available = int((end - begin).total_seconds() // 60)
                if remaining <= available:
                    return begin + dt.timedelta(minutes=remaining)
                remaining -= available
            day = self.next_working_day(day)
            moment = dt.datetime.combine(day, OFFICE_PERIODS[0][0], LOCAL_TZ)


def add_working_days(start: dt.datetime, days: Decimal) -> dt.datetime:
    """``start`` plus ``days`` working days (multiples of 0.5 = 4 office hours are usual).

    Returns an aware datetime in Asia/Ho_Chi_Minh. Zero days gives the counting start.
    """
    return WorkingCalendar().add_working_days(start, days)


def is_working_day(day: dt.date) -> bool:
    return WorkingCalendar().is_working_day(day)
