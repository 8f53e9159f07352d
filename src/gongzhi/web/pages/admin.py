"""Administration pages: departments, staff and roles, catalogue, routing rules, SLA policies, the calendar.

Each form calls one function of ``directory.admin`` or ``accounts.service`` and comes back to the page.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from gongzhi.accounts.listing import staff_users
from gongzhi.accounts.models import STAFF_ROLES, Role
from gongzhi.accounts.permissions import Action, Actor, require
from gongzhi.accounts.service import create_user
from gongzhi.directory import admin, listing
from gongzhi.directory.lookup import department_by_code
from gongzhi.directory.models import DepartmentKind, Urgency
from gongzhi.web.deps import DbDep, NowDep
from gongzhi.web.pages.forms import blank_to_none, checked
from gongzhi.web.pages.render import redirect, render
from gongzhi.web.pages.route import page_router
from gongzhi.web.pages.security import StaffActor

router = page_router(prefix="/staff/admin")
Text = Annotated[str, Form(max_length=200)]
Optional = Annotated[str | None, Form(max_length=200)]


@router.get("")
def overview(request: Request, db: DbDep, actor: StaffActor) -> Response:
    require(actor, Action.ADMINISTER)
    with db.reading() as session:
        values = {
            "departments": listing.departments(session),
            "users": staff_users(session),
            "rules": listing.routing_rules(session),
            "policies": listing.sla_policies(session),
            "overrides": listing.calendar_overrides(session),
            "tree": listing.category_tree(session),
            "kinds": list(DepartmentKind),
            "roles": [r for r in Role if r in STAFF_ROLES],
            "urgencies": list(Urgency),
            "done": request.query_params.get("done"),
        }
        return render(request, "staff/admin.html", values)


def _change(request: Request, db: DbDep, actor: Actor, done: str, act: Callable[[Session], object]) -> Response:
    require(actor, Action.ADMINISTER)
    with db.transaction() as session:
        act(session)
    return redirect(request, f"/staff/admin?done={done}#{done}")


@router.post("/departments")
def add_department(
    request: Request,
    db: DbDep,
    actor: StaffActor,
    code: Text,
    name: Text,
    kind: Annotated[DepartmentKind, Form()],
    name_en: Text = "",
    supervisor: Optional = None,
) -> Response:
    def act(session: Session) -> None:
        admin.create_department(
            session,
            code=code.strip(),
            name=name.strip(),
            kind=kind,
            name_en=name_en.strip(),
            supervisor=blank_to_none(supervisor),
        )

    return _change(request, db, actor, "departments", act)


@router.post("/users")
def add_user(
    request: Request,
    db: DbDep,
    now: NowDep,
    actor: StaffActor,
    username: Text,
    password: Text,
    role: Annotated[Role, Form()],
    display_name: Optional = None,
    department: Optional = None,
) -> Response:
    def act(session: Session) -> None:
        dept = blank_to_none(department)
        create_user(
            session,
            username=username.strip(),
            password=password,
            role=role,
            now=now,
            display_name=blank_to_none(display_name),
            department_id=department_by_code(session, dept).id if dept else None,
        )

    return _change(request, db, actor, "users", act)


@router.post("/categories")
def put_category(
    request: Request,
    db: DbDep,
    actor: StaffActor,
    code: Text,
    name: Text,
    level: Annotated[int, Form(ge=1, le=3)],
    parent: Optional = None,
    name_en: Text = "",
    urgency: Annotated[Urgency, Form()] = Urgency.NORMAL,
) -> Response:
    def act(session: Session) -> None:
        admin.upsert_category(
            session,
            code=code.strip(),
            name=name.strip(),
            level=level,
            parent=blank_to_none(parent),
            name_en=name_en.strip(),
            urgency=urgency,
        )

    return _change(request, db, actor, "catalogue", act)


@router.post("/routing")
def put_rule(
    request: Request,
    db: DbDep,
    actor: StaffActor,
    category: Text,
    department: Optional = None,
    region: Optional = None,
    by_street: Optional = None,
) -> Response:
    def act(session: Session) -> None:
        admin.set_routing_rule(
            session,
            category=category.strip(),
            department=blank_to_none(department),
            region=blank_to_none(region),
            by_street=checked(by_street),
        )

    return _change(request, db, actor, "routing", act)


@router.post("/sla")
def put_sla(
    request: Request,
    db: DbDep,
    actor: StaffActor,
    urgency: Annotated[Urgency, Form()],
    respond: Text,
    resolve: Text,
    category: Optional = None,
) -> Response:
    def act(session: Session) -> None:
        admin.set_sla_policy(
            session, urgency=urgency, respond=respond, resolve=resolve, category=blank_to_none(category)
        )

    return _change(request, db, actor, "sla", act)


@router.post("/calendar")
def put_calendar(
    request: Request,
    db: DbDep,
    actor: StaffActor,
    day: Annotated[date, Form()],
    working: Optional = None,
    note: Text = "",
) -> Response:
    def act(session: Session) -> None:
        admin.set_calendar_override(session, day=day, is_working_day=checked(working), note=note.strip())

    return _change(request, db, actor, "calendar", act)
