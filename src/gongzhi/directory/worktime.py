"""Working time on China's official calendar, and the deadline arithmetic built on it.

Why it exists: a 12345 hotline counts its deadlines in working time (DESIGN.md §2) — "resolve within
7 working days" must skip weekends and the Spring Festival, yet count the make-up working Saturday
(调休) that the State Council adds around a holiday. Cases, the deadline sweep and the KPIs all ask
this one module, so a deadline means the same thing everywhere. Everything here is a pure function of
its arguments: no database, no wall clock (callers pass ``now``).

Which days are working days, in order of precedence:

1. the jurisdiction's local overrides (``WorkingCalendar.overrides``: date -> is a working day), for an
   extra day off (a typhoon, a local festival) or an extra working day;
2. China's official calendar from the ``chinese_calendar`` package (PyPI ``chinesecalendar``):
   public holidays and the make-up working days;
3. outside the years that package knows (it raises ``NotImplementedError``; 1.11 covers 2004–2026)
   plain Monday–Friday. That fallback knows no holidays, so upgrade ``chinesecalendar`` each year
   when the State Council publishes the next year's notice, or declare the days as overrides.

How time is counted:

- A day is a calendar day in the jurisdiction's time zone (``tz``, default Asia/Shanghai), from local
  midnight to the next local midnight. The whole day counts: there are no office hours, so
  "24 working hours" from Friday 15:00 ends on Monday 15:00, and 1 working day is 24 hours of working
  time. Non-working days count zero, so a case submitted on a Saturday or a holiday starts its clock
  at 00:00 of the next working day.
- Working time is real elapsed time on working days. In a zone with daylight saving time a working
  day on which the clocks change lasts 23 or 25 hours and counts as such (in practice those are
  Sundays, which count zero anyway).
- ``CLOCK_HOURS`` ignore the calendar: an emergency must be answered within 2 hours, holiday or not.
- ``add`` returns the earliest instant at which the duration has been used up, so a deadline that
  uses up a Friday exactly falls on Saturday 00:00 (end of Friday), not on Monday morning.

Every datetime passed in must be timezone-aware (a naive one raises ``ValueError``: guessing its zone
would shift deadlines by hours); every datetime returned is in UTC, as stored (DESIGN.md §1).
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from types import MappingProxyType
from zoneinfo import ZoneInfo

import chinese_calendar

ZERO = timedelta(0)
ONE_DAY = timedelta(days=1)
SHANGHAI = ZoneInfo("Asia/Shanghai")


class TimeUnit(StrEnum):
    """How a duration is counted: round the clock, or in working time on the calendar."""

    CLOCK_HOURS = "clock_hours"
    WORKING_HOURS = "working_hours"
    WORKING_DAYS = "working_days"


_SUFFIXES = {"h": TimeUnit.CLOCK_HOURS, "wh": TimeUnit.WORKING_HOURS, "wd": TimeUnit.WORKING_DAYS}
_DURATION_FORMS = "'2h' (clock hours, round the clock), '24wh' (working hours), '7wd' (working days)"


@dataclass(frozen=True)
class Duration:
    """An SLA duration such as "7 working days"; a whole, non-negative number of units."""

    amount: int
    unit: TimeUnit

    def __post_init__(self) -> None:
        if isinstance(self.amount, bool) or not isinstance(self.amount, int):
            raise TypeError(f"duration amount must be a whole number, got {self.amount!r}")
        if self.amount < 0:
            raise ValueError(f"duration amount must be 0 or more, got {self.amount}")
        object.__setattr__(self, "unit", TimeUnit(self.unit))

    def as_timedelta(self) -> timedelta:
        """The working time (clock time for clock hours) this duration stands for: 1 wd = 24 h."""
        hours_per_unit = 24 if self.unit is TimeUnit.WORKING_DAYS else 1
        return timedelta(hours=hours_per_unit * self.amount)

    def __str__(self) -> str:
        suffix = next(key for key, unit in _SUFFIXES.items() if unit is self.unit)
        return f"{self.amount}{suffix}"


def parse_duration(text: str) -> Duration:
    """Read a duration as written in SLA settings: "2h", "24wh" or "7wd" (the inverse of ``str``)."""
    match = re.fullmatch(r"([0-9]+)(h|wh|wd)", text.strip().lower())
    if match is None:
        raise ValueError(f"cannot read duration {text!r}: write a whole number and a unit: {_DURATION_FORMS}")
    return Duration(amount=int(match[1]), unit=_SUFFIXES[match[2]])


def _as_utc(value: datetime, name: str) -> datetime:
    """The same instant in UTC; refuses naive datetimes, whose zone we would have to guess."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(
            f"{name} must be a timezone-aware datetime, got naive {value.isoformat()}; "
            "attach its zone, e.g. value.replace(tzinfo=ZoneInfo('Asia/Shanghai'))"
        )
    return value.astimezone(UTC)


@functools.lru_cache(maxsize=8192)
def _is_national_working_day(day: date) -> bool:
    """China's official calendar, or Monday–Friday outside its years.

    Cached because ``chinese_calendar`` rescans its whole table on every call, and deadline
    arithmetic asks about the same few hundred days over and over.
    """
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def _frozen_overrides(overrides: Mapping[date, bool]) -> Mapping[date, bool]:
    """A read-only copy, so a calendar cannot change under the deadlines computed from it."""
    for day, working in overrides.items():
        if isinstance(day, datetime) or not isinstance(day, date):
            raise TypeError(f"override keys must be dates (not datetimes), got {day!r}")
        if not isinstance(working, bool):
            raise TypeError(f"override for {day} must be True (working) or False (day off), got {working!r}")
    return MappingProxyType(dict(overrides))


@dataclass(frozen=True)
class WorkingCalendar:
    """A jurisdiction's working days and time zone; answers "when is it due" and "how much is used"."""

    tz: ZoneInfo = SHANGHAI
    overrides: Mapping[date, bool] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if not isinstance(self.tz, ZoneInfo):
            raise TypeError(f"tz must be a ZoneInfo, e.g. ZoneInfo('Asia/Shanghai'), got {self.tz!r}")
        object.__setattr__(self, "overrides", _frozen_overrides(self.overrides))

    def is_working_day(self, day: date) -> bool:
        """Local override first, then China's official calendar, then Monday–Friday beyond its years."""
        if isinstance(day, datetime):
            raise TypeError(f"pass a local date, not a datetime: {day!r}")
        if day in self.overrides:
            return self.overrides[day]
        return _is_national_working_day(day)

    def add(self, start: datetime, duration: Duration) -> datetime:
        """The deadline: the earliest instant (UTC) by which ``duration`` has passed since ``start``."""
        begin = _as_utc(start, "start")
        budget = duration.as_timedelta()
        if duration.unit is TimeUnit.CLOCK_HOURS or budget == ZERO:
            return begin + budget
        return self._add_working_time(begin, budget)

    def elapsed(self, start: datetime, end: datetime, unit_kind: TimeUnit) -> timedelta:
        """Working time (clock time for ``CLOCK_HOURS``) from ``start`` to ``end``; zero if end <= start."""
        begin, finish = _as_utc(start, "start"), _as_utc(end, "end")
        if finish <= begin:
            return ZERO
        if TimeUnit(unit_kind) is TimeUnit.CLOCK_HOURS:
            return finish - begin
        return self._working_time_between(begin, finish)

    def fraction_elapsed(self, start: datetime, deadline: datetime, now: datetime, unit: TimeUnit) -> float:
        """Share of the time allowed that is used up: 0.8 triggers the warning, 1.0 the escalation.

        Past the deadline the share keeps growing (1.5 = half as late again). A deadline that allows
        no time at all gives 0 before it and infinity from it on.
        """
        allowed = self.elapsed(start, deadline, unit)
        used = self.elapsed(start, now, unit)
        if allowed == ZERO:
            return 0.0 if _as_utc(now, "now") < _as_utc(deadline, "deadline") else math.inf
        return used / allowed

    def _day_start(self, day: date) -> datetime:
        """Local midnight opening ``day``, in UTC."""
        return datetime.combine(day, time(), tzinfo=self.tz).astimezone(UTC)

    def _add_working_time(self, begin: datetime, budget: timedelta) -> datetime:
        """Walk day by day from ``begin`` until ``budget`` of working time is used up."""
        day = begin.astimezone(self.tz).date()
        cursor, remaining = begin, budget
        while True:
            day_end = self._day_start(day + ONE_DAY)
            if self.is_working_day(day):
                available = max(day_end - cursor, ZERO)
                if remaining <= available:
                    return cursor + remaining
                remaining -= available
            cursor, day = max(cursor, day_end), day + ONE_DAY

    def _working_time_between(self, begin: datetime, finish: datetime) -> timedelta:
        """Sum, day by day, the part of [begin, finish) that falls on working days."""
        day = begin.astimezone(self.tz).date()
        cursor, total = begin, ZERO
        while cursor < finish:
            day_end = self._day_start(day + ONE_DAY)
            if self.is_working_day(day):
                total += max(min(day_end, finish) - cursor, ZERO)
            cursor, day = max(cursor, day_end), day + ONE_DAY
        return total
