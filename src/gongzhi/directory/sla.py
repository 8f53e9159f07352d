"""Service levels: how fast a case must be answered and resolved, on the working calendar."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongzhi.directory.lookup import ancestors
from gongzhi.directory.models import CalendarOverride, Category, SlaPolicy, Urgency
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
    chain = ancestors(category) if category else []
    policies = {
        p.category_id: p
        for p in session.scalars(
            select(SlaPolicy).where(
                SlaPolicy.urgency == urgency,
                SlaPolicy.category_id.in_([c.id for c in chain]) | SlaPolicy.category_id.is_(None),
            )
        )
    }
    for key in [*(c.id for c in chain), None]:
        if key in policies:
            return Sla(parse_duration(policies[key].respond), parse_duration(policies[key].resolve))
    respond, resolve = DEFAULT_SLA[urgency]
    return Sla(parse_duration(respond), parse_duration(resolve))


def working_calendar(session: Session, *, zone: ZoneInfo) -> WorkingCalendar:
    """China's official calendar with this jurisdiction's overrides."""
    overrides = {o.day: o.is_working_day for o in session.scalars(select(CalendarOverride))}
    return WorkingCalendar(tz=zone, overrides=overrides)
