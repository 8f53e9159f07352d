"""Department figures (三率 and the rest) over any period [start, end), exact, from the event history.

The definitions live in ``gongzhi.analytics.definitions`` (one source for these figures and the fact
tables). This module scans raw events, so it answers for arbitrary instants and gives an exact median;
dashboards over days and months read the pre-computed facts of ``gongzhi.analytics`` instead.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongzhi.analytics.definitions import DISPATCH_KINDS, EPISODE_KINDS, episodes, is_happy, rate
from gongzhi.cases.models import CaseEvent, Rating
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
        return rate(self.responded_on_time, self.dispatched)

    @property
    def resolution_rate(self) -> float | None:
        return rate(self.solved, self.rated)

    @property
    def satisfaction_rate(self) -> float | None:
        return rate(self.satisfied, self.rated)

    @property
    def return_rate(self) -> float | None:
        return rate(self.returned, self.dispatched)

    @property
    def overdue_rate(self) -> float | None:
        return rate(self.replied_late, self.replied)

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


def _count_dispatches(session: Session, figures: dict[int, Kpi], start: datetime, end: datetime) -> None:
    """Pair each dispatch made in the period with the department's response and reply (``episodes``)."""
    case_ids = select(CaseEvent.case_id).where(
        CaseEvent.kind.in_(DISPATCH_KINDS), CaseEvent.at >= start, CaseEvent.at < end
    )
    rows = session.scalars(
        select(CaseEvent)
        .where(CaseEvent.case_id.in_(case_ids), CaseEvent.kind.in_(EPISODE_KINDS))
        .order_by(CaseEvent.case_id, CaseEvent.id)
    )
    by_case: dict[int, list[CaseEvent]] = defaultdict(list)
    for event in rows:
        by_case[event.case_id].append(event)
    for history in by_case.values():
        for episode in episodes(history):
            kpi = figures.get(episode.department_id or -1)
            if kpi is None or not start <= episode.dispatched_at < end:
                continue
            kpi.dispatched += 1
            kpi.responded_on_time += episode.answered and episode.responded_on_time
            kpi.returned += episode.returned
            if episode.handling_hours is not None:
                kpi.replied += 1
                kpi.replied_late += episode.replied_late
                kpi.handling_hours.append(episode.handling_hours)


def _count_ratings(session: Session, figures: dict[int, Kpi], start: datetime, end: datetime) -> None:
    ratings = session.scalars(select(Rating).where(Rating.at >= start, Rating.at < end))
    for rating in ratings:
        kpi = figures.get(rating.department_id or -1)
        if kpi is None:
            continue
        kpi.rated += 1
        kpi.solved += rating.solved
        kpi.satisfied += is_happy(rating.satisfaction)
