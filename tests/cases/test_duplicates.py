"""Duplicates in the domain: merge proposals on arrival, one-click merge or dismissal, citizens' supports."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from gongzhi.cases import proposals
from gongzhi.cases.duplicate_models import CaseSupport, MergeProposal, ProposalStatus
from gongzhi.cases.lookup import case_by_code
from gongzhi.cases.models import CaseEvent, Status
from gongzhi.cases.schemas import CONTENT_MAX
from gongzhi.cases.supports import add_support, anonymous_fingerprint, support_count
from gongzhi.errors import Conflict, Forbidden, InvalidInput
from tests.cases.steps import Desk

MIXING_PLANT = {
    "title": "湖畔小区旁边的搅拌站噪音太大",
    "content": "柳岸社区湖畔小区北门外新建了一个混凝土搅拌站，日夜施工，噪音和粉尘很大，居民无法休息，请相关部门查处。",
    "category": None,
    "address": "湖畔小区北门",
}
MIXING_PLANT_AGAIN = {
    "title": "投诉湖畔小区附近搅拌站粉尘噪音扰民",
    "content": "湖畔小区北门外的搅拌站晚上也在生产，粉尘很大，窗户都不敢开，孩子老人受不了。",
    "category": None,
}
OTHER_PROBLEM = {
    "title": "湖畔小区物业乱收停车费",
    "content": "湖畔小区物业公司今年起每月多收一百元停车管理费，没有任何公示，请物价部门核查。",
    "category": None,
}


def _proposals(desk: Desk) -> list[MergeProposal]:
    """The proposals once the worker's duplicate search has looked at every case submitted so far."""
    desk.check_duplicates()
    with desk.db.reading() as session:
        found = list(session.scalars(select(MergeProposal).order_by(MergeProposal.id)))
        session.expunge_all()
        return found


def test_a_new_case_like_an_open_one_is_proposed_for_merging(desk: Desk) -> None:
    first, _ = desk.submit(**MIXING_PLANT)
    desk.clock.advance(hours=5)
    second, _ = desk.submit(**MIXING_PLANT_AGAIN)
    found = _proposals(desk)
    assert len(found) == 1
    with desk.db.reading() as session:
        proposal = session.get(MergeProposal, found[0].id)
        assert (proposal.case.tracking_code, proposal.target.tracking_code) == (second, first)
        assert proposal.status is ProposalStatus.PENDING and proposal.score >= desk.settings.duplicate_threshold
        assert "湖畔小区" in proposal.reasons["places"]


def test_same_place_other_problem_and_old_or_closed_cases_are_not_proposed(desk: Desk) -> None:
    desk.submit(**MIXING_PLANT)
    desk.submit(**OTHER_PROBLEM)
    assert _proposals(desk) == []
    desk.clock.advance(days=desk.settings.duplicate_window_days + 1)
    desk.submit(**MIXING_PLANT_AGAIN)  # the first report is outside the window
    assert _proposals(desk) == []


def test_cases_in_another_street_are_not_compared(desk: Desk) -> None:
    desk.submit(**MIXING_PLANT, region="cn-sx")
    desk.submit(**MIXING_PLANT_AGAIN, region="cn-hp-1")
    assert _proposals(desk) == []


def test_accepting_a_proposal_merges_through_the_workflow(desk: Desk) -> None:
    first, _ = desk.submit(**MIXING_PLANT)
    second, _ = desk.submit(**MIXING_PLANT_AGAIN)
    third, _ = desk.submit(**MIXING_PLANT_AGAIN)  # proposed against both earlier cases
    assert len(_proposals(desk)) == 3
    with desk.db.reading() as session:
        proposal_id = next(p.id for p in proposals.pending_for(session, case_by_code(session, third)))
    with desk.db.transaction() as session:
        proposal = proposals.accept(session, proposal_id, actor=desk.actor("dispatcher"), now=desk.clock.now)
        assert proposal.case.tracking_code == third
    with desk.db.reading() as session:
        duplicate = case_by_code(session, third)
        main = session.get(type(duplicate), duplicate.merged_into_id)
        assert duplicate.status is Status.MERGED and main.tracking_code in {first, second}
        assert main.supporters == 1
        history = session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == main.id)).all()
        assert "merged_in" in history
        assert proposals.pending_for(session, duplicate) == []  # its other proposal went with it
        assert len(proposals.pending_for(session, case_by_code(session, second))) == 1  # second ~ first stays
    with desk.db.transaction() as session, pytest.raises(Conflict, match="already merged"):
        proposals.accept(session, proposal_id, actor=desk.actor("dispatcher"), now=desk.clock.now)


def test_only_those_who_may_merge_decide_a_proposal(desk: Desk) -> None:
    first, _ = desk.submit(**MIXING_PLANT)
    desk.submit(**MIXING_PLANT_AGAIN)
    proposal_id = _proposals(desk)[0].id
    for move in (proposals.accept, proposals.dismiss):
        with desk.db.transaction() as session, pytest.raises(Forbidden):
            move(session, proposal_id, actor=desk.actor("handler_water"), now=desk.clock.now)
    with desk.db.transaction() as session:
        proposals.dismiss(session, proposal_id, actor=desk.actor("supervisor"), now=desk.clock.now)
    assert _proposals(desk)[0].status is ProposalStatus.DISMISSED
    with desk.db.reading() as session:
        assert proposals.pending_for(session, case_by_code(session, first)) == []


@pytest.mark.parametrize(
    "text",
    [
        "？！",
        "Water has been cut off at the lakeside estate for two days, please fix it.",
        "好" * 3,
        "湖畔小区搅拌站" * 900,
    ],
)
def test_odd_text_never_fails_a_submission(desk: Desk, text: str) -> None:
    desk.submit(**MIXING_PLANT)
    code, _ = desk.submit(title=text[:100], content=text[:CONTENT_MAX], category=None)
    with desk.db.reading() as session:
        assert case_by_code(session, code).status is Status.SUBMITTED
    assert desk.check_duplicates() == 2  # and the duplicate search gets through it
    assert desk.check_duplicates() == 0  # once


def test_the_search_waits_for_the_worker_and_skips_closed_cases(desk: Desk) -> None:
    first, _ = desk.submit(**MIXING_PLANT)
    second, _ = desk.submit(**MIXING_PLANT_AGAIN)
    with desk.db.reading() as session:  # the submission itself does not search
        assert session.scalars(select(MergeProposal)).all() == []
    desk.merge(second, into=first)  # closed by hand before the worker came by
    assert desk.check_duplicates() == 1  # only the open one is looked at
    assert _proposals(desk) == []


def test_one_support_per_person_and_case(desk: Desk) -> None:
    code, _ = desk.submit(**MIXING_PLANT)
    anonymous = anonymous_fingerprint("secret", "browser-token-1")
    with desk.db.transaction() as session:
        case = case_by_code(session, code)
        _, created = add_support(session, case, citizen=None, fingerprint=anonymous, now=desk.clock.now)
        _, again = add_support(session, case, citizen=None, fingerprint=anonymous, now=desk.clock.now)
        add_support(session, case, citizen=desk.actor("citizen"), fingerprint=None, now=desk.clock.now)
        add_support(session, case, citizen=desk.actor("citizen"), fingerprint=anonymous, now=desk.clock.now)
        assert (created, again) == (True, False)
        assert support_count(session, case.id) == 2
    with desk.db.reading() as session:
        rows = session.scalars(select(CaseSupport).order_by(CaseSupport.id)).all()
        assert [r.fingerprint for r in rows] == [anonymous, f"user:{desk.actor('citizen').user_id}"]
        assert anonymous != anonymous_fingerprint("another secret", "browser-token-1")


def test_supports_need_an_open_published_case_and_an_identity(desk: Desk) -> None:
    private, _ = desk.submit(**MIXING_PLANT, is_public=False)
    own, _ = desk.submit(**OTHER_PROBLEM, citizen="citizen")
    merged, _ = desk.submit(**MIXING_PLANT_AGAIN)
    main, _ = desk.submit(title="湖畔小区路灯不亮", content="湖畔小区三栋门口路灯坏了一个月，晚上很黑。", category=None)
    desk.merge(merged, into=main)
    token = anonymous_fingerprint("secret", "t")
    for code in (private, merged):
        with desk.db.transaction() as session, pytest.raises(Conflict):
            add_support(session, case_by_code(session, code), citizen=None, fingerprint=token, now=desk.clock.now)
    with desk.db.transaction() as session, pytest.raises(Conflict, match="your own case"):
        add_support(
            session, case_by_code(session, own), citizen=desk.actor("citizen"), fingerprint=None, now=desk.clock.now
        )
    for fingerprint in (None, "", "x" * 65):
        with desk.db.transaction() as session, pytest.raises(InvalidInput):
            add_support(session, case_by_code(session, main), citizen=None, fingerprint=fingerprint, now=desk.clock.now)


def test_a_proposal_leaves_the_pages_once_its_case_is_merged_by_hand(desk: Desk) -> None:
    first, _ = desk.submit(**MIXING_PLANT)
    second, _ = desk.submit(**MIXING_PLANT_AGAIN)
    desk.merge(second, into=first)  # the ordinary merge form, not the proposal's button
    with desk.db.reading() as session:
        assert proposals.pending_for(session, case_by_code(session, first)) == []
