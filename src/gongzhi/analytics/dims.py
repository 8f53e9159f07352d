"""The dimensions of the facts: departments, regions and categories, their names and their hierarchies.

Read once per request or refresh (a city has hundreds of these rows, not millions), so that facts can
be rolled up (community → street → district, 三级 → 二级 → 一级分类) and labelled without joins.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongzhi.cases.models import CaseType
from gongzhi.directory.models import Category, Department, Region, RegionLevel
from gongzhi.errors import InvalidInput

STREET_DEPTH = ("city", "district", "street", "community")


@dataclass(frozen=True)
class Member:
    """One department, region or category as the facts see it."""

    id: int
    code: str
    name: str
    name_en: str
    level: str  # region level, category level ("1", "2", "3") or department kind
    parent_id: int | None = None


NONE = Member(0, "", "（未指定）", "(none)", "")


@dataclass
class Dims:
    departments: dict[int, Member] = field(default_factory=dict)
    regions: dict[int, Member] = field(default_factory=dict)
    categories: dict[int, Member] = field(default_factory=dict)

    def region_key(self, region_id: int | None) -> int:
        """The street a region belongs to (a community counts for its street); higher levels stay."""
        member = self.regions.get(region_id or 0)
        if member is None:
            return 0
        if member.level == RegionLevel.COMMUNITY.value and member.parent_id:
            return member.parent_id
        return member.id

    def category_key(self, category_id: int | None) -> int:
        """The second-level category (a third-level one counts for its parent)."""
        member = self.categories.get(category_id or 0)
        if member is None:
            return 0
        if member.level == "3" and member.parent_id:
            return member.parent_id
        return member.id

    def ancestor(self, table: dict[int, Member], member_id: int, level: str) -> int:
        """The ancestor of ``member_id`` at ``level`` (itself if it is at that level; 0 if above it)."""
        seen = 0
        current = table.get(member_id)
        while current is not None and seen < 8:
            if current.level == level:
                return current.id
            current = table.get(current.parent_id or 0)
            seen += 1
        return 0

    def district_of(self, region_id: int) -> int:
        return self.ancestor(self.regions, region_id, RegionLevel.DISTRICT.value)

    def top_category_of(self, category_id: int) -> int:
        return self.ancestor(self.categories, category_id, "1")

    def member(self, dimension: str, key: int | str) -> Member:
        """The department, region, category or type a fact key stands for (``NONE`` for 0)."""
        if dimension == "type":
            return Member(0, str(key), str(key), str(key), "type")
        table = self.table(dimension)
        return table.get(int(key), NONE)

    def table(self, dimension: str) -> dict[int, Member]:
        if dimension in ("department", "department_id"):
            return self.departments
        if dimension in ("region", "region_id", "district", "street"):
            return self.regions
        if dimension in ("category", "category_id", "category_top"):
            return self.categories
        raise ValueError(f"unknown dimension {dimension!r}")

    def find(self, dimension: str, code: str) -> Member:
        """The member with ``code``, or a refusal that says what was not found."""
        for member in self.table(dimension).values():
            if member.code == code:
                return member
        raise InvalidInput(f"there is no {dimension} with the code {code!r}", field=dimension)

    def subtree(self, dimension: str, root: int) -> list[int]:
        """``root`` and every member below it."""
        table = self.table(dimension)
        found, frontier = [root], {root}
        while frontier:
            frontier = {m.id for m in table.values() if m.parent_id in frontier}
            found.extend(frontier)
        return found

    def children(self, table: dict[int, Member], parent_id: int | None) -> list[Member]:
        return sorted((m for m in table.values() if m.parent_id == parent_id), key=lambda m: m.code)


def load(session: Session) -> Dims:
    dims = Dims()
    for d in session.execute(
        select(Department.id, Department.code, Department.name, Department.name_en, Department.kind)
    ):
        dims.departments[d.id] = Member(d.id, d.code, d.name, d.name_en or "", str(d.kind.value))
    for r in session.execute(
        select(Region.id, Region.code, Region.name, Region.name_en, Region.level, Region.parent_id)
    ):
        dims.regions[r.id] = Member(r.id, r.code, r.name, r.name_en or "", str(r.level.value), r.parent_id)
    columns = (Category.id, Category.code, Category.name, Category.name_en, Category.level, Category.parent_id)
    for c in session.execute(select(*columns)):
        dims.categories[c.id] = Member(c.id, c.code, c.name, c.name_en or "", str(c.level), c.parent_id)
    return dims


CASE_TYPES = tuple(t.value for t in CaseType)
