"""Following a case with its tracking code and secret: timeline, deadlines, replies, rating, withdrawal.

The secret is kept, after the citizen typed it once (or right after submitting), in the ``gz_track``
cookie (HttpOnly, SameSite=Lax, path /): holding it there is no different from holding it on paper.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from gongzhi.accounts.permissions import Action, Actor, require
from gongzhi.cases import workflow
from gongzhi.cases.lookup import case_by_code, secret_holder
from gongzhi.cases.models import Case, Satisfaction, Status
from gongzhi.cases.queries import replies, timeline
from gongzhi.cases.states import TRANSITIONS, Move
from gongzhi.errors import Forbidden, GongzhiError
from gongzhi.ledger.caseplace import case_place
from gongzhi.web.deps import DbDep, NowDep, SettingsDep
from gongzhi.web.pages.forms import checked
from gongzhi.web.pages.labels import STAFF_ONLY_EVENTS
from gongzhi.web.pages.render import local_path, redirect, render
from gongzhi.web.pages.route import page_router
from gongzhi.web.pages.security import PageActor, secure_cookies

router = page_router()
TRACK_COOKIE = "gz_track"
KEEP = 5  # cases remembered in the cookie


def _remembered(request: Request) -> dict[str, str]:
    pairs = (item.partition(":") for item in request.cookies.get(TRACK_COOKIE, "").split("|") if ":" in item)
    return {code: secret for code, _, secret in pairs}


def secret_for(request: Request, code: str) -> str | None:
    return _remembered(request).get(code.strip().upper())


def remember(request: Request, response: Response, code: str, secret: str) -> None:
    kept = {code: secret, **{c: s for c, s in _remembered(request).items() if c != code}}
    value = "|".join(f"{c}:{s}" for c, s in list(kept.items())[:KEEP])
    response.set_cookie(
        TRACK_COOKIE, value, max_age=90 * 86400, httponly=True, samesite="lax", secure=secure_cookies(request)
    )


def _who(session: Session, request: Request, code: str, actor: Actor | None) -> tuple[Case, Actor]:
    """The case and who follows it: the holder of the remembered secret, or the logged-in citizen who wrote it."""
    secret = secret_for(request, code)
    if secret:
        try:
            return secret_holder(session, code=code, secret=secret)
        except Forbidden:
            pass
    case = case_by_code(session, code)
    if actor is None:
        raise Forbidden("enter the tracking secret of this case to follow it", field="secret")
    require(
        actor, Action.VIEW_CASE, case_department_id=case.department_id, case_id=case.id, case_citizen_id=case.citizen_id
    )
    return case, actor


@router.get("/track")
def track_form(request: Request, actor: PageActor, code: str = "") -> Response:
    return render(request, "track_form.html", {"code": code, "error": None})


@router.post("/track")
def track(
    request: Request,
    db: DbDep,
    actor: PageActor,
    code: Annotated[str, Form()] = "",
    secret: Annotated[str, Form()] = "",
) -> Response:
    code = code.strip().upper()
    try:
        with db.reading() as session:
            secret_holder(session, code=code, secret=secret)
    except GongzhiError as exc:
        return render(request, "track_form.html", {"code": code, "error": exc.message}, status=exc.status_code)
    response = redirect(request, f"/track/{code}")
    remember(request, response, code, secret.strip())
    return response


@router.get("/track/{code}")
def case_view(request: Request, code: str, db: DbDep, actor: PageActor) -> Response:
    with db.reading() as session:
        try:
            case, _ = _who(session, request, code, actor)
        except Forbidden:
            return render(request, "track_form.html", {"code": code.upper(), "error": None})
        values = {
            "case": case,
            "events": [e for e in timeline(session, case) if e.kind not in STAFF_ONLY_EVENTS],
            "replies": replies(session, case, public_only=False),
            "can_rate": case.status is Status.REPLIED,
            "can_withdraw": case.status in TRANSITIONS[Move.WITHDRAW][0],
            "satisfactions": list(Satisfaction),
            "place": case_place(session, case),
        }
        return render(request, "track.html", values)


@router.post("/track/{code}/rating")
def rate(
    request: Request,
    code: str,
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    actor: PageActor,
    satisfaction: Annotated[Satisfaction, Form()],
    solved: Annotated[str | None, Form()] = None,
    comment: Annotated[str | None, Form(max_length=2000)] = None,
) -> Response:
    with db.transaction() as session:
        case, who = _who(session, request, code, actor)
        workflow.rate(
            session,
            case,
            actor=who,
            now=now,
            solved=checked(solved),
            satisfaction=satisfaction,
            settings=settings,
            comment=comment,
        )
        target = case.tracking_code
    return redirect(request, f"/track/{target}")


@router.post("/track/{code}/withdraw")
def withdraw(
    request: Request,
    code: str,
    db: DbDep,
    now: NowDep,
    actor: PageActor,
    reason: Annotated[str | None, Form(max_length=2000)] = None,
) -> Response:
    with db.transaction() as session:
        case, who = _who(session, request, code, actor)
        workflow.withdraw(session, case, actor=who, now=now, reason=reason or None)
        target = case.tracking_code
    return redirect(request, local_path(f"/track/{target}"))
