"""Response and resolution deadlines in working time, and the sweep that warns and escalates.

The sweep is idempotent: each case carries whether it was already warned or escalated for each
deadline, so running it every minute, twice, or after a week of downtime records each warning once.
It takes ``now`` as a parameter; tests move time, production passes the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from gongzhi.accounts.permissions import SYSTEM
from gongzhi.cases import events
from gongzhi.cases.models import Case, Status
from gongzhi.cases.notify import notify_department, notify_supervisors
from gongzhi.config import Settings
from gongzhi.directory.sla import sla_for, working_calendar
from gongzhi.directory.worktime import TimeUnit, WorkingCalendar

AWAITING_RESPONSE = (Status.DISPATCHED,)
AWAITING_RESOLUTION = (Status.DISPATCHED, Status.ACCEPTED, Status.REOPENED)


def start_clocks(session: Session, case: Case, *, now: datetime, settings: Settings, response: bool = True) -> None:
    """Set the deadlines of a case that a department has just received (or received again)."""
    calendar = working_calendar(session, zone=settings.zone)
    sla = sla_for(session, category=case.category, urgency=case.urgency)
    if response:
        case.response_due = calendar.add(now, sla.respond)
        case.response_unit = sla.respond.unit.value
        case.response_warned = case.response_escalated = False
    case.resolution_started_at = now
    case.resolution_due = calendar.add(now, sla.resolve)
    case.resolution_unit = sla.resolve.unit.value
    case.resolution_warned = case.resolution_escalated = False


@dataclass
class SweepResult:
    warned: int = 0
    escalated: int = 0


def sweep(session: Session, *, now: datetime, settings: Settings) -> SweepResult:
    """Warn at ``settings.warning_fraction`` of each running deadline, escalate when it passes."""
    calendar = working_calendar(session, zone=settings.zone)
    result = SweepResult()
    for case in _running(session):
        _check_deadline(session, case, "response", calendar=calendar, now=now, settings=settings, result=result)
        _check_deadline(session, case, "resolution", calendar=calendar, now=now, settings=settings, result=result)
    return result


def _running(session: Session) -> list[Case]:
    return list(
        session.scalars(
            select(Case).where(
                Case.status.in_(AWAITING_RESOLUTION),
                or_(~Case.response_escalated, ~Case.resolution_escalated),
            )
        )
    )


def _check_deadline(
    session: Session,
    case: Case,
    which: str,
    *,
    calendar: WorkingCalendar,
    now: datetime,
    settings: Settings,
    result: SweepResult,
) -> None:
    if which == "response" and case.status not in AWAITING_RESPONSE:
        return
    due: datetime | None = getattr(case, f"{which}_due")
    start = case.dispatched_at if which == "response" else case.resolution_started_at
    unit = TimeUnit(getattr(case, f"{which}_unit") or TimeUnit.WORKING_HOURS)
    if due is None or start is None or getattr(case, f"{which}_escalated"):
        return
    if now >= due:
        _escalate(session, case, which, due=due, now=now)
        result.escalated += 1
    elif (
        not getattr(case, f"{which}_warned")
        and calendar.fraction_elapsed(start, due, now, unit) >= settings.warning_fraction
    ):
        _warn(session, case, which, due=due, now=now)
        result.warned += 1


def _warn(session: Session, case: Case, which: str, *, due: datetime, now: datetime) -> None:
    setattr(case, f"{which}_warned", True)
    events.note(session, case, "warning", actor=SYSTEM, now=now, data={"deadline": which, "due": due.isoformat()})
    notify_department(
        session,
        case=case,
        kind="deadline_warning",
        message=f"诉求 {case.tracking_code} 的{_LABEL[which]}期限将于 {due.isoformat()} 到期 / "
        f"the {which} deadline of case {case.tracking_code} is near ({due.isoformat()})",
        now=now,
    )


def _escalate(session: Session, case: Case, which: str, *, due: datetime, now: datetime) -> None:
    setattr(case, f"{which}_warned", True)
    setattr(case, f"{which}_escalated", True)
    events.note(session, case, "escalation", actor=SYSTEM, now=now, data={"deadline": which, "due": due.isoformat()})
    notify_supervisors(
        session,
        case=case,
        kind="deadline_escalation",
        message=f"诉求 {case.tracking_code} 已超过{_LABEL[which]}期限（{due.isoformat()}），请督办 / "
        f"case {case.tracking_code} is past its {which} deadline ({due.isoformat()}); please supervise",
        now=now,
    )


_LABEL = {"response": "响应", "resolution": "办理"}
