"""Which department answers for a case: routing rules over the category and region hierarchies.

The most specific rule wins: a rule for the case's own category beats one for its parent category,
and, for the same category, a rule for the case's community beats one for its street, district or
no region at all. A ``by_street`` rule sends the case to the street office of the case's street
(or to the rule's department when the street is unknown).

The rules and hierarchies come from the directory snapshot (``directory.snapshot``): routing a case
reads only the chosen department.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from gongzhi.directory.models import Category, Department, Region, RegionLevel
from gongzhi.directory.snapshot import Rule, Snapshot, directory, row_by_id


def route(session: Session, *, category: Category, region: Region | None) -> Department | None:
    """The responsible department, or None when no rule applies (a dispatcher decides)."""
    department_id = _department_id(directory(session), category_id=category.id, region_id=region.id if region else None)
    return row_by_id(session, Department, department_id) if department_id is not None else None


def _department_id(snapshot: Snapshot, *, category_id: int, region_id: int | None) -> int | None:
    region_chain = snapshot.region_chain(region_id) if region_id is not None else []
    for cat in snapshot.category_chain(category_id):
        for place in [*region_chain, None]:
            rule = snapshot.rules.get((cat, place))
            if rule is None:
                continue
            department_id = _department_of(snapshot, rule, region_chain)
            if department_id is not None:
                return department_id
    return None


def _department_of(snapshot: Snapshot, rule: Rule, region_chain: list[int]) -> int | None:
    """The street office for a ``by_street`` rule when the street is known, else the rule's own department."""
    if rule.by_street:
        street = next((place for place in region_chain if snapshot.region_level[place] is RegionLevel.STREET), None)
        office = snapshot.street_office.get(street) if street is not None else None
        if office is not None:
            return office
    return rule.department_id
