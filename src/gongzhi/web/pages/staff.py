"""Staff desks: the dispatcher's queue (dispatch in two clicks) and a department's inbox."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from gongzhi.accounts.models import Role
from gongzhi.accounts.permissions import Action, Actor, can
from gongzhi.cases import workflow
from gongzhi.cases.classify import ShownSuggestion, analyses_of, kept_urgency, shown_suggestions
from gongzhi.cases.lookup import case_by_code
from gongzhi.cases.models import Case
from gongzhi.cases.worklists import InboxTab, QueueTab, dispatch_queue, inbox, inbox_counts, queue_counts
from gongzhi.directory import listing
from gongzhi.directory.lookup import category_by_code, department_by_code
from gongzhi.directory.models import Department
from gongzhi.directory.routing import route
from gongzhi.errors import Forbidden
from gongzhi.web.deps import DbDep, NowDep, SettingsDep
from gongzhi.web.pages.render import is_htmx, redirect, render
from gongzhi.web.pages.route import page_router
from gongzhi.web.pages.security import StaffActor

router = page_router(prefix="/staff")
Page_ = Annotated[int, Query(ge=1, le=100_000)]


@router.get("")
def desk(request: Request, actor: StaffActor) -> Response:
    """Each role starts at its own desk."""
    start = {
        Role.DISPATCHER: "/staff/queue",
        Role.HANDLER: "/staff/inbox",
        Role.SUPERVISOR: "/staff/supervisor",
        Role.ADMIN: "/staff/admin",
    }
    return redirect(request, start.get(actor.role, "/staff/queue") if actor.role else "/")


def _suggested(session: Session, case: Case, machine: list[ShownSuggestion]) -> Department | None:
    """Where the routing rules would send the case (by its category, else the model's first suggestion),
    to preselect it (the dispatcher may choose another)."""
    category = case.category or next((s.category for s in machine[:1] if s.category is not None), None)
    return route(session, category=category, region=case.region) if category else None


@router.get("/queue")
def queue(request: Request, db: DbDep, actor: StaffActor, tab: QueueTab = QueueTab.NEW, page: Page_ = 1) -> Response:
    if not can(actor, Action.DISPATCH):
        raise Forbidden("the dispatch queue is for dispatchers, supervisors and administrators")
    with db.reading() as session:
        found = dispatch_queue(session, tab=tab, page=page)
        analysis = analyses_of(session, [c.id for c in found.items])
        machine = {c.id: shown_suggestions(session, analysis.get(c.id)) for c in found.items}
        values = {
            "tab": tab,
            "tabs": list(QueueTab),
            "counts": queue_counts(session),
            "found": found,
            "suggested": {c.id: _suggested(session, c, machine[c.id]) for c in found.items},
            "analysis": analysis,
            "machine": machine,
            "departments": listing.departments(session),
            "tree": listing.category_tree(session),
        }
        return render(request, "staff/queue.html", values)


@router.post("/cases/{code}/dispatch")
def dispatch(
    request: Request,
    code: str,
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    actor: StaffActor,
    department: Annotated[str, Form(max_length=40)],
    category: Annotated[str | None, Form(max_length=40)] = None,
    back: Annotated[str, Form()] = "",
) -> Response:
    with db.transaction() as session:
        case = case_by_code(session, code)
        dept = department_by_code(session, department)
        chosen = category_by_code(session, category) if category else None
        workflow.dispatch(
            session,
            case,
            department=dept,
            actor=actor,
            now=now,
            settings=settings,
            category=chosen,
            urgency=kept_urgency(session, case, chosen),
        )
        done = {"case": case, "department": dept}
    if is_htmx(request):
        return render(request, "staff/_dispatched.html", done)
    return redirect(request, back if back.startswith("/staff/") else f"/staff/cases/{code}?done=dispatch")


def _department_of(actor: Actor) -> int:
    if actor.department_id is None:
        raise Forbidden("your account has no department; ask an administrator")
    return actor.department_id


@router.get("/inbox")
def department_inbox(
    request: Request, db: DbDep, now: NowDep, actor: StaffActor, tab: InboxTab = InboxTab.TO_ACCEPT, page: Page_ = 1
) -> Response:
    department_id = _department_of(actor)
    with db.reading() as session:
        found = inbox(session, department_id=department_id, tab=tab, now=now, page=page)
        ids = [c.id for c in found.items]
        values = {
            "tab": tab,
            "tabs": list(InboxTab),
            "counts": inbox_counts(session, department_id=department_id, now=now),
            "found": found,
            "urgency_reasons": {i: a.urgency_reason for i, a in analyses_of(session, ids).items() if a.urgency},
        }
        return render(request, "staff/inbox.html", values)
