"""Put the demo jurisdiction into a database through the directory's own functions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongzhi.accounts.models import Role
from gongzhi.accounts.service import create_api_key, create_user
from gongzhi.demo.jurisdiction import CATEGORIES, DEPARTMENTS, HOTLINE_CODE, INSPECTION_CODE, REGIONS, SLA_DEFAULTS
from gongzhi.directory import admin
from gongzhi.directory.lookup import department_by_code
from gongzhi.directory.models import Department, DepartmentKind, Region, RegionLevel, Urgency

STAFF_PASSWORD = "gongzhi-demo"
CITIZEN_PASSWORD = "citizen-demo"


def is_seeded(session: Session) -> bool:
    return session.scalar(select(Region.id).limit(1)) is not None


def seed_directory(session: Session) -> None:
    for region in REGIONS:
        admin.create_region(
            session,
            code=region.code,
            name=region.name,
            name_en=region.name_en,
            level=RegionLevel(region.level),
            parent=region.parent,
        )
    for dept in DEPARTMENTS:  # supervisors may come later in the list: link them in a second pass
        admin.create_department(
            session,
            code=dept.code,
            name=dept.name,
            name_en=dept.name_en,
            kind=DepartmentKind(dept.kind),
            region=dept.region,
        )
    rows = {d.code: d for d in session.scalars(select(Department))}
    for dept in DEPARTMENTS:
        if dept.supervisor:
            rows[dept.code].supervisor_id = rows[dept.supervisor].id
    for cat in CATEGORIES:
        admin.upsert_category(
            session,
            code=cat.code,
            name=cat.name,
            name_en=cat.name_en,
            level=cat.level,
            parent=cat.parent,
            urgency=Urgency(cat.urgency),
        )
        if cat.department:
            admin.set_routing_rule(session, category=cat.code, department=cat.department, by_street=cat.route_by_region)
    for sla in SLA_DEFAULTS:
        admin.set_sla_policy(session, urgency=Urgency(sla.urgency), respond=sla.respond, resolve=sla.resolve)


def seed_people(session: Session, *, now: datetime) -> None:
    """One account per role, a handler for every department, a few registered citizens."""

    def add(username: str, role: Role, name: str, department: str | None = None) -> None:
        dept_id = department_by_code(session, department).id if department else None
        password = CITIZEN_PASSWORD if role is Role.CITIZEN else STAFF_PASSWORD
        create_user(
            session,
            username=username,
            password=password,
            role=role,
            now=now,
            display_name=name,
            department_id=dept_id,
            email=f"{username}@demo.gongzhi.invalid",
        )

    add("admin", Role.ADMIN, "系统管理员")
    add("dispatcher", Role.DISPATCHER, "派单员 李静")
    add("dispatcher2", Role.DISPATCHER, "派单员 周航")
    add("supervisor", Role.SUPERVISOR, "督办 陈立新", HOTLINE_CODE)
    add("inspector", Role.SUPERVISOR, "督查室 刘敏", INSPECTION_CODE)
    for dept in DEPARTMENTS:
        if dept.code not in (HOTLINE_CODE, INSPECTION_CODE):
            add(f"h-{dept.code}", Role.HANDLER, f"{dept.short_name}承办人", dept.code)
    for i, name in enumerate(("王芳", "张伟", "刘洋"), start=1):
        add(f"citizen{i}", Role.CITIZEN, name)


def demo_logins() -> dict[str, str]:
    """What ``gongzhi demo`` prints so people can log in."""
    handlers = [d.code for d in DEPARTMENTS if d.code not in (HOTLINE_CODE, INSPECTION_CODE)]
    return {
        "admin": "admin",
        "dispatchers": "dispatcher, dispatcher2",
        "supervisors": "supervisor, inspector",
        "handlers": "h-<department code>, e.g. " + ", ".join(f"h-{c}" for c in handlers[:4]),
        "staff password": STAFF_PASSWORD,
        "citizens": f"citizen1, citizen2, citizen3 (password {CITIZEN_PASSWORD})",
    }


def new_api_key(session: Session, *, now: datetime) -> str:
    return create_api_key(session, name=f"demo Open311 client {now:%Y-%m-%d %H:%M}", now=now)
