"""Reading the directory for pages and forms: the catalogue as a tree, departments, regions, rules, calendar."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from gongzhi.directory.models import (
    CalendarOverride,
    Category,
    Department,
    Region,
    RegionLevel,
    RoutingRule,
    SlaPolicy,
)


@dataclass
class Node:
    """A catalogue entry with its children, for pickers and filters."""

    category: Category
    children: list[Node] = field(default_factory=list)


def category_tree(session: Session) -> list[Node]:
    """The active catalogue as level-1 nodes holding level-2 nodes holding level-3 nodes."""
    rows = list(session.scalars(select(Category).where(Category.active).order_by(Category.code)))
    nodes = {c.id: Node(c) for c in rows}
    roots: list[Node] = []
    for category in rows:
        parent = nodes.get(category.parent_id) if category.parent_id else None
        (parent.children if parent else roots).append(nodes[category.id])
    return [n for n in roots if n.category.level == 1]


def search_categories(session: Session, text: str, *, limit: int = 50) -> list[tuple[Node, Node, Node]]:
    """Third-level entries whose name, or whose parents' names, contain ``text`` (Chinese or English)."""
    needle = text.strip().lower()
    found = []
    for top in category_tree(session):
        for middle in top.children:
            for leaf in middle.children:
                names = " ".join(f"{n.category.name} {n.category.name_en}" for n in (top, middle, leaf)).lower()
                if needle in names:
                    found.append((top, middle, leaf))
    return found[:limit]


def departments(session: Session) -> list[Department]:
    return list(session.scalars(select(Department).where(Department.active).order_by(Department.code)))


def regions(session: Session, *, levels: tuple[RegionLevel, ...] | None = None) -> list[Region]:
    query = select(Region).order_by(Region.code)
    if levels:
        query = query.where(Region.level.in_(levels))
    return list(session.scalars(query))


@dataclass(frozen=True)
class RuleRow:
    category: Category
    region: Region | None
    department: Department | None
    by_street: bool


def routing_rules(session: Session) -> list[RuleRow]:
    region, department = aliased(Region), aliased(Department)
    query = (
        select(RoutingRule, Category, region, department)
        .join(Category, Category.id == RoutingRule.category_id)
        .outerjoin(region, region.id == RoutingRule.region_id)
        .outerjoin(department, department.id == RoutingRule.department_id)
        .order_by(Category.code)
    )
    return [RuleRow(c, r, d, rule.by_street) for rule, c, r, d in session.execute(query)]


def sla_policies(session: Session) -> list[tuple[SlaPolicy, Category | None]]:
    query = (
        select(SlaPolicy, Category)
        .outerjoin(Category, Category.id == SlaPolicy.category_id)
        .order_by(Category.code.nulls_first(), SlaPolicy.urgency)
    )
    return [(policy, category) for policy, category in session.execute(query)]


def calendar_overrides(session: Session) -> list[CalendarOverride]:
    return list(session.scalars(select(CalendarOverride).order_by(CalendarOverride.day.desc())))
