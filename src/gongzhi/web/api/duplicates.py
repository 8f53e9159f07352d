"""JSON API of duplicates: similar open cases, supports (附议), merge proposals, and the reply check."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel, Field

from gongzhi.accounts.models import Role
from gongzhi.accounts.permissions import Action, Actor, require
from gongzhi.cases import proposals
from gongzhi.cases.duplicate_models import MergeProposal
from gongzhi.cases.lookup import case_by_code
from gongzhi.cases.models import Case
from gongzhi.cases.queries import PUBLIC_STATES
from gongzhi.cases.reply_quality import check_case_reply
from gongzhi.cases.similar import similar_cases
from gongzhi.cases.supports import add_support, anonymous_fingerprint, support_count, support_counts
from gongzhi.directory.lookup import region_by_code
from gongzhi.errors import NotFound
from gongzhi.text.duplicates import profile
from gongzhi.web.api.schemas import Strict
from gongzhi.web.deps import CurrentActor, DbDep, MaybeActor, NowDep, SettingsDep

router = APIRouter(tags=["duplicates"])
ProposalId = Annotated[int, Path(ge=1, le=2**31 - 1)]  # beyond: no such row, and no database integer


class SimilarIn(Strict):
    title: str = Field("", max_length=200)
    content: str = Field("", max_length=20_000)
    region: str | None = Field(None, max_length=40, description="region code, narrows the search to its street")


class SimilarOut(BaseModel):
    tracking_code: str
    title: str
    score: float
    supports: int
    reasons: list[str]


class SupportIn(Strict):
    supporter: str | None = Field(
        None,
        min_length=16,
        max_length=200,
        description="anonymous callers: a random id the client keeps (one support per id and case); "
        "ignored for a logged-in citizen, who is known by the account",
    )


class SupportsOut(BaseModel):
    tracking_code: str
    supports: int
    created: bool | None = None


class ProposalOut(BaseModel):
    id: int
    case: str
    target: str
    score: float
    status: str
    reasons: list[str]
    places: list[str]

    @classmethod
    def of(cls, p: MergeProposal) -> ProposalOut:
        reasons = p.reasons or {}
        return cls(
            id=p.id,
            case=p.case.tracking_code,
            target=p.target.tracking_code,
            score=p.score,
            status=p.status.value,
            reasons=list(reasons.get("reasons", [])),
            places=list(reasons.get("places", [])),
        )


class ReplyCheckIn(Strict):
    text: str = Field(max_length=20_000)


class ReplyCheckOut(BaseModel):
    relevance: float
    completeness: float
    timeliness: float | None
    working_days: float | None
    elements: dict[str, bool]
    missing_terms: list[str]
    warnings: list[str]


def _published(case: Case) -> Case:
    if not case.is_public or case.status not in PUBLIC_STATES:
        raise NotFound(f"case {case.tracking_code} is not published")
    return case


@router.post("/similar-cases", response_model=list[SimilarOut], summary="Open published cases like a draft message")
def similar(data: SimilarIn, db: DbDep, settings: SettingsDep, now: NowDep) -> list[SimilarOut]:
    """Empty when nothing is similar enough, or the text is too short or not Chinese to compare."""
    with db.reading() as session:
        try:
            region = region_by_code(session, data.region) if data.region else None
        except NotFound:
            region = None
        found = similar_cases(
            session, of=profile(data.title, data.content), region=region, now=now, settings=settings, public_only=True
        )
        counts = support_counts(session, [s.case_id for s in found])
    return [
        SimilarOut(
            tracking_code=s.tracking_code,
            title=s.title,
            score=s.match.score,
            supports=counts[s.case_id],
            reasons=list(s.match.reasons),
        )
        for s in found
    ]


@router.get("/cases/{code}/supports", response_model=SupportsOut, summary="How many citizens support a case")
def supports(code: str, db: DbDep) -> SupportsOut:
    with db.reading() as session:
        case = _published(case_by_code(session, code))
        return SupportsOut(tracking_code=case.tracking_code, supports=support_count(session, case.id))


@router.post("/cases/{code}/supports", response_model=SupportsOut, status_code=201, summary="我也遇到: support a case")
def support(
    code: str,
    data: SupportIn,
    response: Response,
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    actor: MaybeActor,
) -> SupportsOut:
    """201 for a new support, 200 when this supporter had already supported the case."""
    citizen: Actor | None = actor if actor is not None and actor.role is Role.CITIZEN else None
    fingerprint = anonymous_fingerprint(settings.secret_key, "api:" + data.supporter) if data.supporter else None
    with db.transaction() as session:
        case = case_by_code(session, code)
        _support, created = add_support(session, case, citizen=citizen, fingerprint=fingerprint, now=now)
        count = support_count(session, case.id)
    if not created:
        response.status_code = 200
    return SupportsOut(tracking_code=code, supports=count, created=created)


@router.get("/cases/{code}/merge-proposals", response_model=list[ProposalOut], summary="Pending merge proposals")
def merge_proposals(code: str, db: DbDep, actor: CurrentActor) -> list[ProposalOut]:
    with db.reading() as session:
        case = case_by_code(session, code)
        require(
            actor,
            Action.VIEW_CASE,
            case_department_id=case.department_id,
            case_id=case.id,
            case_citizen_id=case.citizen_id,
        )
        if actor.role is Role.CITIZEN:
            require(actor, Action.MERGE)  # citizens see their case, not the machine's guesses about others
        return [ProposalOut.of(p) for p in proposals.pending_for(session, case)]


@router.post("/merge-proposals/{proposal_id}/merge", response_model=ProposalOut, summary="Merge as proposed")
def merge(proposal_id: ProposalId, db: DbDep, now: NowDep, actor: CurrentActor) -> ProposalOut:
    with db.transaction() as session:
        return ProposalOut.of(proposals.accept(session, proposal_id, actor=actor, now=now))


@router.post("/merge-proposals/{proposal_id}/dismiss", response_model=ProposalOut, summary="Not a duplicate")
def dismiss(proposal_id: ProposalId, db: DbDep, now: NowDep, actor: CurrentActor) -> ProposalOut:
    with db.transaction() as session:
        return ProposalOut.of(proposals.dismiss(session, proposal_id, actor=actor, now=now))


@router.post("/cases/{code}/reply-check", response_model=ReplyCheckOut, summary="Score a draft reply")
def reply_check(
    code: str, data: ReplyCheckIn, db: DbDep, settings: SettingsDep, now: NowDep, actor: CurrentActor
) -> ReplyCheckOut:
    """Relevance, completeness and timeliness of a reply before it is sent (text.replycheck); never blocks it."""
    with db.reading() as session:
        case = case_by_code(session, code)
        require(
            actor, Action.REPLY, case_department_id=case.department_id, case_id=case.id, case_citizen_id=case.citizen_id
        )
        check = check_case_reply(session, case, text=data.text, now=now, settings=settings)
    return ReplyCheckOut(
        relevance=check.relevance,
        completeness=check.completeness,
        timeliness=check.timeliness,
        working_days=check.working_days,
        elements=check.elements,
        missing_terms=list(check.missing_terms),
        warnings=list(check.warnings),
    )
