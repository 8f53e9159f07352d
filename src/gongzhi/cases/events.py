"""The one place where a case changes: the state machine is asked, the event is written, the row follows.

Everything that happens to a case goes through ``apply`` (or ``note`` for events that leave the
state as it is), in the caller's transaction, so the case row, its event and (later) its ledger
entry commit together or not at all: every event written here is handed to ``ledger.caselog.track``,
which appends its entry when the transaction commits.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from gongzhi.accounts.permissions import Actor
from gongzhi.cases.models import Case, CaseEvent
from gongzhi.cases.states import Move, check
from gongzhi.errors import StaleState
from gongzhi.ledger import caselog


def expect_version(case: Case, expected: int | None) -> None:
    """Refuse to act on a case that changed since the caller read it (optimistic locking)."""
    if expected is not None and expected != case.version:
        raise StaleState(
            f"case {case.tracking_code} changed since you loaded it (version {expected}, now {case.version}); "
            "reload it and try again"
        )


def apply(
    session: Session,
    case: Case,
    move: Move,
    *,
    actor: Actor,
    now: datetime,
    reason: str | None = None,
    department_id: int | None = None,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """Check ``move`` against the state machine, record it, and move the case."""
    before = case.status
    after = check(move, before)
    event = CaseEvent(
        case=case,
        kind=move.value,
        from_status=before,
        to_status=after,
        actor_id=actor.user_id,
        actor_role=actor.label,
        department_id=department_id if department_id is not None else case.department_id,
        at=now,
        reason=reason,
        data=data or {},
    )
    _write(session, case, event)
    case.status = after
    case.updated_at = now
    return event


def record_submission(session: Session, case: Case, *, actor: Actor, now: datetime) -> CaseEvent:
    """The first event of every case; no state machine check, the case is born submitted."""
    event = CaseEvent(
        case=case,
        kind="submit",
        from_status=None,
        to_status=case.status,
        actor_id=actor.user_id,
        actor_role=actor.label,
        at=now,
        data={"channel": case.channel.value},
    )
    _write(session, case, event)
    return event


def note(
    session: Session,
    case: Case,
    kind: str,
    *,
    actor: Actor,
    now: datetime,
    reason: str | None = None,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    """An event that does not change the state (warning, escalation, contact viewed …)."""
    event = CaseEvent(
        case=case,
        kind=kind,
        from_status=case.status,
        to_status=case.status,
        actor_id=actor.user_id,
        actor_role=actor.label,
        department_id=case.department_id,
        at=now,
        reason=reason,
        data=data or {},
    )
    _write(session, case, event)
    return event


def _write(session: Session, case: Case, event: CaseEvent) -> None:
    """Add the event, and have its ledger entry appended in the same transaction."""
    session.add(event)
    caselog.track(session, case, event)
