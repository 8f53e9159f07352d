"""Keeping the facts up to date: recompute only the days that new case events touched.

Every change to a case writes a ``CaseEvent`` (``cases/events.py``), and event ids only grow, so
the last event id seen is a watermark. A refresh takes the cases of the events after it and
recomputes every day on which any of those cases has an event: a case's contributions are anchored
on the days of its own events (submission, dispatch, rating, closing), so that set of days holds
every fact the case may have changed — including the old days of a case whose category or
department changed since.

On PostgreSQL a transaction holding a smaller id can commit after a larger id is already visible;
ids missing below the watermark are remembered (``pending_ids``) and looked at again on the next
refreshes, for ``PENDING_FOR`` at most (rolled-back transactions leave gaps that never fill).

Refreshes serialise on the state row (``SELECT … FOR UPDATE``; SQLite has one writer anyway).
Changing the time zone rebuilds everything, since days are local days.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from gongzhi.analytics import dims as dimensions
from gongzhi.analytics.facts import rebuild_days
from gongzhi.analytics.models import AnalyticsState, DayCube, DayFact, MonthCube, MonthFact, RegionVolume
from gongzhi.cases.models import CaseEvent

PENDING_FOR = timedelta(hours=1)
MAX_PENDING = 10_000
_BATCH = 5_000  # case ids per IN (…) list


@dataclass
class RefreshReport:
    full: bool = False
    events: int = 0  # new events looked at
    cases: int = 0  # cases they belong to
    days: int = 0  # days recomputed
    rows: int = 0  # day-fact rows written
    last_event_id: int = 0


def _state(session: Session) -> AnalyticsState:
    state = session.get(AnalyticsState, 1, with_for_update=True)
    if state is None:
        state = AnalyticsState(id=1, last_event_id=0, pending_ids=[], zone="")
        session.add(state)
        session.flush()
    return state


def refresh(session: Session, *, zone: ZoneInfo, now: datetime) -> RefreshReport:
    """Bring the facts up to date with every case event committed so far (the worker calls this)."""
    state = _state(session)
    if state.last_event_id == 0 or state.zone != zone.key:
        return rebuild(session, zone=zone, now=now)
    top = session.scalar(select(func.max(CaseEvent.id))) or 0
    report = RefreshReport(last_event_id=max(top, state.last_event_id))
    pending = {int(i): when for i, when in state.pending_ids}
    seen: set[int] = set()
    cases: set[int] = set()
    if top > state.last_event_id:
        rows = session.execute(select(CaseEvent.id, CaseEvent.case_id).where(CaseEvent.id > state.last_event_id))
        for event_id, case_id in rows:
            seen.add(event_id)
            cases.add(case_id)
    if pending:
        found = session.execute(select(CaseEvent.id, CaseEvent.case_id).where(CaseEvent.id.in_(list(pending))))
        for event_id, case_id in found:
            seen.add(event_id)
            cases.add(case_id)
            pending.pop(event_id, None)
    if len(seen) < top - state.last_event_id:  # gaps below the new watermark: maybe still in flight
        missing = set(range(state.last_event_id + 1, top + 1)) - seen
        pending.update({i: now.isoformat() for i in sorted(missing)[:MAX_PENDING]})
    report.events, report.cases = len(seen), len(cases)
    days = _days_of(session, cases, zone)
    report.days = len(days)
    report.rows = rebuild_days(session, days, dims=dimensions.load(session), zone=zone)
    state.last_event_id = report.last_event_id
    state.pending_ids = [[i, when] for i, when in pending.items() if now - datetime.fromisoformat(when) < PENDING_FOR]
    state.refreshed_at = now
    return report


def _days_of(session: Session, cases: set[int], zone: ZoneInfo) -> set[date]:
    """The local days on which any of ``cases`` has an event."""
    days: set[date] = set()
    ordered = sorted(cases)
    for i in range(0, len(ordered), _BATCH):
        batch = ordered[i : i + _BATCH]
        query = select(CaseEvent.at).where(CaseEvent.case_id.in_(batch)).distinct()
        days.update(at.astimezone(zone).date() for at in session.scalars(query))
    return days


def rebuild(
    session: Session, *, zone: ZoneInfo, now: datetime, progress: Callable[[int, int], None] | None = None
) -> RefreshReport:
    """Recompute every fact from scratch (first run, a new time zone, or by hand after repairs)."""
    state = _state(session)
    top = session.scalar(select(func.max(CaseEvent.id))) or 0
    first, last = session.execute(select(func.min(CaseEvent.at), func.max(CaseEvent.at))).one()
    for table in (DayFact, MonthFact, DayCube, MonthCube, RegionVolume):
        session.execute(delete(table))
    report = RefreshReport(full=True, last_event_id=top)
    if first is not None:
        start, end = first.astimezone(zone).date(), last.astimezone(zone).date()
        days = [start + timedelta(days=i) for i in range((end - start).days + 1)]
        report.days = len(days)
        step = (lambda n: progress(n, len(days))) if progress else None
        report.rows = rebuild_days(session, days, dims=dimensions.load(session), zone=zone, progress=step)
        report.events = top
    state.last_event_id, state.pending_ids, state.zone, state.refreshed_at = top, [], zone.key, now
    return report
