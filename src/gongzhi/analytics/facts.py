"""Computing the fact rows of a run of days from the cases, their events and ratings.

``rebuild_days`` replaces every ``DayFact`` and ``RegionVolume`` row of the days given, then the
``MonthFact`` rows of their months. It reads raw rows as plain tuples (no ORM objects) so that a
day of a large city is a fraction of a second; a full rebuild is the same work in month-long chunks.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, delete, func, insert, select
from sqlalchemy.orm import Session

from gongzhi.analytics.definitions import DISPATCH_KINDS, EPISODE_KINDS, episodes
from gongzhi.analytics.dims import Dims
from gongzhi.analytics.models import (
    HIST_COLUMNS,
    HOUR_EDGES,
    MEASURES,
    DayCube,
    DayFact,
    MonthCube,
    MonthFact,
    RegionVolume,
)
from gongzhi.cases.models import Case, CaseEvent, Rating, Satisfaction
from gongzhi.cases.states import Move

CHUNK_DAYS = 31
BATCH = 2_000  # case ids per IN (…) list
_INDEX = {name: i for i, name in enumerate(MEASURES)}
_HIST0 = _INDEX[HIST_COLUMNS[0]]
_CLOSING = (Move.CLOSE.value, Move.AUTO_CLOSE.value)
_RATING_COLUMN = {
    Satisfaction.SATISFIED: "satisfied",
    Satisfaction.BASIC: "basically_satisfied",
    Satisfaction.UNSATISFIED: "unsatisfied",
}
Key = tuple[date, int, int, int, str]


def month_of(day: date) -> date:
    return day.replace(day=1)


def day_bounds(first: date, end: date, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants of local midnight at ``first`` and at ``end`` (exclusive)."""
    start = datetime.combine(first, time(), tzinfo=zone).astimezone(UTC)
    stop = datetime.combine(end, time(), tzinfo=zone).astimezone(UTC)
    return start, stop


def runs(days: Iterable[date], *, longest: int = CHUNK_DAYS) -> Iterator[tuple[date, date]]:
    """Consecutive days as [first, end) ranges of at most ``longest`` days."""
    ordered = sorted(set(days))
    i = 0
    while i < len(ordered):
        first = last = ordered[i]
        i += 1
        while i < len(ordered) and ordered[i] == last + timedelta(days=1) and (ordered[i] - first).days < longest:
            last = ordered[i]
            i += 1
        yield first, last + timedelta(days=1)


class _Tally:
    """Measures per fact key, accumulated in Python before one bulk insert."""

    def __init__(self, dims: Dims, zone: ZoneInfo) -> None:
        self.dims, self.zone = dims, zone
        self.rows: dict[Key, list[int]] = {}
        self.volumes: dict[tuple[date, int], int] = defaultdict(int)

    def day(self, at: datetime) -> date:
        return at.astimezone(self.zone).date()

    def add(
        self, at: datetime, department: int | None, region: int | None, category: int | None, kind: str
    ) -> list[int]:
        key = (self.day(at), department or 0, self.dims.region_key(region), self.dims.category_key(category), kind)
        row = self.rows.get(key)
        if row is None:
            row = self.rows[key] = [0] * len(MEASURES)
        return row


def _read(session: Session, query: Select[Any]) -> Iterable[Any]:
    """Rows as plain tuples from the session's connection (no ORM bookkeeping over a month of events)."""
    return session.connection().execute(query)


def _received(session: Session, tally: _Tally, start: datetime, stop: datetime) -> None:
    query = select(Case.submitted_at, Case.department_id, Case.region_id, Case.category_id, Case.type).where(
        Case.submitted_at >= start, Case.submitted_at < stop
    )
    for at, department, region, category, kind in _read(session, query):
        tally.add(at, department, region, category, kind.value)[_INDEX["received"]] += 1
        tally.volumes[(tally.day(at), region or 0)] += 1


def histories(session: Session, case_ids: Iterable[int]) -> dict[int, list[Any]]:
    """The episode events (dispatch, accept, return, reply) of each case, in order.

    Ids go in batches of literal lists, which both databases answer from the ``case_id`` index; an
    ``IN (subquery)`` lets PostgreSQL choose a scan of every event instead.
    """
    by_case: dict[int, list[Any]] = defaultdict(list)
    columns = (CaseEvent.id, CaseEvent.case_id, CaseEvent.kind, CaseEvent.department_id, CaseEvent.at, CaseEvent.data)
    ordered = sorted(set(case_ids))
    for i in range(0, len(ordered), BATCH):
        query = select(*columns).where(CaseEvent.case_id.in_(ordered[i : i + BATCH]))
        for event in _read(session, query.order_by(CaseEvent.case_id, CaseEvent.id)):
            if event.kind in EPISODE_KINDS:  # filtered here: a kind condition steers SQLite to the kind index
                by_case[event.case_id].append(event)
    return by_case


def _dispatch_cohort(session: Session, tally: _Tally, start: datetime, stop: datetime) -> None:
    """Every episode that began in the range, with its outcome whenever that came."""
    dispatched = select(CaseEvent.case_id).where(
        CaseEvent.kind.in_(DISPATCH_KINDS), CaseEvent.at >= start, CaseEvent.at < stop
    )
    ids = sorted(set(session.connection().execute(dispatched).scalars()))
    cases: dict[int, Any] = {}
    for i in range(0, len(ids), BATCH):
        query = select(Case.id, Case.region_id, Case.category_id, Case.type).where(Case.id.in_(ids[i : i + BATCH]))
        cases.update((row.id, row) for row in _read(session, query))
    by_case = histories(session, ids)
    for case_id, events in by_case.items():
        case = cases[case_id]
        for episode in episodes(events):
            if not start <= episode.dispatched_at < stop:
                continue
            row = tally.add(
                episode.dispatched_at, episode.department_id, case.region_id, case.category_id, case.type.value
            )
            row[_INDEX["dispatched"]] += 1
            row[_INDEX["responded_on_time"]] += episode.answered and episode.responded_on_time
            row[_INDEX["returned"]] += episode.returned
            hours = episode.handling_hours
            if hours is not None:
                row[_INDEX["replied"]] += 1
                row[_INDEX["replied_late"]] += episode.replied_late
                row[_INDEX["handling_seconds"]] += round(hours * 3600)
                row[_HIST0 + bisect_right(HOUR_EDGES, hours)] += 1


def _ratings(session: Session, tally: _Tally, start: datetime, stop: datetime) -> None:
    query = (
        select(
            Rating.at,
            Rating.department_id,
            Rating.solved,
            Rating.satisfaction,
            Case.region_id,
            Case.category_id,
            Case.type,
        )
        .join(Case, Case.id == Rating.case_id)
        .where(Rating.at >= start, Rating.at < stop)
    )
    for at, department, solved, satisfaction, region, category, kind in _read(session, query):
        row = tally.add(at, department, region, category, kind.value)
        row[_INDEX["rated"]] += 1
        row[_INDEX["solved"]] += bool(solved)
        row[_INDEX[_RATING_COLUMN[satisfaction]]] += 1


def _closings(session: Session, tally: _Tally, start: datetime, stop: datetime) -> None:
    """Reopenings (the citizen was not satisfied) and closings (办结), on the day they happened."""
    query = (
        select(CaseEvent.at, CaseEvent.kind, CaseEvent.department_id, Case.region_id, Case.category_id, Case.type)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.kind.in_((Move.REOPEN.value, *_CLOSING)), CaseEvent.at >= start, CaseEvent.at < stop)
    )
    for at, kind, department, region, category, case_type in _read(session, query):
        row = tally.add(at, department, region, category, case_type.value)
        row[_INDEX["reopened" if kind == Move.REOPEN.value else "closed"]] += 1


def rebuild_range(session: Session, *, first: date, end: date, dims: Dims, zone: ZoneInfo) -> int:
    """Replace the day facts of [first, end); returns the number of fact rows written."""
    start, stop = day_bounds(first, end, zone)
    tally = _Tally(dims, zone)
    for collect in (_received, _dispatch_cohort, _ratings, _closings):
        collect(session, tally, start, stop)
    session.execute(delete(DayFact).where(DayFact.day >= first, DayFact.day < end))
    session.execute(delete(RegionVolume).where(RegionVolume.day >= first, RegionVolume.day < end))
    facts = [(key[0], month_of(key[0]), *key[1:], *values) for key, values in tally.rows.items()]
    _insert(session, DayFact.__table__.name, _FACT_COLUMNS, facts)
    session.execute(delete(DayCube).where(DayCube.day >= first, DayCube.day < end))
    _insert(session, DayCube.__table__.name, _CUBE_COLUMNS, _cube(tally.rows))
    volumes = [(day, month_of(day), region, n) for (day, region), n in tally.volumes.items()]
    _insert(session, RegionVolume.__table__.name, ["day", "month", "region_id", "received"], volumes)
    return len(facts)


def _insert(session: Session, table: str, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    """Many rows at the driver level: SQLAlchemy's per-row parameter processing would dominate a rebuild.

    Values are ints, strs and dates; SQLite is given dates as ISO text, as SQLAlchemy stores them.
    """
    if not rows:
        return
    connection = session.connection()
    sqlite = connection.dialect.name == "sqlite"
    mark = "?" if sqlite else "%s"
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    if sqlite:
        dates = [i for i, value in enumerate(rows[0]) if isinstance(value, date)]
        rows = [_iso(row, dates) for row in rows]
    connection.exec_driver_sql(sql, rows)


def _iso(row: tuple[Any, ...], dates: list[int]) -> tuple[Any, ...]:
    out = list(row)
    for i in dates:
        out[i] = out[i].isoformat()
    return tuple(out)


_FACT_COLUMNS = ["day", "month", "department_id", "region_id", "category_id", "type", *MEASURES]
_CUBE_COLUMNS = ["day", "month", "dimension", "key", *MEASURES]
CUBE_DIMENSIONS = ("department", "region", "category", "type")  # in the order of a fact key after the day


def _cube(rows: dict[Key, list[int]]) -> list[tuple[Any, ...]]:
    """The day facts summed per day and single dimension (and over everything: "all")."""
    sums: dict[tuple[date, str, str], list[int]] = {}
    for key, values in rows.items():
        day = key[0]
        members = [(name, str(member)) for name, member in zip(CUBE_DIMENSIONS, key[1:], strict=True)]
        for target in ((day, "all", ""), *((day, name, member) for name, member in members)):
            total = sums.get(target)
            if total is None:
                sums[target] = list(values)
            else:
                for i, n in enumerate(values):
                    total[i] += n
    return [(day, month_of(day), dimension, member, *values) for (day, dimension, member), values in sums.items()]


def rebuild_months(session: Session, months: Iterable[date]) -> None:
    """Replace the month facts of ``months`` by the sums of their day facts."""
    dims = (DayFact.department_id, DayFact.region_id, DayFact.category_id, DayFact.type)
    sums = [func.sum(getattr(DayFact, m)) for m in MEASURES]
    target = ["month", "department_id", "region_id", "category_id", "type", *MEASURES]
    cube_sums = [func.sum(getattr(DayCube, m)) for m in MEASURES]
    cube_keys = (DayCube.month, DayCube.dimension, DayCube.key)
    for month in sorted(set(months)):
        session.execute(delete(MonthFact).where(MonthFact.month == month))
        source = select(DayFact.month, *dims, *sums).where(DayFact.month == month).group_by(DayFact.month, *dims)
        session.execute(insert(MonthFact).from_select(target, source))
        session.execute(delete(MonthCube).where(MonthCube.month == month))
        cube = select(*cube_keys, *cube_sums).where(DayCube.month == month).group_by(*cube_keys)
        session.execute(insert(MonthCube).from_select(["month", "dimension", "key", *MEASURES], cube))


def rebuild_days(
    session: Session,
    days: Iterable[date],
    *,
    dims: Dims,
    zone: ZoneInfo,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Replace the facts of ``days`` (any set) and of the months they fall in; returns day-fact rows written.

    ``progress`` is told how many days each step has done (a rebuild of years takes minutes).
    """
    written = 0
    months: set[date] = set()
    for first, end in runs(days):
        written += rebuild_range(session, first=first, end=end, dims=dims, zone=zone)
        months.update(month_of(first + timedelta(days=i)) for i in range((end - first).days))
        if progress:
            progress((end - first).days)
    rebuild_months(session, months)
    return written
