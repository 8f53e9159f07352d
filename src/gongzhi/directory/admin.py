"""Changing the directory: routing rules, service levels, calendar overrides, departments.

Every change calls ``snapshot.changed`` first, so the transaction routes by what it wrote and its
commit drops this process's directory snapshot.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongzhi.directory import snapshot
from gongzhi.directory.lookup import category_by_code, department_by_code, region_by_code
from gongzhi.directory.models import (
    CalendarOverride,
    Category,
    Department,
    DepartmentKind,
    Region,
    RegionLevel,
    RoutingRule,
    SlaPolicy,
    Urgency,
)
from gongzhi.directory.worktime import parse_duration
from gongzhi.errors import Conflict, InvalidInput


def set_routing_rule(
    session: Session, *, category: str, department: str | None, region: str | None = None, by_street: bool = False
) -> RoutingRule:
    """Create or replace the rule for (category, region)."""
    snapshot.changed(session)
    if department is None and not by_street:
        raise InvalidInput("give a department, or by_street=true to route to the street office", field="department")
    cat = category_by_code(session, category)
    reg = region_by_code(session, region) if region else None
    rule = (
        session.scalar(
            select(RoutingRule).where(
                RoutingRule.category_id == cat.id, RoutingRule.region_id == (reg.id if reg else None)
            )
        )
        if reg
        else session.scalar(
            select(RoutingRule).where(RoutingRule.category_id == cat.id, RoutingRule.region_id.is_(None))
        )
    )
    if rule is None:
        rule = RoutingRule(category_id=cat.id, region_id=reg.id if reg else None)
        session.add(rule)
    rule.department_id = department_by_code(session, department).id if department else None
    rule.by_street = by_street
    session.flush()
    return rule


def set_sla_policy(
    session: Session, *, urgency: Urgency, respond: str, resolve: str, category: str | None = None
) -> SlaPolicy:
    snapshot.changed(session)
    for field, text in (("respond", respond), ("resolve", resolve)):
        try:
            parse_duration(text)
        except ValueError as exc:
            raise InvalidInput(f"{field}: {exc}", field=field) from None
    cat = category_by_code(session, category) if category else None
    query = select(SlaPolicy).where(SlaPolicy.urgency == urgency)
    query = query.where(SlaPolicy.category_id == cat.id) if cat else query.where(SlaPolicy.category_id.is_(None))
    policy = session.scalar(query)
    if policy is None:
        policy = SlaPolicy(category_id=cat.id if cat else None, urgency=urgency)
        session.add(policy)
    policy.respond, policy.resolve = respond.strip().lower(), resolve.strip().lower()
    session.flush()
    return policy


def set_calendar_override(session: Session, *, day: date, is_working_day: bool, note: str = "") -> CalendarOverride:
    snapshot.changed(session)
    override = session.get(CalendarOverride, day) or CalendarOverride(day=day)
    override.is_working_day, override.note = is_working_day, note
    session.merge(override)
    session.flush()
    return override


def create_department(
    session: Session,
    *,
    code: str,
    name: str,
    kind: DepartmentKind,
    name_en: str = "",
    supervisor: str | None = None,
    region: str | None = None,
) -> Department:
    snapshot.changed(session)
    if session.scalar(select(Department.id).where(Department.code == code)) is not None:
        raise Conflict(f"a department with code {code!r} exists already", field="code")
    department = Department(
        code=code,
        name=name,
        name_en=name_en,
        kind=kind,
        supervisor_id=department_by_code(session, supervisor, field="supervisor").id if supervisor else None,
        region_id=region_by_code(session, region).id if region else None,
    )
    session.add(department)
    session.flush()
    return department


def create_region(
    session: Session, *, code: str, name: str, level: RegionLevel, parent: str | None = None, name_en: str = ""
) -> Region:
    snapshot.changed(session)
    if session.scalar(select(Region.id).where(Region.code == code)) is not None:
        raise Conflict(f"a region with code {code!r} exists already", field="code")
    region = Region(
        code=code,
        name=name,
        name_en=name_en,
        level=level,
        parent_id=region_by_code(session, parent, field="parent").id if parent else None,
    )
    session.add(region)
    session.flush()
    return region


def upsert_category(
    session: Session,
    *,
    code: str,
    name: str,
    level: int,
    parent: str | None = None,
    name_en: str = "",
    urgency: Urgency = Urgency.NORMAL,
) -> Category:
    """Create or update a catalogue entry; importing the same file twice changes nothing."""
    snapshot.changed(session)
    if level not in (1, 2, 3):
        raise InvalidInput(f"category {code}: level must be 1, 2 or 3, not {level}", field="level")
    if (level == 1) != (parent is None):
        raise InvalidInput(f"category {code}: a level-1 category has no parent, others must have one", field="parent")
    parent_row = category_by_code(session, parent, field="parent") if parent else None
    if parent_row is not None and parent_row.level != level - 1:
        raise InvalidInput(
            f"category {code}: its parent {parent} is level {parent_row.level}, not {level - 1}", field="parent"
        )
    category = session.scalar(select(Category).where(Category.code == code))
    if category is None:
        category = Category(code=code)
        session.add(category)
    category.name, category.name_en, category.level, category.urgency = name, name_en, level, urgency
    category.parent_id = parent_row.id if parent_row else None
    category.parent = parent_row
    category.active = True
    session.flush()
    return category
