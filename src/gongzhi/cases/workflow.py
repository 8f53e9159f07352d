"""Use cases of the workflow: each one checks permission and state, records its event, moves the case.

Every function takes the session, the acting person and ``now`` as keywords and runs inside the
caller's transaction; none commits. ``events.apply`` consults the state machine, so an illegal move
raises ``IllegalTransition`` before anything is written.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from gongzhi.accounts.permissions import SYSTEM, Action, Actor, require
from gongzhi.cases import events
from gongzhi.cases.deadlines import start_clocks
from gongzhi.cases.models import (
    Case,
    ExtensionRequest,
    ExtensionStatus,
    Rating,
    Reply,
    Satisfaction,
    Status,
)
from gongzhi.cases.notify import notify_citizen, notify_department, notify_supervisors
from gongzhi.cases.states import Move
from gongzhi.config import Settings
from gongzhi.directory.models import Category, Department, Urgency
from gongzhi.directory.sla import working_calendar
from gongzhi.directory.worktime import Duration, TimeUnit
from gongzhi.errors import Conflict, InvalidInput

REASON_MIN = 4


def _facts(case: Case) -> dict[str, int | None]:
    return {"case_department_id": case.department_id, "case_id": case.id, "case_citizen_id": case.citizen_id}


def _reason(text: str | None, what: str) -> str:
    text = (text or "").strip()
    if len(text) < REASON_MIN:
        raise InvalidInput(f"{what} needs a reason of at least {REASON_MIN} characters", field="reason")
    return text


def assign(
    session: Session,
    case: Case,
    *,
    department: Department,
    actor: Actor,
    now: datetime,
    settings: Settings,
    by_rule: bool = False,
    move: Move = Move.DISPATCH,
) -> None:
    """Give the case to a department and start its clocks (the core of dispatch and arbitration)."""
    event = events.apply(session, case, move, actor=actor, now=now, department_id=department.id)
    case.department = department
    case.department_id = department.id
    case.dispatched_at = now
    start_clocks(session, case, now=now, settings=settings)
    event.data = {
        "department": department.code,
        "by_rule": by_rule,
        "response_due": case.response_due.isoformat() if case.response_due else None,
        "resolution_due": case.resolution_due.isoformat() if case.resolution_due else None,
    }
    notify_department(
        session,
        case=case,
        kind="dispatched",
        message=f"新诉求 {case.tracking_code}：{case.title} / new case assigned to you",
        now=now,
    )


def dispatch(
    session: Session,
    case: Case,
    *,
    department: Department,
    actor: Actor,
    now: datetime,
    settings: Settings,
    category: Category | None = None,
    urgency: Urgency | None = None,
    expected_version: int | None = None,
) -> None:
    require(actor, Action.DISPATCH)
    events.expect_version(case, expected_version)
    if case.needs_arbitration:
        raise Conflict(
            f"case {case.tracking_code} was returned {case.return_count} times; under the first-receiver rule "
            "a supervisor decides who handles it (POST …/arbitrate)"
        )
    if category is not None:
        case.category = category
        case.urgency = category.urgency
    if urgency is not None:
        case.urgency = urgency
    assign(session, case, department=department, actor=actor, now=now, settings=settings)


def arbitrate(
    session: Session,
    case: Case,
    *,
    department: Department,
    actor: Actor,
    now: datetime,
    settings: Settings,
    reason: str | None = None,
    expected_version: int | None = None,
) -> None:
    """A supervisor settles a case that departments keep returning; the chosen one may not return it."""
    require(actor, Action.ARBITRATE)
    events.expect_version(case, expected_version)
    assign(session, case, department=department, actor=actor, now=now, settings=settings, move=Move.ARBITRATE)
    case.needs_arbitration = False
    case.arbitrated = True
    if reason:
        events.note(session, case, "arbitration_reason", actor=actor, now=now, reason=reason)


def accept(session: Session, case: Case, *, actor: Actor, now: datetime, expected_version: int | None = None) -> None:
    require(actor, Action.ACCEPT, **_facts(case))
    events.expect_version(case, expected_version)
    events.apply(session, case, Move.ACCEPT, actor=actor, now=now)
    case.accepted_at = now


def return_case(
    session: Session,
    case: Case,
    *,
    actor: Actor,
    now: datetime,
    reason: str,
    settings: Settings,
    expected_version: int | None = None,
) -> None:
    """退单: the department says the case is not its duty, with the basis, within the response deadline."""
    require(actor, Action.RETURN, **_facts(case))
    events.expect_version(case, expected_version)
    reason = _reason(reason, "a return (退单)")
    if case.arbitrated:
        raise Conflict("a supervisor assigned this case to your department after arbitration; it cannot be returned")
    if case.status is Status.DISPATCHED and case.response_due and now > case.response_due:
        raise Conflict(
            f"the response deadline ({case.response_due.isoformat()}) has passed; a case can only be returned "
            "within it — accept it, or ask a supervisor"
        )
    events.apply(session, case, Move.RETURN, actor=actor, now=now, reason=reason)
    case.return_count += 1
    case.department = None
    case.department_id = None
    case.response_due = case.resolution_due = None
    if case.return_count >= settings.max_returns:
        case.needs_arbitration = True
        notify_supervisors(
            session,
            case=case,
            kind="arbitration_needed",
            message=f"诉求 {case.tracking_code} 已被退单 {case.return_count} 次，请裁定承办单位 / "
            "returned too often: please decide who handles it",
            now=now,
        )


def request_extension(
    session: Session,
    case: Case,
    *,
    actor: Actor,
    now: datetime,
    working_days: int,
    reason: str,
    settings: Settings,
) -> ExtensionRequest:
    require(actor, Action.REQUEST_EXTENSION, **_facts(case))
    reason = _reason(reason, "an extension request")
    if not 1 <= working_days <= settings.max_extension_days:
        raise InvalidInput(f"working_days must be between 1 and {settings.max_extension_days}", field="working_days")
    if _pending_extension(session, case) is not None:
        raise Conflict("an extension request for this case is already waiting for a supervisor")
    events.apply(
        session, case, Move.REQUEST_EXTENSION, actor=actor, now=now, reason=reason, data={"working_days": working_days}
    )
    request = ExtensionRequest(
        case_id=case.id,
        department_id=case.department_id,
        requested_by=actor.user_id,
        working_days=working_days,
        reason=reason,
        status=ExtensionStatus.PENDING,
        requested_at=now,
    )
    session.add(request)
    notify_supervisors(
        session,
        case=case,
        kind="extension_requested",
        message=f"诉求 {case.tracking_code} 申请延期 {working_days} 个工作日 / extension requested",
        now=now,
    )
    return request


def decide_extension(
    session: Session,
    case: Case,
    *,
    actor: Actor,
    now: datetime,
    approve: bool,
    settings: Settings,
    note: str | None = None,
) -> ExtensionRequest:
    require(actor, Action.DECIDE_EXTENSION)
    request = _pending_extension(session, case)
    if request is None:
        raise Conflict("this case has no extension request waiting for a decision")
    events.apply(
        session,
        case,
        Move.DECIDE_EXTENSION,
        actor=actor,
        now=now,
        reason=note,
        data={"approved": approve, "working_days": request.working_days},
    )
    request.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    request.decided_by, request.decided_at, request.decision_note = actor.user_id, now, note
    if approve and case.resolution_due is not None:
        calendar = working_calendar(session, zone=settings.zone)
        case.resolution_due = calendar.add(case.resolution_due, Duration(request.working_days, TimeUnit.WORKING_DAYS))
        case.resolution_warned = case.resolution_escalated = False
    notify_department(
        session,
        case=case,
        kind="extension_decided",
        message=f"诉求 {case.tracking_code} 延期申请{'已批准' if approve else '未批准'}",
        now=now,
    )
    return request


def _pending_extension(session: Session, case: Case) -> ExtensionRequest | None:
    return session.scalar(
        select(ExtensionRequest).where(
            ExtensionRequest.case_id == case.id, ExtensionRequest.status == ExtensionStatus.PENDING
        )
    )


def reply(
    session: Session,
    case: Case,
    *,
    actor: Actor,
    now: datetime,
    text: str,
    public: bool | None = None,
    expected_version: int | None = None,
) -> Reply:
    """答复: published when the citizen allowed publication; every reporter of merged duplicates is told."""
    require(actor, Action.REPLY, **_facts(case))
    events.expect_version(case, expected_version)
    text = (text or "").strip()
    if len(text) < 10:
        raise InvalidInput("a reply must say what was done, in at least 10 characters", field="text")
    is_public = case.is_public if public is None else (public and case.is_public)
    late = case.resolution_due is not None and now > case.resolution_due
    events.apply(session, case, Move.REPLY, actor=actor, now=now, data={"public": is_public, "late": late})
    answer = Reply(
        case_id=case.id,
        department_id=case.department_id,
        author_id=actor.user_id,
        text=text,
        is_public=is_public,
        at=now,
    )
    session.add(answer)
    case.replied_at = now
    _cancel_pending_extension(session, case, now=now)
    for reporter in [case, *merged_into(session, case)]:
        notify_citizen(
            session,
            case=reporter,
            kind="replied",
            message=_answered(case, text),
            now=now,
        )
    return answer


def _cancel_pending_extension(session: Session, case: Case, *, now: datetime) -> None:
    """A request nobody needs to decide any more leaves the supervisors' list."""
    request = _pending_extension(session, case)
    if request is not None:
        request.status = ExtensionStatus.CANCELLED
        request.decided_at = now
        request.decision_note = f"case {case.status.value} before a decision"


def _answered(case: Case, text: str) -> str:
    return f"您的诉求 {case.tracking_code} 已答复 / your case has been answered:\n{text}"


def merged_into(session: Session, case: Case) -> list[Case]:
    return list(session.scalars(select(Case).where(Case.merged_into_id == case.id)))


def rate(
    session: Session,
    case: Case,
    *,
    actor: Actor,
    now: datetime,
    solved: bool,
    satisfaction: Satisfaction,
    settings: Settings,
    comment: str | None = None,
) -> Rating:
    """回访: satisfied closes the case; unsatisfied reopens it, until the reopenings are used up."""
    require(actor, Action.RATE, **_facts(case))
    reopen = satisfaction is Satisfaction.UNSATISFIED and case.reopen_count < settings.max_reopens
    data = {"solved": solved, "satisfaction": satisfaction.value}
    events.apply(session, case, Move.REOPEN if reopen else Move.CLOSE, actor=actor, now=now, reason=comment, data=data)
    rating = Rating(
        case_id=case.id,
        department_id=case.department_id,
        solved=solved,
        satisfaction=satisfaction,
        comment=(comment or "").strip() or None,
        at=now,
    )
    session.add(rating)
    if reopen:
        case.reopen_count += 1
        start_clocks(session, case, now=now, settings=settings, response=False)
        notify_department(
            session,
            case=case,
            kind="reopened",
            message=f"诉求 {case.tracking_code} 市民不满意，已重办 / reopened: {comment or ''}",
            now=now,
        )
    else:
        case.closed_at = now
        if satisfaction is Satisfaction.UNSATISFIED:
            notify_supervisors(
                session,
                case=case,
                kind="closed_unsatisfied",
                message=f"诉求 {case.tracking_code} 重办次数已用完，市民仍不满意",
                now=now,
            )
    return rating


def withdraw(session: Session, case: Case, *, actor: Actor, now: datetime, reason: str | None = None) -> None:
    require(actor, Action.WITHDRAW, **_facts(case))
    events.apply(session, case, Move.WITHDRAW, actor=actor, now=now, reason=reason)
    case.closed_at = now
    _cancel_pending_extension(session, case, now=now)


def invalidate(session: Session, case: Case, *, actor: Actor, now: datetime, reason: str) -> None:
    """无效: spam, abuse, or not a matter for government; the reason is kept."""
    require(actor, Action.INVALIDATE)
    events.apply(session, case, Move.INVALIDATE, actor=actor, now=now, reason=_reason(reason, "marking invalid"))
    case.closed_at = now


def merge(session: Session, duplicate: Case, *, into: Case, actor: Actor, now: datetime) -> None:
    """合并: the duplicate follows the primary case; its reporter will receive the primary's reply."""
    require(actor, Action.MERGE)
    if duplicate.id == into.id:
        raise InvalidInput("a case cannot be merged into itself", field="into")
    if into.status not in {
        Status.SUBMITTED,
        Status.DISPATCHED,
        Status.ACCEPTED,
        Status.RETURNED,
        Status.REOPENED,
        Status.REPLIED,
    }:
        raise Conflict(f"case {into.tracking_code} is {into.status.value}; merge into an open case")
    events.apply(session, duplicate, Move.MERGE, actor=actor, now=now, data={"into": into.tracking_code})
    duplicate.merged_into_id = into.id
    duplicate.closed_at = now
    _cancel_pending_extension(session, duplicate, now=now)
    session.execute(update(Case).where(Case.merged_into_id == duplicate.id).values(merged_into_id=into.id))
    into.supporters += 1 + duplicate.supporters
    events.note(session, into, "merged_in", actor=actor, now=now, data={"from": duplicate.tracking_code})
    notify_citizen(
        session,
        case=duplicate,
        kind="merged",
        message=f"您的诉求 {duplicate.tracking_code} 与 {into.tracking_code} 合并办理 / merged",
        now=now,
    )
    if into.status is Status.REPLIED:  # the answer exists already: the newcomer gets it now
        latest = session.scalar(select(Reply).where(Reply.case_id == into.id).order_by(Reply.id.desc()).limit(1))
        if latest is not None:
            notify_citizen(session, case=duplicate, kind="replied", message=_answered(into, latest.text), now=now)


def supervise(session: Session, case: Case, *, actor: Actor, now: datetime, reason: str) -> None:
    """督办: a supervisor presses the department; recorded and sent to its handlers."""
    require(actor, Action.SUPERVISE)
    reason = _reason(reason, "a supervision order (督办)")
    events.apply(session, case, Move.SUPERVISE, actor=actor, now=now, reason=reason)
    notify_department(
        session, case=case, kind="supervised", message=f"督办：诉求 {case.tracking_code} — {reason}", now=now
    )


def reveal_contact(session: Session, case: Case, *, actor: Actor, now: datetime) -> dict[str, str | None]:
    """Staff see a citizen's contact details only by asking, and each look is recorded."""
    require(actor, Action.VIEW_CONTACT, **_facts(case))
    events.note(session, case, "contact_viewed", actor=actor, now=now)
    return {"name": case.contact_name, "phone": case.contact_phone, "email": case.contact_email}


def auto_close(session: Session, *, now: datetime, settings: Settings) -> int:
    """Close replied cases nobody rated within ``auto_close_days``; the silence counts as no rating."""
    cutoff = now - timedelta(days=settings.auto_close_days)
    stale = list(session.scalars(select(Case).where(Case.status == Status.REPLIED, Case.replied_at <= cutoff)))
    for case in stale:
        events.apply(
            session, case, Move.AUTO_CLOSE, actor=SYSTEM, now=now, data={"after_days": settings.auto_close_days}
        )
        case.closed_at = now
    return len(stale)
