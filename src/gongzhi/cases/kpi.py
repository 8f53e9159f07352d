"""Department figures (三率 and the rest), from the event history of a period.

Definitions (DESIGN.md §2), for a department and a period [start, end):
- response rate 响应率 = dispatches answered (accepted or returned) by the response deadline ÷ dispatches;
- resolution rate 解决率 = ratings saying "solved" ÷ ratings (cases followed up);
- satisfaction rate 满意率 = satisfied or basically satisfied ÷ ratings;
- return rate 退单率 = returns ÷ dispatches;
- overdue rate = first replies given after the resolution deadline ÷ first replies;
- median handling time = median hours from the dispatch to the department to its first reply.
Dispatch-based figures follow the cohort of dispatches made in the period (their answers may come
later); rating-based figures count the ratings given in the period.
A rate whose denominator is zero is ``None`` (no data), never 0 % or 100 %.

The analytics issue replaces these scans with pre-computed fact tables; the definitions stay here.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongzhi.cases.models import CaseEvent, Rating, Satisfaction
from gongzhi.cases.states import Move
from gongzhi.directory.models import Department
from gongzhi.errors import InvalidInput


@dataclass
class Kpi:
    department: str
    department_name: str
    dispatched: int = 0
    responded_on_time: int = 0
    returned: int = 0
    replied: int = 0
    replied_late: int = 0
    rated: int = 0
    solved: int = 0
    satisfied: int = 0
    handling_hours: list[float] = field(default_factory=list, repr=False)

    @property
    def response_rate(self) -> float | None:
        return _rate(self.responded_on_time, self.dispatched)

    @property
    def resolution_rate(self) -> float | None:
        return _rate(self.solved, self.rated)

    @property
    def satisfaction_rate(self) -> float | None:
        return _rate(self.satisfied, self.rated)

    @property
    def return_rate(self) -> float | None:
        return _rate(self.returned, self.dispatched)

    @property
    def overdue_rate(self) -> float | None:
        return _rate(self.replied_late, self.replied)

    @property
    def median_handling_hours(self) -> float | None:
        return round(statistics.median(self.handling_hours), 2) if self.handling_hours else None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("handling_hours")
        for name in (
            "response_rate",
            "resolution_rate",
            "satisfaction_rate",
            "return_rate",
            "overdue_rate",
            "median_handling_hours",
        ):
            data[name] = getattr(self, name)
        return data


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def department_kpis(session: Session, *, start: datetime, end: datetime, department_id: int | None = None) -> list[Kpi]:
    if end <= start:
        raise InvalidInput("the period must end after it starts", field="to")
    departments = list(session.scalars(select(Department).order_by(Department.code)))
    figures = {
        d.id: Kpi(department=d.code, department_name=d.name)
        for d in departments
        if department_id is None or d.id == department_id
    }
    _count_dispatches(session, figures, start, end)
    _count_ratings(session, figures, start, end)
    return list(figures.values())


_DISPATCH = (Move.DISPATCH.value, Move.ARBITRATE.value)
_RESPONSE = (Move.ACCEPT.value, Move.RETURN.value)


def _count_dispatches(session: Session, figures: dict[int, Kpi], start: datetime, end: datetime) -> None:
    """Walk each case's events in order, pairing dispatches with the department's response and reply."""
    case_ids = select(CaseEvent.case_id).where(CaseEvent.kind.in_(_DISPATCH), CaseEvent.at >= start, CaseEvent.at < end)
    rows = session.scalars(
        select(CaseEvent).where(CaseEvent.case_id.in_(case_ids)).order_by(CaseEvent.case_id, CaseEvent.id)
    )
    by_case: dict[int, list[CaseEvent]] = defaultdict(list)
    for event in rows:
        by_case[event.case_id].append(event)
    for history in by_case.values():
        _walk(history, figures, start, end)


def _walk(history: list[CaseEvent], figures: dict[int, Kpi], start: datetime, end: datetime) -> None:
    dispatch: CaseEvent | None = None
    answered = replied = False
    for event in history:
        if event.kind in _DISPATCH:
            dispatch = event if start <= event.at < end else None
            answered = replied = False
            if dispatch is not None and dispatch.department_id in figures:
                figures[dispatch.department_id].dispatched += 1
            continue
        if dispatch is None or event.department_id != dispatch.department_id or event.department_id not in figures:
            continue
        kpi = figures[event.department_id]
        if event.kind in _RESPONSE and not answered:
            answered = True
            due = dispatch.data.get("response_due")
            kpi.responded_on_time += due is None or event.at <= datetime.fromisoformat(due)
            if event.kind == Move.RETURN.value:
                kpi.returned += 1
                dispatch = None
        elif event.kind == Move.REPLY.value and not replied:
            replied = True
            kpi.replied += 1
            kpi.replied_late += bool(event.data.get("late"))
            kpi.handling_hours.append((event.at - dispatch.at).total_seconds() / 3600)


def _count_ratings(session: Session, figures: dict[int, Kpi], start: datetime, end: datetime) -> None:
    ratings = session.scalars(select(Rating).where(Rating.at >= start, Rating.at < end))
    for rating in ratings:
        kpi = figures.get(rating.department_id or -1)
        if kpi is None:
            continue
        kpi.rated += 1
        kpi.solved += rating.solved
        kpi.satisfied += rating.satisfaction in (Satisfaction.SATISFIED, Satisfaction.BASIC)
