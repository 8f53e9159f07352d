"""The case workspace: the whole history, the contact behind a recorded "show", and every move staff make."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Form, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from gongzhi.accounts.permissions import Action, Actor, can, require
from gongzhi.cases import workflow
from gongzhi.cases.classify import analyses_of, shown_suggestions
from gongzhi.cases.lookup import case_by_code
from gongzhi.cases.models import Case
from gongzhi.cases.queries import replies, timeline
from gongzhi.cases.states import TRANSITIONS, Move
from gongzhi.cases.worklists import pending_extension_of
from gongzhi.directory import listing
from gongzhi.directory.lookup import department_by_code
from gongzhi.web.deps import DbDep, NowDep, SettingsDep
from gongzhi.web.pages.render import is_htmx, redirect, render
from gongzhi.web.pages.reply_templates import TEMPLATES
from gongzhi.web.pages.route import page_router
from gongzhi.web.pages.security import StaffActor

router = page_router(prefix="/staff")
Reason = Annotated[str, Form(max_length=2000)]


def _facts(case: Case) -> dict[str, int | None]:
    return {"case_department_id": case.department_id, "case_id": case.id, "case_citizen_id": case.citizen_id}


def _allowed(actor: Actor, case: Case) -> set[str]:
    """The moves this person may make on this case now (the domain checks again when they do)."""
    moves = {
        "dispatch": Action.DISPATCH,
        "accept": Action.ACCEPT,
        "return": Action.RETURN,
        "extension": Action.REQUEST_EXTENSION,
        "reply": Action.REPLY,
        "merge": Action.MERGE,
        "supervise": Action.SUPERVISE,
        "invalidate": Action.INVALIDATE,
    }
    state = {
        "dispatch": Move.DISPATCH,
        "accept": Move.ACCEPT,
        "return": Move.RETURN,
        "extension": Move.REQUEST_EXTENSION,
        "reply": Move.REPLY,
        "merge": Move.MERGE,
        "supervise": Move.SUPERVISE,
        "invalidate": Move.INVALIDATE,
    }
    return {
        name
        for name, action in moves.items()
        if can(actor, action, **_facts(case)) and case.status in TRANSITIONS[state[name]][0]
    }


def _workspace(request: Request, session: Session, case: Case, actor: Actor, contact: dict | None) -> Response:
    analysis = analyses_of(session, [case.id]).get(case.id)
    values = {
        "case": case,
        "events": timeline(session, case),
        "replies": replies(session, case, public_only=False),
        "allowed": _allowed(actor, case) - ({"dispatch"} if case.needs_arbitration else set()),
        "extension": pending_extension_of(session, case),
        "departments": listing.departments(session),
        "templates": TEMPLATES,
        "contact": contact,
        "done": request.query_params.get("done"),
        "can_view_contact": can(actor, Action.VIEW_CONTACT, **_facts(case)),
        "analysis": analysis,
        "machine": shown_suggestions(session, analysis),
    }
    return render(request, "staff/workspace.html", values)


@router.get("/cases/{code}")
def workspace(request: Request, code: str, db: DbDep, actor: StaffActor) -> Response:
    with db.reading() as session:
        case = case_by_code(session, code)
        require(actor, Action.VIEW_CASE, **_facts(case))
        return _workspace(request, session, case, actor, None)


@router.post("/cases/{code}/contact")
def show_contact(request: Request, code: str, db: DbDep, now: NowDep, actor: StaffActor) -> Response:
    """The citizen's contact details; the look is recorded as an event of the case."""
    with db.transaction() as session:
        case = case_by_code(session, code)
        contact = workflow.reveal_contact(session, case, actor=actor, now=now)
        if is_htmx(request):
            return render(request, "staff/_contact.html", {"contact": contact})
        return _workspace(request, session, case, actor, contact)


@router.get("/reply-template")
def reply_template(request: Request, actor: StaffActor, template: Annotated[int, Query(ge=-1)] = -1) -> Response:
    text = TEMPLATES[template][1] if 0 <= template < len(TEMPLATES) else ""
    return render(request, "staff/_reply_text.html", {"text": text})


def _act(request: Request, db: DbDep, code: str, done: str, act: Callable[[Session, Case], object]) -> Response:
    with db.transaction() as session:
        case = case_by_code(session, code)
        act(session, case)
        target = case.tracking_code
    if done == "return":  # the case has left the department: back to its inbox
        return redirect(request, "/staff/inbox?done=return")
    return redirect(request, f"/staff/cases/{target}?done={done}")


@router.post("/cases/{code}/accept")
def accept(request: Request, code: str, db: DbDep, now: NowDep, actor: StaffActor) -> Response:
    return _act(request, db, code, "accept", lambda s, c: workflow.accept(s, c, actor=actor, now=now))


@router.post("/cases/{code}/return")
def return_(
    request: Request, code: str, db: DbDep, settings: SettingsDep, now: NowDep, actor: StaffActor, reason: Reason = ""
) -> Response:
    return _act(
        request,
        db,
        code,
        "return",
        lambda s, c: workflow.return_case(s, c, actor=actor, now=now, reason=reason, settings=settings),
    )


@router.post("/cases/{code}/extension")
def extension(
    request: Request,
    code: str,
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    actor: StaffActor,
    working_days: Annotated[int, Form(ge=1, le=60)] = 5,
    reason: Reason = "",
) -> Response:
    def act(s: Session, c: Case) -> None:
        workflow.request_extension(
            s, c, actor=actor, now=now, working_days=working_days, reason=reason, settings=settings
        )

    return _act(request, db, code, "extension", act)


@router.post("/cases/{code}/reply")
def reply(
    request: Request,
    code: str,
    db: DbDep,
    now: NowDep,
    actor: StaffActor,
    text: Annotated[str, Form(max_length=10000)] = "",
    private: Annotated[str | None, Form()] = None,
) -> Response:
    public = False if private else None
    return _act(
        request, db, code, "reply", lambda s, c: workflow.reply(s, c, actor=actor, now=now, text=text, public=public)
    )


@router.post("/cases/{code}/merge")
def merge(
    request: Request, code: str, db: DbDep, now: NowDep, actor: StaffActor, into: Annotated[str, Form(max_length=40)]
) -> Response:
    return _act(
        request,
        db,
        code,
        "merge",
        lambda s, c: workflow.merge(s, c, into=case_by_code(s, into), actor=actor, now=now),
    )


@router.post("/cases/{code}/supervise")
def supervise(request: Request, code: str, db: DbDep, now: NowDep, actor: StaffActor, reason: Reason = "") -> Response:
    return _act(
        request, db, code, "supervise", lambda s, c: workflow.supervise(s, c, actor=actor, now=now, reason=reason)
    )


@router.post("/cases/{code}/invalidate")
def invalidate(request: Request, code: str, db: DbDep, now: NowDep, actor: StaffActor, reason: Reason = "") -> Response:
    return _act(
        request, db, code, "invalidate", lambda s, c: workflow.invalidate(s, c, actor=actor, now=now, reason=reason)
    )


@router.post("/cases/{code}/arbitrate")
def arbitrate(
    request: Request,
    code: str,
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    actor: StaffActor,
    department: Annotated[str, Form(max_length=40)],
    reason: Annotated[str | None, Form(max_length=2000)] = None,
) -> Response:
    def act(s: Session, c: Case) -> None:
        dept = department_by_code(s, department)
        workflow.arbitrate(s, c, department=dept, actor=actor, now=now, settings=settings, reason=reason or None)

    return _act(request, db, code, "arbitrate", act)


@router.post("/cases/{code}/extension/decision")
def decide_extension(
    request: Request,
    code: str,
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    actor: StaffActor,
    decision: Annotated[str, Form(pattern="^(approve|reject)$")],
    note: Annotated[str | None, Form(max_length=2000)] = None,
) -> Response:
    approve = decision == "approve"

    def act(s: Session, c: Case) -> None:
        workflow.decide_extension(s, c, actor=actor, now=now, approve=approve, settings=settings, note=note or None)

    return _act(request, db, code, "extension_decided", act)
