"""Merge proposals: a new case that looks like an open one is proposed for merging, decided in one click.

``check_new_cases`` runs in the worker, seconds after a case arrives: the search compares the new
case with up to ``duplicate_max_candidates`` open cases, milliseconds of CPU that a citizen's
submission should not wait for nor hold SQLite's write lock through. It reads and compares in a
read-only session and then writes the proposals and a ``duplicate_check`` row per case in one short
transaction. It only proposes: merging is a decision for a dispatcher or supervisor
(``workflow.merge`` checks the permission and the states), who sees the proposal with its score and
reasons on both cases' pages and merges or dismisses it. A failing similarity check is logged and
proposes nothing.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased

from gongzhi.accounts.permissions import Action, Actor, require
from gongzhi.cases import workflow
from gongzhi.cases.duplicate_models import DuplicateCheck, MergeProposal, ProposalStatus
from gongzhi.cases.models import Case
from gongzhi.cases.similar import OPEN_STATES, Similar, profile_of, similar_cases
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.errors import Conflict, NotFound

log = logging.getLogger(__name__)
MAX_PROPOSALS = 3  # per new case: the best few are enough to decide


def check_new_cases(db: Database, *, now: datetime, settings: Settings, batch: int = 50) -> int:
    """Look for duplicates of up to ``batch`` open cases not checked yet; returns how many were checked."""
    with db.reading() as session:
        since = now - timedelta(days=settings.duplicate_window_days)
        cases = session.scalars(
            select(Case)
            .outerjoin(DuplicateCheck, DuplicateCheck.case_id == Case.id)
            .where(
                DuplicateCheck.case_id.is_(None),
                Case.submitted_at >= since,
                Case.status.in_(OPEN_STATES),
                Case.merged_into_id.is_(None),
            )
            .order_by(Case.id)
            .limit(batch)
        ).all()
        found = {case.id: _older_duplicates(session, case, settings) for case in cases}
    if not found:
        return 0
    try:
        with db.transaction() as session:
            for case_id, similar in found.items():
                session.add_all(_proposal(case_id, s, now) for s in similar)
                session.add(DuplicateCheck(case_id=case_id, checked_at=now))
    except IntegrityError:  # another worker process checked the same cases first: its proposals stand
        return 0
    return len(found)


def _older_duplicates(session: Session, case: Case, settings: Settings) -> list[Similar]:
    """Open cases submitted before ``case`` (up to its arrival) that look like it, best first."""
    try:
        return similar_cases(
            session,
            of=profile_of(case),
            region=case.region,
            now=case.submitted_at,
            settings=settings,
            before_id=case.id,
            limit=MAX_PROPOSALS,
        )
    except Exception:  # noqa: BLE001 - one odd case must not stop the others from being checked
        log.exception("duplicate check failed for case %s; no merge proposed", case.tracking_code)
        return []


def _proposal(case_id: int, similar: Similar, now: datetime) -> MergeProposal:
    return MergeProposal(
        case_id=case_id,
        target_id=similar.case_id,
        score=similar.match.score,
        reasons={"reasons": list(similar.match.reasons), "places": list(similar.match.places)},
        status=ProposalStatus.PENDING,
        created_at=now,
    )


def pending_for(session: Session, case: Case) -> list[MergeProposal]:
    """Pending proposals in which ``case`` is the newcomer or the older case, best first.

    Proposals whose cases are no longer both open (merged by hand, closed, withdrawn) are left out:
    nothing can be merged there any more.
    """
    newer, older = aliased(Case), aliased(Case)
    query = (
        select(MergeProposal)
        .join(newer, newer.id == MergeProposal.case_id)
        .join(older, older.id == MergeProposal.target_id)
        .where(
            MergeProposal.status == ProposalStatus.PENDING,
            or_(MergeProposal.case_id == case.id, MergeProposal.target_id == case.id),
            newer.status.in_(OPEN_STATES),
            older.status.in_(OPEN_STATES),
        )
        .order_by(MergeProposal.score.desc(), MergeProposal.id)
    )
    return list(session.scalars(query))


def _pending(session: Session, proposal_id: int) -> MergeProposal:
    proposal = session.get(MergeProposal, proposal_id) if 0 < proposal_id < 2**31 else None
    if proposal is None:
        raise NotFound(f"there is no merge proposal {proposal_id}")
    if proposal.status is not ProposalStatus.PENDING:
        raise Conflict(f"this merge proposal was already {proposal.status.value}; reload the case")
    return proposal


def accept(session: Session, proposal_id: int, *, actor: Actor, now: datetime) -> MergeProposal:
    """Merge the newcomer into the older case with the ordinary merge workflow, and close the proposal.

    Other pending proposals of the merged case are dismissed: it has no separate life any more.
    """
    proposal = _pending(session, proposal_id)
    workflow.merge(session, proposal.case, into=proposal.target, actor=actor, now=now)
    _decide(proposal, ProposalStatus.MERGED, actor=actor, now=now)
    session.execute(
        update(MergeProposal)
        .where(
            MergeProposal.status == ProposalStatus.PENDING,
            MergeProposal.id != proposal.id,
            or_(MergeProposal.case_id == proposal.case_id, MergeProposal.target_id == proposal.case_id),
        )
        .values(status=ProposalStatus.DISMISSED, decided_at=now, decided_by=actor.user_id)
    )
    return proposal


def dismiss(session: Session, proposal_id: int, *, actor: Actor, now: datetime) -> MergeProposal:
    """Not a duplicate after all: the proposal leaves both pages."""
    require(actor, Action.MERGE)
    proposal = _pending(session, proposal_id)
    _decide(proposal, ProposalStatus.DISMISSED, actor=actor, now=now)
    return proposal


def _decide(proposal: MergeProposal, status: ProposalStatus, *, actor: Actor, now: datetime) -> None:
    proposal.status, proposal.decided_at, proposal.decided_by = status, now, actor.user_id
