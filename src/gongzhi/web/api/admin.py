"""Administration: users and roles, API keys, departments, routing rules, service levels, the calendar."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from pydantic import Field

from gongzhi.accounts.models import Role
from gongzhi.accounts.permissions import Action, require
from gongzhi.accounts.service import create_api_key, create_user
from gongzhi.directory import admin
from gongzhi.directory.lookup import department_by_code
from gongzhi.directory.models import DepartmentKind, Urgency
from gongzhi.web.api.schemas import Strict
from gongzhi.web.deps import CurrentActor, DbDep, NowDep

router = APIRouter(prefix="/admin", tags=["admin"])


class UserIn(Strict):
    username: str
    password: str
    role: Role
    display_name: str | None = None
    department: str | None = None
    email: str | None = None


class ApiKeyIn(Strict):
    name: str = Field(min_length=1, max_length=100)


class DepartmentIn(Strict):
    code: str = Field(min_length=1, max_length=40)
    name: str = Field(min_length=1, max_length=100)
    kind: DepartmentKind
    name_en: str = ""
    supervisor: str | None = None
    region: str | None = None


class RoutingRuleIn(Strict):
    category: str
    department: str | None = None
    region: str | None = None
    by_street: bool = False


class SlaIn(Strict):
    urgency: Urgency
    respond: str = Field(description="e.g. 2h (clock hours), 24wh (working hours), 7wd (working days)")
    resolve: str
    category: str | None = None


class CalendarIn(Strict):
    day: date
    is_working_day: bool
    note: str = ""


@router.post("/users", status_code=201, summary="Create a staff or citizen account")
def add_user(body: UserIn, db: DbDep, now: NowDep, actor: CurrentActor) -> dict[str, object]:
    require(actor, Action.ADMINISTER)
    with db.transaction() as session:
        dept = department_by_code(session, body.department).id if body.department else None
        user = create_user(
            session,
            username=body.username,
            password=body.password,
            role=body.role,
            now=now,
            display_name=body.display_name,
            department_id=dept,
            email=body.email,
        )
        return {"id": user.id, "username": user.username, "role": user.role.value}


@router.post("/api-keys", status_code=201, summary="Issue an Open311 API key (shown once)")
def add_api_key(body: ApiKeyIn, db: DbDep, now: NowDep, actor: CurrentActor) -> dict[str, str]:
    require(actor, Action.ADMINISTER)
    with db.transaction() as session:
        return {"name": body.name, "api_key": create_api_key(session, name=body.name, now=now, user_id=actor.user_id)}


@router.post("/departments", status_code=201, summary="Add a department")
def add_department(body: DepartmentIn, db: DbDep, actor: CurrentActor) -> dict[str, object]:
    require(actor, Action.ADMINISTER)
    with db.transaction() as session:
        dept = admin.create_department(
            session,
            code=body.code,
            name=body.name,
            kind=body.kind,
            name_en=body.name_en,
            supervisor=body.supervisor,
            region=body.region,
        )
        return {"code": dept.code, "name": dept.name}


@router.put("/routing-rules", summary="Set the department for a category (and region)")
def put_routing_rule(body: RoutingRuleIn, db: DbDep, actor: CurrentActor) -> dict[str, object]:
    require(actor, Action.ADMINISTER)
    with db.transaction() as session:
        admin.set_routing_rule(
            session, category=body.category, department=body.department, region=body.region, by_street=body.by_street
        )
    return body.model_dump()


@router.put("/sla-policies", summary="Set response and resolution times")
def put_sla(body: SlaIn, db: DbDep, actor: CurrentActor) -> dict[str, object]:
    require(actor, Action.ADMINISTER)
    with db.transaction() as session:
        admin.set_sla_policy(
            session, urgency=body.urgency, respond=body.respond, resolve=body.resolve, category=body.category
        )
    return body.model_dump(mode="json")


@router.put("/calendar", summary="Declare a local day off or extra working day")
def put_calendar(body: CalendarIn, db: DbDep, actor: CurrentActor) -> dict[str, object]:
    require(actor, Action.ADMINISTER)
    with db.transaction() as session:
        admin.set_calendar_override(session, day=body.day, is_working_day=body.is_working_day, note=body.note)
    return body.model_dump(mode="json")
