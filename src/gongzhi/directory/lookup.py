"""Find directory entries by their public codes, with errors that say where to look."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongzhi.directory.models import Category, Department, Region
from gongzhi.errors import NotFound


def category_by_code(session: Session, code: str, *, field: str = "category") -> Category:
    category = session.scalar(select(Category).where(Category.code == code))
    if category is None or not category.active:
        raise NotFound(
            f"category {code!r} does not exist; list them at /api/v1/categories or with `gongzhi catalogue list`",
            field=field,
        )
    return category


def department_by_code(session: Session, code: str, *, field: str = "department") -> Department:
    department = session.scalar(select(Department).where(Department.code == code))
    if department is None or not department.active:
        raise NotFound(f"department {code!r} does not exist; list them at /api/v1/departments", field=field)
    return department


def region_by_code(session: Session, code: str, *, field: str = "region") -> Region:
    region = session.scalar(select(Region).where(Region.code == code))
    if region is None:
        raise NotFound(f"region {code!r} does not exist; list them at /api/v1/regions", field=field)
    return region
