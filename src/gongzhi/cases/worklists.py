"""Work lists behind the web pages: the dispatcher's queue, a department's inbox, the supervisor's desk,
and the live figures of the home page. Read-only queries; the workflow lives in ``workflow``."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from gongzhi.cases.models import Case, CaseEvent, ExtensionRequest, ExtensionStatus, Rating, Satisfaction, Status
from gongzhi.cases.queries import Page
from gongzhi.cases.states import Move

RUNNING = (Status.DISPATCHED, Status.ACCEPTED, Status.REOPENED)
NEAR = timedelta(hours=24)  # "near the deadline" also when less than this is left, before the worker warns


@dataclass(frozen=True)
class Figures:
    """The home page's live figures: cases this month, and reply and satisfaction rates of the last 30 days."""

    cases_this_month: int
    reply_rate: float | None
    satisfaction_rate: float | None


def home_figures(session: Session, *, now: datetime, zone: ZoneInfo) -> Figures:
    month_start = now.astimezone(zone).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    this_month = session.scalar(select(func.count(Case.id)).where(Case.submitted_at >= month_start)) or 0
    since = now - timedelta(days=30)
    counted = Case.status.notin_([Status.INVALID, Status.WITHDRAWN, Status.MERGED])
    dispatched = session.scalar(select(func.count(Case.id)).where(Case.dispatched_at >= since, counted)) or 0
    replied = (
        session.scalar(
            select(func.count(Case.id)).where(Case.dispatched_at >= since, counted, Case.replied_at.is_not(None))
        )
        or 0
    )
    rated = session.scalar(select(func.count(Rating.id)).where(Rating.at >= since)) or 0
    happy = (
        session.scalar(
            select(func.count(Rating.id)).where(
                Rating.at >= since, Rating.satisfaction.in_([Satisfaction.SATISFIED, Satisfaction.BASIC])
            )
        )
        or 0
    )
    return Figures(this_month, _rate(replied, dispatched), _rate(happy, rated))


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


class QueueTab(enum.StrEnum):
    NEW = "new"  # submitted, with a category but no rule that routes it
    UNCLASSIFIED = "unclassified"  # submitted without a category
    RETURNED = "returned"  # back from a department, the dispatcher decides again


def _queue_condition(tab: QueueTab) -> ColumnElement[bool]:
    if tab is QueueTab.NEW:
        return and_(Case.status == Status.SUBMITTED, Case.category_id.is_not(None))
    if tab is QueueTab.UNCLASSIFIED:
        return and_(Case.status == Status.SUBMITTED, Case.category_id.is_(None))
    return and_(Case.status == Status.RETURNED, Case.needs_arbitration.is_(False))


class InboxTab(enum.StrEnum):
    TO_ACCEPT = "to_accept"
    IN_PROGRESS = "in_progress"
    NEAR_DEADLINE = "near_deadline"
    OVERDUE = "overdue"


def _overdue(now: datetime) -> ColumnElement[bool]:
    late_response = and_(Case.status == Status.DISPATCHED, Case.response_due < now)
    late_resolution = and_(Case.status.in_(RUNNING), Case.resolution_due < now)
    return or_(late_response, late_resolution)


def _near(now: datetime) -> ColumnElement[bool]:
    soon = or_(Case.resolution_due < now + NEAR, Case.resolution_warned, Case.response_warned)
    return and_(Case.status.in_(RUNNING), soon, ~_overdue(now))


def _inbox_condition(tab: InboxTab, now: datetime) -> ColumnElement[bool]:
    if tab is InboxTab.TO_ACCEPT:
        return Case.status.in_([Status.DISPATCHED, Status.REOPENED])
    if tab is InboxTab.IN_PROGRESS:
        return Case.status == Status.ACCEPTED
    if tab is InboxTab.NEAR_DEADLINE:
        return _near(now)
    return _overdue(now)


def _page(session: Session, condition: ColumnElement[bool], page: int, per_page: int, *, oldest_first: bool) -> Page:
    total = session.scalar(select(func.count(Case.id)).where(condition)) or 0
    order = (Case.submitted_at, Case.id) if oldest_first else (Case.submitted_at.desc(), Case.id.desc())
    rows = session.scalars(select(Case).where(condition).order_by(*order).offset((page - 1) * per_page).limit(per_page))
    return Page(items=list(rows.unique()), total=total, page=page, per_page=per_page)


def dispatch_queue(session: Session, *, tab: QueueTab, page: int = 1, per_page: int = 20) -> Page:
    """The dispatcher's queue, oldest first: whoever waited longest comes first."""
    return _page(session, _queue_condition(tab), page, per_page, oldest_first=True)


def queue_counts(session: Session) -> dict[QueueTab, int]:
    return {tab: session.scalar(select(func.count(Case.id)).where(_queue_condition(tab))) or 0 for tab in QueueTab}


def inbox(
    session: Session, *, department_id: int, tab: InboxTab, now: datetime, page: int = 1, per_page: int = 20
) -> Page:
    condition = and_(Case.department_id == department_id, _inbox_condition(tab, now))
    return _page(session, condition, page, per_page, oldest_first=True)


def inbox_counts(session: Session, *, department_id: int, now: datetime) -> dict[InboxTab, int]:
    return {
        tab: session.scalar(
            select(func.count(Case.id)).where(Case.department_id == department_id, _inbox_condition(tab, now))
        )
        or 0
        for tab in InboxTab
    }


def overdue_cases(session: Session, *, now: datetime, limit: int = 50) -> list[Case]:
    """Cases past a deadline, the most overdue first."""
    query = select(Case).where(_overdue(now)).order_by(Case.resolution_due, Case.id).limit(limit)
    return list(session.scalars(query).unique())


def warned_cases(session: Session, *, now: datetime, limit: int = 50) -> list[Case]:
    """Cases the worker warned about (80 % of a deadline) that are not yet overdue."""
    warned = and_(Case.status.in_(RUNNING), or_(Case.resolution_warned, Case.response_warned), ~_overdue(now))
    return list(session.scalars(select(Case).where(warned).order_by(Case.resolution_due).limit(limit)).unique())


def to_arbitrate(session: Session, *, limit: int = 50) -> list[Case]:
    """Cases returned so often that a supervisor must decide who handles them (首接负责)."""
    query = select(Case).where(Case.needs_arbitration, Case.status == Status.RETURNED).order_by(Case.updated_at)
    return list(session.scalars(query.limit(limit)).unique())


def pending_extensions(session: Session) -> list[tuple[ExtensionRequest, Case]]:
    query = (
        select(ExtensionRequest, Case)
        .join(Case, Case.id == ExtensionRequest.case_id)
        .where(ExtensionRequest.status == ExtensionStatus.PENDING)
        .order_by(ExtensionRequest.requested_at)
    )
    return [(request, case) for request, case in session.execute(query).unique()]


def supervision_orders(session: Session, *, limit: int = 20) -> list[tuple[CaseEvent, Case]]:
    """The latest 督办 orders, newest first."""
    query = (
        select(CaseEvent, Case)
        .join(Case, Case.id == CaseEvent.case_id)
        .where(CaseEvent.kind == Move.SUPERVISE.value)
        .order_by(CaseEvent.at.desc(), CaseEvent.id.desc())
        .limit(limit)
    )
    return [(event, case) for event, case in session.execute(query).unique()]


def pending_extension_of(session: Session, case: Case) -> ExtensionRequest | None:
    return session.scalar(
        select(ExtensionRequest).where(
            ExtensionRequest.case_id == case.id, ExtensionRequest.status == ExtensionStatus.PENDING
        )
    )
