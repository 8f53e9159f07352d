"""Periods people ask for (a month, a range of days) turned into local days [start, end), with clear refusals.

Dashboards and the API take ``month=2026-10`` or ``from=2026-10-01&to=2026-10-31`` (``to`` inclusive,
as people write ranges) and default to the current month. A period entirely in the future is not an
error: it has no figures yet, and says so (``Period.note``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from gongzhi.errors import InvalidInput

MAX_DAYS = 3 * 366 + 1
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # exclusive
    today: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def is_month(self) -> bool:
        return self.start.day == 1 and self.end == next_month(self.start)

    @property
    def label(self) -> str:
        if self.is_month:
            return self.start.strftime("%Y-%m")
        return f"{self.start.isoformat()} – {(self.end - timedelta(days=1)).isoformat()}"

    @property
    def in_future(self) -> bool:
        return self.start > self.today

    @property
    def reaches_future(self) -> bool:
        return self.end > self.today + timedelta(days=1)


def next_month(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def parse_month(text: str, *, field: str = "month") -> date:
    match = _MONTH.match(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12 or not 2000 <= int(match.group(1)) <= 2100:
        raise InvalidInput(f"{field} must be a month written like 2026-10, not {text!r}", field=field)
    return date(int(match.group(1)), int(match.group(2)), 1)


def parse_day(text: str, *, field: str) -> date:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"{field} must be a date written like 2026-10-01, not {text!r}", field=field) from None
    if not 2000 <= day.year <= 2100:
        raise InvalidInput(f"{field} must be a date between 2000 and 2100", field=field)
    return day


def parse_period(*, today: date, month: str | None = None, start: str | None = None, end: str | None = None) -> Period:
    """The period asked for: ``month``, or ``start``/``end`` (inclusive days), or else this month."""
    if month and (start or end):
        raise InvalidInput("give either a month or a from/to range, not both", field="month")
    if month:
        first = parse_month(month)
        return Period(first, next_month(first), today)
    if not start and not end:
        first = today.replace(day=1)
        return Period(first, next_month(first), today)
    first = parse_day(start, field="from") if start else today.replace(day=1)
    last = parse_day(end, field="to") if end else today
    if last < first:
        raise InvalidInput(f"the period ends ({last}) before it starts ({first}); swap from and to", field="to")
    if (last - first).days + 1 > MAX_DAYS:
        raise InvalidInput("a period can be at most three years long; choose a shorter range", field="from")
    return Period(first, last + timedelta(days=1), today)
