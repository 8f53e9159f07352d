"""Find directory entries by their public codes, with errors that say where to look."""

from __future__ import annotations

from sqlalchemy.orm import Session

from gongzhi.directory.models import Category, Department, Region
from gongzhi.directory.snapshot import row_by_code
from gongzhi.errors import NotFound


def category_by_code(session: Session, code: str, *, field: str = "category") -> Category:
    category = row_by_code(session, Category, code)
    if category is None or not category.active:
        raise NotFound(
            f"category {code!r} does not exist; list them at /api/v1/categories or with `gongzhi catalogue list`",
            field=field,
        )
    return category


def department_by_code(session: Session, code: str, *, field: str = "department") -> Department:
    department = row_by_code(session, Department, code)
    if department is None or not department.active:
        raise NotFound(f"department {code!r} does not exist; list them at /api/v1/departments", field=field)
    return department


def region_by_code(session: Session, code: str, *, field: str = "region") -> Region:
    region = row_by_code(session, Region, code)
    if region is None:
        raise NotFound(f"region {code!r} does not exist; list them at /api/v1/regions", field=field)
    return region
