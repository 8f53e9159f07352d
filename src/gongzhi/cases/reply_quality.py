"""The reply check of a case: ``text.replycheck`` with the case's own text, clock and deadline."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from gongzhi.cases.models import Case
from gongzhi.config import Settings
from gongzhi.directory.sla import working_calendar
from gongzhi.directory.worktime import TimeUnit
from gongzhi.text.replycheck import ReplyCheck, check_reply

DEFAULT_DEADLINE_DAYS = 7.0  # DESIGN.md §2: resolve within 7 working days in general


def check_case_reply(session: Session, case: Case, *, text: str, now: datetime, settings: Settings) -> ReplyCheck:
    """Scores of ``text`` as the reply to ``case`` sent ``now``; timeliness against the case's resolution deadline."""
    calendar = working_calendar(session, zone=settings.zone)
    start = case.resolution_started_at or case.submitted_at
    deadline = DEFAULT_DEADLINE_DAYS
    if case.resolution_due is not None:
        deadline = max(
            1.0, calendar.elapsed(start, case.resolution_due, TimeUnit.WORKING_HOURS).total_seconds() / 86400
        )
    return check_reply(
        case.title, case.content, text, asked_at=start, replied_at=now, calendar=calendar, deadline_days=deadline
    )
