"""Pages about duplicates and replies: "others reported this", supports, merge proposals, the reply check.

- ``POST /submit/similar`` (htmx, as the citizen types): open published cases like the message being
  written, each with "me too" (我也遇到); nothing is shown for text too short or not Chinese.
- ``POST /cases/{code}/support``: records the support of this person (account, or a random browser
  token kept in a cookie) instead of a new case.
- ``GET /staff/cases/{code}/duplicates`` (htmx, on the case page): pending merge proposals with a
  one-click merge (``workflow.merge`` through ``cases.proposals``) or dismissal.
- ``POST /staff/cases/{code}/reply-check`` (htmx, as the handler writes): relevance, completeness and
  timeliness of the draft reply, with non-blocking warnings.
"""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import Form, Path, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from gongzhi.accounts.models import Role
from gongzhi.accounts.permissions import Action, Actor, can, require
from gongzhi.cases import proposals
from gongzhi.cases.lookup import case_by_code
from gongzhi.cases.models import Case
from gongzhi.cases.reply_quality import check_case_reply
from gongzhi.cases.similar import OPEN_STATES, similar_cases
from gongzhi.cases.supports import add_support, anonymous_fingerprint, has_supported, support_count, support_counts
from gongzhi.config import Settings
from gongzhi.directory.lookup import region_by_code
from gongzhi.directory.models import Region
from gongzhi.errors import NotFound
from gongzhi.text.duplicates import profile
from gongzhi.web.deps import DbDep, NowDep, SettingsDep
from gongzhi.web.pages.render import is_htmx, redirect, render
from gongzhi.web.pages.route import page_router
from gongzhi.web.pages.security import PageActor, StaffActor, secure_cookies

router = page_router()
SUPPORTER_COOKIE = "gz_supporter"
Text = Annotated[str, Form(max_length=20_000)]
ProposalId = Annotated[int, Path(ge=1, le=2**31 - 1)]  # beyond: no such row, and no database integer


def supporter_fingerprint(request: Request, settings: Settings) -> str | None:
    token = request.cookies.get(SUPPORTER_COOKIE)
    return anonymous_fingerprint(settings.secret_key, token) if token else None


def _citizen(actor: Actor | None) -> Actor | None:
    return actor if actor is not None and actor.role is Role.CITIZEN else None


def _region(session: Session, code: str | None) -> Region | None:
    """The region the citizen chose, if it exists: a hint for the search, never a reason to fail."""
    try:
        return region_by_code(session, code.strip()) if code and code.strip() else None
    except NotFound:
        return None


@router.post("/submit/similar")
def similar_on_submit(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    actor: PageActor,
    title: Text = "",
    content: Text = "",
    region: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    """Open published cases like the message being written (an htmx fragment; empty when none)."""
    with db.reading() as session:
        found = similar_cases(
            session,
            of=profile(title, content),
            region=_region(session, region),
            now=now,
            settings=settings,
            public_only=True,
            not_by=actor.user_id if _citizen(actor) else None,
        )
        fingerprint = supporter_fingerprint(request, settings)
        counts = support_counts(session, [s.case_id for s in found])
        supported = {
            s.case_id: has_supported(session, s.case_id, citizen=_citizen(actor), fingerprint=fingerprint)
            for s in found
        }
    return render(request, "_similar.html", {"found": found, "counts": counts, "supported": supported})


@router.post("/cases/{code}/support")
def support(request: Request, code: str, db: DbDep, settings: SettingsDep, now: NowDep, actor: PageActor) -> Response:
    """我也遇到: one support per person; a browser without the cookie gets one first."""
    token = request.cookies.get(SUPPORTER_COOKIE) or secrets.token_urlsafe(18)
    citizen = _citizen(actor)
    with db.transaction() as session:
        case = case_by_code(session, code)
        add_support(
            session, case, citizen=citizen, fingerprint=anonymous_fingerprint(settings.secret_key, token), now=now
        )
        count = support_count(session, case.id)
        target = case.tracking_code
    if is_htmx(request):
        response: Response = render(request, "_supported.html", {"code": target, "count": count})
    else:
        response = redirect(request, f"/cases/{target}?supported=1")
    if SUPPORTER_COOKIE not in request.cookies:
        response.set_cookie(
            SUPPORTER_COOKIE, token, max_age=365 * 86400, httponly=True, samesite="lax", secure=secure_cookies(request)
        )
    return response


def _facts(case: Case) -> dict[str, int | None]:
    return {"case_department_id": case.department_id, "case_id": case.id, "case_citizen_id": case.citizen_id}


@router.get("/staff/cases/{code}/duplicates")
def merge_proposals(request: Request, code: str, db: DbDep, actor: StaffActor) -> Response:
    """Pending merge proposals of the case, for its page (an htmx fragment)."""
    with db.reading() as session:
        case = case_by_code(session, code)
        require(actor, Action.VIEW_CASE, **_facts(case))
        pending = proposals.pending_for(session, case)
        values = {"case": case, "proposals": pending, "can_merge": can(actor, Action.MERGE)}
        return render(request, "staff/_merge_proposals.html", values)


@router.post("/staff/merge-proposals/{proposal_id}/merge")
def merge_proposal(request: Request, proposal_id: ProposalId, db: DbDep, now: NowDep, actor: StaffActor) -> Response:
    with db.transaction() as session:
        proposal = proposals.accept(session, proposal_id, actor=actor, now=now)
        target = proposal.target.tracking_code
    return redirect(request, f"/staff/cases/{target}?done=merge")


@router.post("/staff/merge-proposals/{proposal_id}/dismiss")
def dismiss_proposal(
    request: Request,
    proposal_id: ProposalId,
    db: DbDep,
    now: NowDep,
    actor: StaffActor,
    back: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    with db.transaction() as session:
        proposal = proposals.dismiss(session, proposal_id, actor=actor, now=now)
        codes = {proposal.case.tracking_code, proposal.target.tracking_code}
        target = back if back in codes else proposal.case.tracking_code
    return redirect(request, f"/staff/cases/{target}?done=dismiss")


@router.post("/staff/cases/{code}/reply-check")
def reply_check(
    request: Request, code: str, db: DbDep, settings: SettingsDep, now: NowDep, actor: StaffActor, text: Text = ""
) -> Response:
    """Scores of the draft reply; warnings never block sending it."""
    with db.reading() as session:
        try:
            case = case_by_code(session, code)
        except NotFound:
            return render(request, "staff/_reply_check.html", {"check": None})
        require(actor, Action.VIEW_CASE, **_facts(case))
        check = check_case_reply(session, case, text=text, now=now, settings=settings) if text.strip() else None
    return render(request, "staff/_reply_check.html", {"check": check})


def support_box(
    request: Request, session: Session, case: Case, *, actor: Actor | None, settings: Settings
) -> dict[str, object]:
    """The public case page's supports: how many, whether this person is one, whether the case takes more."""
    fingerprint = supporter_fingerprint(request, settings)
    return {
        "count": support_count(session, case.id),
        "mine": has_supported(session, case.id, citizen=_citizen(actor), fingerprint=fingerprint),
        "open": case.status in OPEN_STATES and case.merged_into_id is None,
    }
