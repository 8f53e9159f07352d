"""Which department answers for a case: routing rules over the category and region hierarchies.

The most specific rule wins: a rule for the case's own category beats one for its parent category,
and, for the same category, a rule for the case's community beats one for its street, district or
no region at all. A ``by_street`` rule sends the case to the street office of the case's street
(or to the rule's department when the street is unknown).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongzhi.directory.lookup import ancestors
from gongzhi.directory.models import Category, Department, Region, RegionLevel, RoutingRule


def route(session: Session, *, category: Category, region: Region | None) -> Department | None:
    """The responsible department, or None when no rule applies (a dispatcher decides)."""
    region_chain = ancestors(region) if region else []
    for cat in ancestors(category):
        rules = {r.region_id: r for r in session.scalars(select(RoutingRule).where(RoutingRule.category_id == cat.id))}
        for place in [*region_chain, None]:
            rule = rules.get(place.id if place else None)
            if rule is None:
                continue
            department = _department_of(session, rule, region)
            if department is not None:
                return department
    return None


def _department_of(session: Session, rule: RoutingRule, region: Region | None) -> Department | None:
    """The street office for a ``by_street`` rule when the street is known, else the rule's own department."""
    if rule.by_street:
        street = _street_of(region)
        office = (
            session.scalar(select(Department).where(Department.region_id == street.id, Department.active))
            if street is not None
            else None
        )
        if office is not None:
            return office
    return session.get(Department, rule.department_id) if rule.department_id else None


def _street_of(region: Region | None) -> Region | None:
    for place in ancestors(region) if region else []:
        if place.level is RegionLevel.STREET:
            return place  # type: ignore[return-value]
    return None
