"""The state machine of DESIGN.md §2, move by move and state by state, and what an illegal move looks like outside."""

from __future__ import annotations

import itertools

import pytest

from gongzhi.cases.models import Satisfaction, Status
from gongzhi.cases.states import TRANSITIONS, Move, check
from gongzhi.errors import IllegalTransition
from tests.cases.steps import Api, Desk

S = Status
OPEN = (S.SUBMITTED, S.DISPATCHED, S.ACCEPTED, S.RETURNED, S.REOPENED)
TERMINAL = (S.CLOSED, S.MERGED, S.INVALID, S.WITHDRAWN)

# Written out by hand from DESIGN.md §2 and the diagram in states.py, not derived from TRANSITIONS:
# move -> {state it may start from: state it leads to}. Anything missing is illegal.
EXPECTED: dict[Move, dict[Status, Status]] = {
    Move.DISPATCH: {S.SUBMITTED: S.DISPATCHED, S.RETURNED: S.DISPATCHED, S.DISPATCHED: S.DISPATCHED},
    Move.ARBITRATE: {S.RETURNED: S.DISPATCHED},
    Move.ACCEPT: {S.DISPATCHED: S.ACCEPTED, S.REOPENED: S.ACCEPTED},
    Move.RETURN: {S.DISPATCHED: S.RETURNED},
    Move.REPLY: {S.ACCEPTED: S.REPLIED, S.REOPENED: S.REPLIED},
    Move.CLOSE: {S.REPLIED: S.CLOSED},
    Move.REOPEN: {S.REPLIED: S.REOPENED},
    Move.AUTO_CLOSE: {S.REPLIED: S.CLOSED},
    Move.WITHDRAW: dict.fromkeys((S.SUBMITTED, S.DISPATCHED, S.RETURNED, S.ACCEPTED), S.WITHDRAWN),
    Move.INVALIDATE: dict.fromkeys((S.SUBMITTED, S.DISPATCHED, S.RETURNED), S.INVALID),
    Move.MERGE: dict.fromkeys(OPEN, S.MERGED),
    Move.REQUEST_EXTENSION: {S.ACCEPTED: S.ACCEPTED, S.REOPENED: S.REOPENED},
    Move.DECIDE_EXTENSION: {S.ACCEPTED: S.ACCEPTED, S.REOPENED: S.REOPENED},
    Move.SUPERVISE: {s: s for s in (*OPEN, S.REPLIED)},
    Move.SUPPORT: {s: s for s in (*OPEN, S.REPLIED)},
}


def test_every_move_is_in_the_table_and_in_this_test() -> None:
    assert set(TRANSITIONS) == set(Move) == set(EXPECTED)


@pytest.mark.parametrize(("move", "status"), list(itertools.product(Move, Status)), ids=lambda v: v.value)
def test_check_follows_the_table(move: Move, status: Status) -> None:
    target = EXPECTED[move].get(status)
    if target is not None:
        assert check(move, status) is target
        return
    with pytest.raises(IllegalTransition) as refused:
        check(move, status)
    message = str(refused.value)
    assert f"that is {status.value}" in message, message
    assert move.value in message
    assert ":" in message and message.split(":", 1)[1].strip(), "the message must say what would be needed"


@pytest.mark.parametrize("status", TERMINAL, ids=str)
def test_terminal_states_have_no_way_out(status: Status) -> None:
    for move in Move:
        with pytest.raises(IllegalTransition):
            check(move, status)


def test_every_state_is_reachable_from_submitted() -> None:
    reached, frontier = {S.SUBMITTED}, [S.SUBMITTED]
    while frontier:
        current = frontier.pop()
        for move in Move:
            try:
                after = check(move, current)
            except IllegalTransition:
                continue
            if after not in reached:
                reached.add(after)
                frontier.append(after)
    assert reached == set(Status)


# Through the domain and the API: an illegal move is a 409 whose message names the state.


def _refused(response, state: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 409, response.text
    assert f"that is {state}" in response.json()["error"]


def test_reply_before_accept_is_409(api: Api) -> None:
    code, _ = api.submit(category="A0102")  # routed to water at once
    _refused(api.move(code, "reply", by="handler_water", text="已经处理完毕，请您查收结果。"), "dispatched")


def test_rate_before_reply_is_409(api: Api) -> None:
    code, secret = api.submit(category="A0102")
    assert api.move(code, "accept", by="handler_water").status_code == 200
    _refused(api.move(code, "rating", secret=secret, solved=True, satisfaction="satisfied"), "accepted")


def test_accept_a_closed_case_is_409(api: Api) -> None:
    code, secret = api.submit(category="A0102")
    api.move(code, "accept", by="handler_water")
    api.move(code, "reply", by="handler_water", text="已经处理完毕，请您查收结果。")
    assert api.move(code, "rating", secret=secret, solved=True, satisfaction="satisfied").json()["status"] == "closed"
    _refused(api.move(code, "accept", by="handler_water"), "closed")


def test_an_illegal_move_changes_nothing(desk: Desk) -> None:
    code, secret = desk.submit(category="A0102")
    before = desk.case(code)
    with pytest.raises(IllegalTransition, match="that is dispatched"):
        desk.rate(code, secret, Satisfaction.SATISFIED, solved=True)
    after = desk.case(code)
    assert (after.status, after.version, after.closed_at) == (S.DISPATCHED, before.version, None)
    assert desk.kinds(code) == ["submit", "dispatch"]
