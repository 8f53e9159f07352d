"""The jurisdiction as the public sees it: regions, departments, the service catalogue."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from gongzhi.directory.models import Category, Department, Region, RegionLevel
from gongzhi.web.deps import DbDep

router = APIRouter(tags=["directory"])


@router.get("/regions", summary="Regions: city → district → street → community")
def regions(db: DbDep, level: RegionLevel | None = None, parent: str | None = None) -> list[dict[str, object]]:
    with db.reading() as session:
        query = select(Region).order_by(Region.code)
        if level:
            query = query.where(Region.level == level)
        rows = list(session.scalars(query))
        codes = {r.id: r.code for r in rows} | {
            r.id: r.code for r in session.scalars(select(Region).where(Region.id.in_({x.parent_id for x in rows})))
        }
        out = [
            {
                "code": r.code,
                "name": r.name,
                "name_en": r.name_en,
                "level": r.level.value,
                "parent": codes.get(r.parent_id) if r.parent_id else None,
            }
            for r in rows
        ]
    return [r for r in out if parent is None or r["parent"] == parent]


@router.get("/departments", summary="Departments and the unit that supervises each")
def departments(db: DbDep) -> list[dict[str, object]]:
    with db.reading() as session:
        rows = list(session.scalars(select(Department).where(Department.active).order_by(Department.code)))
        codes = {d.id: d.code for d in rows}
        return [
            {
                "code": d.code,
                "name": d.name,
                "name_en": d.name_en,
                "kind": d.kind.value,
                "supervisor": codes.get(d.supervisor_id) if d.supervisor_id else None,
            }
            for d in rows
        ]


@router.get("/categories", summary="The three-level service catalogue (一级/二级/三级分类)")
def categories(db: DbDep, level: int | None = None, q: str | None = None) -> list[dict[str, object]]:
    with db.reading() as session:
        rows = list(session.scalars(select(Category).where(Category.active).order_by(Category.code)))
    codes = {c.id: c.code for c in rows}
    out = [
        {
            "code": c.code,
            "name": c.name,
            "name_en": c.name_en,
            "level": c.level,
            "urgency": c.urgency.value,
            "parent": codes.get(c.parent_id) if c.parent_id else None,
        }
        for c in rows
    ]
    if level is not None:
        out = [c for c in out if c["level"] == level]
    if q:
        out = [c for c in out if q in str(c["name"]) or q.lower() in str(c["name_en"]).lower()]
    return out
