"""The case workflow as one table: which action may move a case from which state to which.

    submitted ─dispatch─▶ dispatched ─accept─▶ accepted ─reply─▶ replied ─rate (satisfied)─▶ closed
        │                   │  ▲                  ▲                 │
        │                 return│ dispatch         │ accept          ├─rate (unsatisfied)─▶ reopened ─reply─▶ replied
        │                   ▼  │                  │                 └─auto_close─▶ closed
        │                 returned ───────────────┘ (arbitrate: a supervisor assigns after too many returns)
        └──── withdraw / invalidate / merge from any open state ────▶ withdrawn / invalid / merged

Every function in ``workflow`` asks ``check`` first, so no code path can skip the table.
"""

from __future__ import annotations

import enum

from gongzhi.cases.models import Status
from gongzhi.errors import IllegalTransition


class Move(enum.StrEnum):
    DISPATCH = "dispatch"
    ARBITRATE = "arbitrate"
    ACCEPT = "accept"
    RETURN = "return"
    REPLY = "reply"
    CLOSE = "close"  # rated satisfied, or unsatisfied once reopenings are used up
    REOPEN = "reopen"
    AUTO_CLOSE = "auto_close"
    WITHDRAW = "withdraw"
    INVALIDATE = "invalidate"
    MERGE = "merge"
    # events that leave the state as it is
    REQUEST_EXTENSION = "request_extension"
    DECIDE_EXTENSION = "decide_extension"
    SUPERVISE = "supervise"
    SUPPORT = "support"


S = Status
OPEN = frozenset({S.SUBMITTED, S.DISPATCHED, S.ACCEPTED, S.RETURNED, S.REOPENED})
BEFORE_REPLY = frozenset({S.SUBMITTED, S.DISPATCHED, S.RETURNED})

TRANSITIONS: dict[Move, tuple[frozenset[Status], Status | None]] = {
    Move.DISPATCH: (frozenset({S.SUBMITTED, S.RETURNED, S.DISPATCHED}), S.DISPATCHED),
    Move.ARBITRATE: (frozenset({S.RETURNED}), S.DISPATCHED),
    Move.ACCEPT: (frozenset({S.DISPATCHED, S.REOPENED}), S.ACCEPTED),
    Move.RETURN: (frozenset({S.DISPATCHED}), S.RETURNED),
    Move.REPLY: (frozenset({S.ACCEPTED, S.REOPENED}), S.REPLIED),
    Move.CLOSE: (frozenset({S.REPLIED}), S.CLOSED),
    Move.REOPEN: (frozenset({S.REPLIED}), S.REOPENED),
    Move.AUTO_CLOSE: (frozenset({S.REPLIED}), S.CLOSED),
    Move.WITHDRAW: (frozenset({S.SUBMITTED, S.DISPATCHED, S.RETURNED, S.ACCEPTED}), S.WITHDRAWN),
    Move.INVALIDATE: (BEFORE_REPLY, S.INVALID),
    Move.MERGE: (OPEN, S.MERGED),
    Move.REQUEST_EXTENSION: (frozenset({S.ACCEPTED, S.REOPENED}), None),
    Move.DECIDE_EXTENSION: (frozenset({S.ACCEPTED, S.REOPENED}), None),
    Move.SUPERVISE: (OPEN | {S.REPLIED}, None),
    Move.SUPPORT: (OPEN | {S.REPLIED}, None),
}

_EXPLAIN: dict[Move, str] = {
    Move.DISPATCH: "only a new, returned or not yet accepted case can be dispatched",
    Move.ARBITRATE: "only a returned case can be assigned by the supervisor",
    Move.ACCEPT: "only a case dispatched to your department (or reopened) can be accepted",
    Move.RETURN: "only a dispatched case not yet accepted can be returned",
    Move.REPLY: "accept the case before replying",
    Move.CLOSE: "only a replied case can be rated",
    Move.REOPEN: "only a replied case can be reopened",
    Move.AUTO_CLOSE: "only a replied case closes by itself",
    Move.WITHDRAW: "a case can be withdrawn only before it is replied",
    Move.INVALIDATE: "only a case not yet accepted can be marked invalid",
    Move.MERGE: "only open cases can be merged",
    Move.REQUEST_EXTENSION: "extensions are for cases being handled",
    Move.DECIDE_EXTENSION: "extensions are for cases being handled",
    Move.SUPERVISE: "a closed case cannot be pressed",
    Move.SUPPORT: "a closed case cannot be supported",
}


def check(move: Move, current: Status) -> Status:
    """The state after ``move``, or ``IllegalTransition`` naming the current state and what would be needed."""
    allowed, target = TRANSITIONS[move]
    if current not in allowed:
        raise IllegalTransition(f"cannot {move.value} a case that is {current.value}: {_EXPLAIN[move]}")
    return current if target is None else target
