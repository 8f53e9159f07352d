"""Service levels: how fast a case must be answered and resolved, on the working calendar."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from gongzhi.directory.models import Category, Urgency
from gongzhi.directory.snapshot import directory
from gongzhi.directory.worktime import Duration, WorkingCalendar, parse_duration

# DESIGN.md §2 defaults, used where no policy row says otherwise.
DEFAULT_SLA: dict[Urgency, tuple[str, str]] = {
    Urgency.EMERGENCY: ("2h", "24h"),
    Urgency.OUTAGE: ("2h", "24wh"),
    Urgency.NORMAL: ("24wh", "7wd"),
    Urgency.COMPLEX: ("24wh", "15wd"),
}


@dataclass(frozen=True)
class Sla:
    respond: Duration
    resolve: Duration


def sla_for(session: Session, *, category: Category | None, urgency: Urgency) -> Sla:
    """The most specific policy: the category's own, then its parents', then the catch-all, then the default."""
    snapshot = directory(session)
    chain = snapshot.category_chain(category.id) if category else []
    for key in [*chain, None]:
        policy = snapshot.sla.get((urgency, key))
        if policy is not None:
            return Sla(parse_duration(policy[0]), parse_duration(policy[1]))
    respond, resolve = DEFAULT_SLA[urgency]
    return Sla(parse_duration(respond), parse_duration(resolve))


def working_calendar(session: Session, *, zone: ZoneInfo) -> WorkingCalendar:
    """China's official calendar with this jurisdiction's overrides."""
    return directory(session).calendar(zone)
