"""What the performance figures count: one definition, used by the fact tables and by ``cases.kpi``.

Definitions (DESIGN.md §2):
- response rate 响应率 = dispatches answered (accepted or returned) by the response deadline ÷ dispatches;
- resolution rate 解决率 = ratings saying "solved" ÷ ratings (cases followed up);
- satisfaction rate 满意率 = satisfied or basically satisfied ÷ ratings;
- return rate 退单率 = returns ÷ dispatches;
- overdue rate = first replies given after the resolution deadline ÷ first replies;
- median handling time = median hours from the dispatch to the department to its first reply.

A dispatch (or a supervisor's arbitration) opens an *episode* of one department with the case; the
department's first accept or return answers it, its first reply closes its handling. Dispatch-based
figures belong to the day of the dispatch, with the outcome that came later; rating-based figures
belong to the day of the rating. A rate whose denominator is zero is ``None`` (no data), never 0 or 1.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from gongzhi.cases.models import CaseEvent, Satisfaction
from gongzhi.cases.states import Move

DISPATCH_KINDS = (Move.DISPATCH.value, Move.ARBITRATE.value)
RESPONSE_KINDS = (Move.ACCEPT.value, Move.RETURN.value)
EPISODE_KINDS = (*DISPATCH_KINDS, *RESPONSE_KINDS, Move.REPLY.value)
HAPPY = (Satisfaction.SATISFIED, Satisfaction.BASIC)


@dataclass
class Episode:
    """One department's turn with a case, from its dispatch to its first reply (or return)."""

    case_id: int
    department_id: int | None
    dispatched_at: datetime
    answered: bool = False
    responded_on_time: bool = False
    returned: bool = False
    replied_at: datetime | None = None
    replied_late: bool = False

    @property
    def handling_hours(self) -> float | None:
        if self.replied_at is None:
            return None
        return (self.replied_at - self.dispatched_at).total_seconds() / 3600


def episodes(history: Iterable[CaseEvent]) -> list[Episode]:
    """The episodes of one case, from its events in id order (other kinds of events are ignored)."""
    found: list[Episode] = []
    current: Episode | None = None
    due: datetime | None = None
    for event in history:
        if event.kind in DISPATCH_KINDS:
            current = Episode(case_id=event.case_id, department_id=event.department_id, dispatched_at=event.at)
            found.append(current)
            raw = (event.data or {}).get("response_due")
            due = datetime.fromisoformat(raw) if raw else None
            continue
        if current is None or event.department_id != current.department_id:
            continue
        if event.kind in RESPONSE_KINDS and not current.answered:
            current.answered = True
            current.responded_on_time = due is None or event.at <= due
            if event.kind == Move.RETURN.value:
                current.returned = True
                current = None
        elif event.kind == Move.REPLY.value and current.replied_at is None:
            current.replied_at = event.at
            current.replied_late = bool((event.data or {}).get("late"))
    return found


def is_happy(satisfaction: Satisfaction | str) -> bool:
    """Satisfied or basically satisfied: what the satisfaction rate counts."""
    return Satisfaction(satisfaction) in HAPPY


def rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
