"""The cases behind a figure: what a chart or table cell counted, as a list a supervisor can open.

Each metric is selected the way the facts count it (``definitions.py``): received cases by the day of
submission and their current department; dispatch outcomes by the day of the dispatch and the
department dispatched to; ratings by the day of the rating; reopenings and closings by their day.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from gongzhi.analytics.definitions import DISPATCH_KINDS, Episode, episodes
from gongzhi.analytics.dims import Dims, load
from gongzhi.analytics.facts import day_bounds, histories
from gongzhi.analytics.periods import Period
from gongzhi.analytics.queries import Filter
from gongzhi.cases.models import Case, CaseEvent, Rating, Satisfaction
from gongzhi.cases.queries import Page
from gongzhi.cases.states import Move
from gongzhi.errors import InvalidInput

METRICS = (
    "received",
    "dispatched",
    "late_response",
    "returned",
    "replied_late",
    "rated",
    "unsolved",
    "unsatisfied",
    "reopened",
    "closed",
)
_EPISODE_TEST: dict[str, Callable[[Episode], bool]] = {
    "dispatched": lambda e: True,
    "late_response": lambda e: not (e.answered and e.responded_on_time),
    "returned": lambda e: e.returned,
    "replied_late": lambda e: e.replied_at is not None and e.replied_late,
}
MAX_PER_PAGE = 100


def _case_filters(query: Select, dims: Dims, where: Filter) -> Select:
    if where.region:
        query = query.where(Case.region_id.in_(dims.subtree("region", dims.find("region", where.region).id)))
    if where.category:
        root = dims.find("category", where.category).id
        query = query.where(Case.category_id.in_(dims.subtree("category", root)))
    if where.type:
        query = query.where(Case.type == where.type)
    return query


def _department(dims: Dims, where: Filter) -> int | None:
    return dims.find("department", where.department).id if where.department else None


def case_ids(session: Session, *, metric: str, period: Period, where: Filter, zone: ZoneInfo) -> list[int]:
    """Ids of the cases behind ``metric`` in the period, newest first."""
    if metric not in METRICS:
        raise InvalidInput(f"unknown figure {metric!r}; use one of: {', '.join(METRICS)}", field="metric")
    dims = load(session)
    start, stop = day_bounds(period.start, period.end, zone)
    department = _department(dims, where)
    if metric in _EPISODE_TEST:
        return _episode_cases(session, metric, start, stop, department, dims, where)
    if metric == "received":
        query = select(Case.id).where(Case.submitted_at >= start, Case.submitted_at < stop)
        if department is not None:
            query = query.where(Case.department_id == department)
    elif metric in ("rated", "unsolved", "unsatisfied"):
        query = select(Rating.case_id).join(Case, Case.id == Rating.case_id).where(Rating.at >= start, Rating.at < stop)
        if department is not None:
            query = query.where(Rating.department_id == department)
        if metric == "unsolved":
            query = query.where(Rating.solved.is_(False))
        if metric == "unsatisfied":
            query = query.where(Rating.satisfaction == Satisfaction.UNSATISFIED)
    else:
        kinds = (Move.REOPEN.value,) if metric == "reopened" else (Move.CLOSE.value, Move.AUTO_CLOSE.value)
        query = (
            select(CaseEvent.case_id)
            .join(Case, Case.id == CaseEvent.case_id)
            .where(CaseEvent.kind.in_(kinds), CaseEvent.at >= start, CaseEvent.at < stop)
        )
        if department is not None:
            query = query.where(CaseEvent.department_id == department)
    ids = set(session.scalars(_case_filters(query, dims, where)))
    return sorted(ids, reverse=True)


def _episode_cases(
    session: Session, metric: str, start: datetime, stop: datetime, department: int | None, dims: Dims, where: Filter
) -> list[int]:
    dispatched = (
        select(CaseEvent.case_id)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.kind.in_(DISPATCH_KINDS), CaseEvent.at >= start, CaseEvent.at < stop)
    )
    if department is not None:
        dispatched = dispatched.where(CaseEvent.department_id == department)
    candidates = session.scalars(_case_filters(dispatched, dims, where).distinct())
    by_case = histories(session, candidates)
    test = _EPISODE_TEST[metric]
    found = [
        case_id
        for case_id, events in by_case.items()
        if any(
            start <= e.dispatched_at < stop and (department is None or e.department_id == department) and test(e)
            for e in episodes(events)
        )
    ]
    return sorted(found, reverse=True)


def cases_behind(
    session: Session,
    *,
    metric: str,
    period: Period,
    where: Filter,
    zone: ZoneInfo,
    page: int = 1,
    per_page: int = 20,
) -> Page:
    """One page of the cases behind a figure."""
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidInput(f"per_page must be between 1 and {MAX_PER_PAGE}", field="per_page")
    ids = case_ids(session, metric=metric, period=period, where=where, zone=zone)
    chosen = ids[(page - 1) * per_page : page * per_page]
    rows = {c.id: c for c in session.scalars(select(Case).where(Case.id.in_(chosen))).unique()} if chosen else {}
    return Page(items=[rows[i] for i in chosen if i in rows], total=len(ids), page=page, per_page=per_page)
