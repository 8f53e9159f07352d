"""Every case event in the ledger, in its own transaction, with private words only as commitments."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from gongzhi import worker
from gongzhi.cases import workflow
from gongzhi.cases.lookup import case_by_code
from gongzhi.cases.models import CaseEvent, Satisfaction
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.directory.lookup import department_by_code
from gongzhi.errors import IllegalTransition
from gongzhi.ledger import caselog
from gongzhi.ledger.entries import commitment
from gongzhi.ledger.models import LedgerEntry, LedgerSalt
from gongzhi.ledger.selfcheck import check_stored_log
from gongzhi.ledger.verify import verify_receipt
from tests.cases.steps import ANSWER, REASON, Desk
from tests.factories import submission
from tests.ledger.conftest import VKEY

CONTENT = str(submission()["content"])


@dataclass(frozen=True)
class Recorded:
    """An event of a case and the ledger entry that records it."""

    kind: str
    entry_id: int
    leaf_index: int | None
    data: bytes


def entries_of(db: Database, code: str) -> list[Recorded]:
    with db.reading() as session:
        case = case_by_code(session, code)
        rows = session.execute(
            select(CaseEvent.kind, LedgerEntry.id, LedgerEntry.leaf_index, LedgerEntry.data)
            .join(LedgerEntry, LedgerEntry.case_event_id == CaseEvent.id)
            .where(CaseEvent.case_id == case.id)
            .order_by(LedgerEntry.id)
        )
        return [Recorded(*row) for row in rows]


def decoded(db: Database, code: str) -> list[dict[str, Any]]:
    return [json.loads(recorded.data) for recorded in entries_of(db, code)]


def test_a_submission_is_recorded_as_a_commitment_never_as_text(desk: Desk) -> None:
    code, _ = desk.submit(category="A0101")  # an outage: routed to water at once
    submitted, dispatched = entries_of(desk.db, code)
    assert (submitted.kind, dispatched.kind) == ("submit", "dispatch")
    for private in (CONTENT, "13812345678", "王小明", "湖畔小区3栋"):
        assert private.encode() not in submitted.data
    entry = json.loads(submitted.data)
    assert entry == {
        "type": "case.submitted",
        "v": 1,
        "case": code,
        "at": "2026-03-02T01:00:00Z",
        "channel": "web",
        "case_type": "help",
        "category": "A0101",
        "public": True,
        "commitment": entry["commitment"],
    }
    with desk.db.reading() as session:
        salt = session.get(LedgerSalt, submitted.entry_id).salt
        case = case_by_code(session, code)
        fields = {name: getattr(case, name) for name in caselog.SUBMISSION_FIELDS}
    assert fields["content"] == CONTENT and fields["contact_phone"] == "13812345678"
    assert commitment(salt, fields) == entry["commitment"]
    assert json.loads(dispatched.data)["department"] == "water"
    assert json.loads(dispatched.data)["data"]["by_rule"] is True  # data set after events.apply is in


def test_every_event_of_a_case_has_exactly_one_entry_in_order(desk: Desk, settings: Settings) -> None:
    code, secret = desk.submit(category="A0102")
    desk.accept(code, by="handler_water")
    desk.reply(code, by="handler_water")
    desk.rate(code, secret, Satisfaction.UNSATISFIED, solved=False)
    desk.accept(code, by="handler_water")
    desk.reply(code, by="handler_water")
    desk.rate(code, secret, Satisfaction.SATISFIED, solved=True)
    worker.run_ledger(desk.db, settings, now=desk.clock.now)
    recorded = entries_of(desk.db, code)
    kinds = ["submit", "dispatch", "accept", "reply", "reopen", "accept", "reply", "close"]
    assert [r.kind for r in recorded] == desk.kinds(code) == kinds
    indices = [r.leaf_index for r in recorded]
    assert None not in indices and indices == sorted(indices)
    with desk.db.reading() as session:
        assert session.scalar(select(LedgerEntry).where(LedgerEntry.case_event_id.is_(None))) is None
        check_stored_log(session)


def test_public_words_are_plain_private_words_are_committed(desk: Desk) -> None:
    public, _ = desk.submit(category=None)
    desk.dispatch(public, "urban")
    desk.return_(public, by="handler_urban")
    desk.dispatch(public, "water")
    desk.accept(public, by="handler_water")
    desk.reply(public, by="handler_water")
    returned, reply = (e for e in decoded(desk.db, public) if e.get("kind") in ("return", "reply"))
    assert returned["reason"] == REASON and "commitment" not in returned
    assert reply["text"] == ANSWER and reply["data"]["public"] is True

    private, _ = desk.submit(category="A0102", is_public=False)
    desk.accept(private, by="handler_water")
    desk.reply(private, by="handler_water")
    reply = decoded(desk.db, private)[-1]
    assert "text" not in reply and ANSWER.encode() not in json.dumps(reply, ensure_ascii=False).encode()
    assert len(reply["commitment"]) == 64


def test_a_citizens_rating_comment_is_committed_even_on_a_public_case(desk: Desk) -> None:
    code, secret = desk.submit(category="A0102")
    desk.accept(code, by="handler_water")
    desk.reply(code, by="handler_water")
    desk.rate(code, secret, Satisfaction.UNSATISFIED, solved=False)
    reopened = decoded(desk.db, code)[-1]
    assert reopened["kind"] == "reopen" and reopened["actor"] == "citizen"
    assert "reason" not in reopened and "commitment" in reopened
    assert reopened["data"] == {"satisfaction": "unsatisfied", "solved": False}


def test_a_refused_move_leaves_neither_event_nor_entry(desk: Desk) -> None:
    code, _ = desk.submit(category="A0102")
    desk.accept(code, by="handler_water")
    before = entries_of(desk.db, code)
    with pytest.raises(IllegalTransition):
        desk.accept(code, by="handler_water")
    assert entries_of(desk.db, code) == before


def test_an_error_after_the_event_rolls_back_its_entry_too(db: Database, desk: Desk) -> None:
    code, _ = desk.submit(category=None)
    with pytest.raises(RuntimeError), db.transaction() as session:
        case = case_by_code(session, code)
        workflow.dispatch(
            session,
            case,
            department=department_by_code(session, "water"),
            actor=desk.actor("dispatcher"),
            now=desk.clock.now,
            settings=desk.settings,
        )
        session.flush()
        raise RuntimeError("the use case fails after its event was written")
    assert [r.kind for r in entries_of(db, code)] == ["submit"]
    with db.reading() as session:
        assert session.scalar(select(LedgerEntry).where(LedgerEntry.case_event_id.is_(None))) is None


def test_forgetting_personal_data_keeps_the_log_verifiable(desk: Desk, settings: Settings) -> None:
    code, _ = desk.submit(category="A0101")
    worker.run_ledger(desk.db, settings, now=desk.clock.now)
    with desk.db.reading() as session:
        before = caselog.case_receipt(session, case_by_code(session, code))
    with desk.db.transaction() as session:
        case = case_by_code(session, code)
        assert caselog.forget_personal_data(session, case) == 1
        case.content, case.contact_name, case.contact_phone = "（已删除）", None, None
    with desk.db.reading() as session:
        check_stored_log(session)
        after = caselog.case_receipt(session, case_by_code(session, code))
    assert (after.salt, after.committed) == (None, None)
    assert not verify_receipt(after.to_json(), log_key=VKEY).opened
    assert verify_receipt(before.to_json(), log_key=VKEY).opened  # the citizen's copy still proves it all
