"""Reading the facts: counts and performance figures over a period, grouped by any dimensions.

These functions are the public interface of the facts (re-exported by ``gongzhi.analytics``); their
names and arguments stay stable. Periods are local days [start, end); when both ends fall on the first
of a month the month table is read, otherwise the day table.

Dimensions for ``by``:
- ``department``; ``type``;
- ``region`` (the street, as stored), ``district`` (its district);
- ``category`` (二级分类, as stored), ``category_top`` (一级分类).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from gongzhi.analytics.definitions import rate
from gongzhi.analytics.dims import CASE_TYPES, Dims, load
from gongzhi.analytics.models import (
    COUNT_COLUMNS,
    HIST_COLUMNS,
    HOUR_EDGES,
    MEASURES,
    DayCube,
    DayFact,
    MonthCube,
    MonthFact,
)
from gongzhi.analytics.periods import next_month
from gongzhi.directory.models import RegionLevel
from gongzhi.errors import InvalidInput

DIMENSIONS = ("department", "region", "district", "category", "category_top", "type")
GRAINS = ("day", "week", "month")
_STORED = {
    "department": "department_id",
    "region": "region_id",
    "district": "region_id",
    "category": "category_id",
    "category_top": "category_id",
    "type": "type",
}
RATES = (
    "response_rate",
    "resolution_rate",
    "satisfaction_rate",
    "return_rate",
    "overdue_rate",
    "median_handling_hours",
)


@dataclass
class Filter:
    """Restrict the facts to one department, region (district or street), category (一级 or 二级) or type, by code."""

    department: str | None = None
    region: str | None = None
    category: str | None = None
    type: str | None = None


@dataclass
class Figures:
    """Sums of the measures for one group, and the rates computed from them."""

    key: dict[str, Any] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_COLUMNS, 0))
    handling_seconds: int = 0
    histogram: list[int] = field(default_factory=lambda: [0] * len(HIST_COLUMNS))

    def add(self, values: Sequence[int]) -> None:
        for i, name in enumerate(COUNT_COLUMNS):
            self.counts[name] += int(values[i] or 0)
        self.handling_seconds += int(values[len(COUNT_COLUMNS)] or 0)
        for i, n in enumerate(values[len(COUNT_COLUMNS) + 1 :]):
            self.histogram[i] += int(n or 0)

    def __getattr__(self, name: str) -> int:
        counts = self.__dict__.get("counts", {})
        if name in counts:
            return counts[name]
        raise AttributeError(name)

    @property
    def happy(self) -> int:
        return self.counts["satisfied"] + self.counts["basically_satisfied"]

    @property
    def response_rate(self) -> float | None:
        return rate(self.counts["responded_on_time"], self.counts["dispatched"])

    @property
    def resolution_rate(self) -> float | None:
        return rate(self.counts["solved"], self.counts["rated"])

    @property
    def satisfaction_rate(self) -> float | None:
        return rate(self.happy, self.counts["rated"])

    @property
    def return_rate(self) -> float | None:
        return rate(self.counts["returned"], self.counts["dispatched"])

    @property
    def overdue_rate(self) -> float | None:
        return rate(self.counts["replied_late"], self.counts["replied"])

    @property
    def mean_handling_hours(self) -> float | None:
        replied = self.counts["replied"]
        return round(self.handling_seconds / 3600 / replied, 2) if replied else None

    @property
    def median_handling_hours(self) -> float | None:
        return median_from_histogram(self.histogram)

    def as_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {**self.key, **self.counts}
        for name in (*RATES, "mean_handling_hours"):
            data[name] = getattr(self, name)
        return data


def median_from_histogram(histogram: Sequence[int]) -> float | None:
    """The median handling time in hours, interpolated inside its histogram bucket (``HOUR_EDGES``).

    Exact to the bucket: within 1 h below a day, a few hours below a week. A median in the open
    last bucket is reported as its lower edge (720 h).
    """
    total = sum(histogram)
    if not total:
        return None
    half, seen = total / 2, 0
    lower = 0.0
    for i, n in enumerate(histogram):
        if i == len(HOUR_EDGES):
            return float(HOUR_EDGES[-1])
        upper = float(HOUR_EDGES[i])
        if n and seen + n >= half:
            return round(lower + (upper - lower) * (half - seen) / n, 2)
        seen += n
        lower = upper
    return float(HOUR_EDGES[-1])


def _check(by: Iterable[str]) -> tuple[str, ...]:
    by = tuple(by)
    unknown = [d for d in by if d not in DIMENSIONS]
    if unknown:
        raise InvalidInput(f"unknown dimension {unknown[0]!r}; use one of: {', '.join(DIMENSIONS)}", field="by")
    return by


def _segments(start: date, end: date, grain: str | None, cube: bool) -> list[tuple[Any, date, date]]:
    """Which table answers which part of [start, end): whole months from a month table, the edges from days.

    Daily and weekly series need a day table throughout. ``cube``: the per-dimension sums will do.
    """
    day_table, month_table = (DayCube, MonthCube) if cube else (DayFact, MonthFact)
    if grain in ("day", "week"):
        return [(day_table, start, end)]
    first = start if start.day == 1 else next_month(start)
    last = end.replace(day=1)
    if first >= last:
        return [(day_table, start, end)]
    parts = [(day_table, start, first), (month_table, first, last), (day_table, last, end)]
    return [(table, a, b) for table, a, b in parts if a < b]


_CUBE_OF = {"department_id": "department", "region_id": "region", "category_id": "category", "type": "type"}


def _empty(where: Filter | None) -> bool:
    return where is None or not any(vars(where).values())


def _conditions(table: Any, dims: Dims, where: Filter | None) -> list[ColumnElement[bool]]:
    if where is None:
        return []
    out: list[ColumnElement[bool]] = []
    if where.department:
        out.append(table.department_id == dims.find("department", where.department).id)
    if where.region:
        region = dims.find("region", where.region)
        if region.level == RegionLevel.COMMUNITY.value:
            raise InvalidInput(
                f"figures are kept per street; {where.region} is a community — choose its street or district",
                field="region",
            )
        out.append(table.region_id.in_(dims.subtree("region", region.id)))
    if where.category:
        category = dims.find("category", where.category)
        if category.level == "3":
            raise InvalidInput(
                f"figures are kept per second-level category; {where.category} is third-level — choose its parent",
                field="category",
            )
        out.append(table.category_id.in_(dims.subtree("category", category.id)))
    if where.type:
        out.append(table.type == where.type)
    return out


def _rows(
    session: Session,
    *,
    start: date,
    end: date,
    stored: Sequence[str],
    grain: str | None,
    where: Filter | None,
    dims: Dims,
    force_facts: bool = False,
) -> Iterator[Any]:
    """Sums of every measure grouped by the stored columns (and the period column when ``grain`` is given)."""
    if end <= start:
        raise InvalidInput("the period must end after it starts", field="to")
    cube = _empty(where) and len(stored) <= 1 and not force_facts
    for table, first, stop in _segments(start, end, grain, cube):
        day = table.month if table in (MonthFact, MonthCube) else table.day
        period = None if grain is None else (table.month if grain == "month" else table.day)
        extra = [period] if period is not None else []
        sums = [func.sum(getattr(table, m)) for m in MEASURES]
        if cube:
            dimension = _CUBE_OF[stored[0]] if stored else "all"
            groups = ([table.key] if stored else []) + extra
            query = select(*groups, *sums).where(day >= first, day < stop, table.dimension == dimension)
            rows = session.execute(query.group_by(*groups) if groups else query)
            yield from (_typed(row, stored) for row in rows)
            continue
        groups = [getattr(table, c) for c in stored] + extra
        query = select(*groups, *sums).where(day >= first, day < stop, *_conditions(table, dims, where))
        yield from session.execute(query.group_by(*groups) if groups else query)


def _typed(row: Any, stored: Sequence[str]) -> tuple[Any, ...]:
    """A cube row with its text key turned back into the fact column's value (an id, or a type)."""
    if not stored or stored[0] == "type":
        return tuple(row)
    return (int(row[0]), *row[1:])


def _label(dims: Dims, dimension: str, raw: Any) -> Any:
    if dimension == "district":
        return dims.district_of(raw)
    if dimension == "category_top":
        return dims.top_category_of(raw)
    return raw


def figures(
    session: Session,
    *,
    start: date,
    end: date,
    by: Sequence[str] = (),
    where: Filter | None = None,
    grain: str | None = None,
    dims: Dims | None = None,
    force_facts: bool = False,
) -> list[Figures]:
    """Performance figures over [start, end), one per group of ``by`` (and per ``grain`` period if given).

    Keys in ``Figures.key`` are ids (0 = none) for department, region and category dimensions, the
    type's value for ``type``, and ``period`` (a date: the day, the Monday of the week, or the first
    of the month) when ``grain`` is given. Without filters and with at most one dimension, the few
    per-dimension rows of the cubes are read; ``force_facts`` reads the full grain instead (for tests).
    """
    by = _check(by)
    if grain is not None and grain not in GRAINS:
        raise InvalidInput(f"unknown grain {grain!r}; use one of: {', '.join(GRAINS)}", field="grain")
    dims = dims or load(session)
    stored = list(dict.fromkeys(_STORED[d] for d in by))
    groups: dict[tuple[Any, ...], Figures] = {}
    rows = _rows(
        session, start=start, end=end, stored=stored, grain=grain, where=where, dims=dims, force_facts=force_facts
    )
    for row in rows:
        raw = dict(zip(stored, row[: len(stored)], strict=True))
        key = {d: _label(dims, d, raw[_STORED[d]]) for d in by}
        if grain is not None:
            period = row[len(stored)]
            key["period"] = period - timedelta(days=period.weekday()) if grain == "week" else period
        ident = tuple(key.values())
        if ident not in groups:
            groups[ident] = Figures(key=key)
        groups[ident].add(row[len(stored) + (grain is not None) :])
    return sorted(groups.values(), key=lambda f: tuple(str(v) for v in f.key.values()))


def total(session: Session, *, start: date, end: date, where: Filter | None = None) -> Figures:
    """All facts of the period in one ``Figures``."""
    found = figures(session, start=start, end=end, where=where)
    return found[0] if found else Figures()


def daily_counts(
    session: Session,
    *,
    start: date,
    end: date,
    by: Sequence[str] = ("category", "region"),
    measure: str = "received",
    where: Filter | None = None,
) -> list[dict[str, Any]]:
    """Counts of ``measure`` per day and group, only where non-zero: ``[{"day", <by codes…>, "count"}]``.

    Groups are named by code ("" for none; the type by its value) so callers need no ids.
    """
    series = daily_series(session, start=start, end=end, by=by, measure=measure, where=where)
    out = []
    for key, counts in series.items():
        for i, n in enumerate(counts):
            if n:
                out.append({"day": start + timedelta(days=i), **dict(zip(by, key, strict=True)), "count": n})
    return sorted(out, key=lambda r: (r["day"], *(str(r[d]) for d in by)))


def daily_series(
    session: Session,
    *,
    start: date,
    end: date,
    by: Sequence[str] = ("category", "region"),
    measure: str = "received",
    where: Filter | None = None,
) -> dict[tuple[str, ...], list[int]]:
    """One zero-filled series of daily counts per group that has any: ``{(codes…): [n for each day]}``.

    What surge detection needs: every day of [start, end) is present, days without cases are 0.
    """
    if measure not in COUNT_COLUMNS:
        raise InvalidInput(f"unknown measure {measure!r}; use one of: {', '.join(COUNT_COLUMNS)}", field="measure")
    dims = load(session)
    length = (end - start).days
    series: dict[tuple[str, ...], list[int]] = defaultdict(lambda: [0] * length)
    for fig in figures(session, start=start, end=end, by=by, where=where, grain="day", dims=dims):
        key = tuple(_code(dims, d, fig.key[d]) for d in by)
        series[key][(fig.key["period"] - start).days] += fig.counts[measure]
    return dict(series)


def _code(dims: Dims, dimension: str, key: Any) -> str:
    return dims.member(dimension, key).code


def make_filter(
    *, department: str | None = None, region: str | None = None, category: str | None = None, type: str | None = None
) -> Filter:
    """A filter from query parameters: blanks mean "any"; an unknown type is refused with the accepted ones."""
    kind = (type or "").strip() or None
    if kind is not None and kind not in CASE_TYPES:
        raise InvalidInput(f"unknown case type {kind!r}; use one of: {', '.join(CASE_TYPES)}", field="type")
    return Filter(
        department=(department or "").strip() or None,
        region=(region or "").strip() or None,
        category=(category or "").strip() or None,
        type=kind,
    )
