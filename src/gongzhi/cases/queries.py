"""Reading cases: filtered, paginated lists for staff and for the public message board."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session

from gongzhi.cases.models import Case, CaseEvent, CaseType, Reply, Status
from gongzhi.directory.lookup import category_by_code, department_by_code, region_by_code
from gongzhi.directory.models import Category, Region
from gongzhi.errors import InvalidInput

MAX_PAGE_SIZE = 100
MAX_PAGE = 1_000_000  # beyond it the row offset overflows the databases' integers
PUBLIC_STATES = frozenset(Status) - {Status.INVALID, Status.WITHDRAWN}


@dataclass
class CaseFilter:
    status: list[Status] = field(default_factory=list)
    department: str | None = None
    department_id: int | None = None
    category: str | None = None
    region: str | None = None
    type: CaseType | None = None
    q: str | None = None
    submitted_from: datetime | None = None
    submitted_to: datetime | None = None
    overdue_at: datetime | None = None  # only cases past their resolution deadline at this instant
    needs_arbitration: bool | None = None
    citizen_id: int | None = None


@dataclass
class Page:
    items: list[Case]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


def list_cases(
    session: Session, *, filters: CaseFilter, page: int = 1, per_page: int = 20, public_only: bool = False
) -> Page:
    if not 1 <= page <= MAX_PAGE:
        raise InvalidInput(f"page must be between 1 and {MAX_PAGE}", field="page")
    if not 1 <= per_page <= MAX_PAGE_SIZE:
        raise InvalidInput(f"per_page must be between 1 and {MAX_PAGE_SIZE}", field="per_page")
    query = _filtered(session, select(Case), filters)
    if public_only:
        query = query.where(Case.is_public, Case.status.in_(PUBLIC_STATES))
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.scalars(
        query.order_by(Case.submitted_at.desc(), Case.id.desc()).offset((page - 1) * per_page).limit(per_page)
    )
    return Page(items=list(rows.unique()), total=total, page=page, per_page=per_page)


def _filtered(session: Session, query: Select[Any], f: CaseFilter) -> Select[Any]:
    conditions = [*_directory_conditions(session, f), *_case_conditions(f)]
    return query.where(*conditions) if conditions else query


def _directory_conditions(session: Session, f: CaseFilter) -> list[ColumnElement[bool]]:
    """Filters that name a department, category or region by code; a category or region includes its children."""
    out: list[ColumnElement[bool]] = []
    if f.department:
        out.append(Case.department_id == department_by_code(session, f.department).id)
    if f.department_id is not None:
        out.append(Case.department_id == f.department_id)
    if f.category:
        root = category_by_code(session, f.category).id
        out.append(Case.category_id.in_(_descendants(session, Category, root)))
    if f.region:
        out.append(Case.region_id.in_(_descendants(session, Region, region_by_code(session, f.region).id)))
    return out


def _case_conditions(f: CaseFilter) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if f.status:
        out.append(Case.status.in_(f.status))
    if f.type:
        out.append(Case.type == f.type)
    if f.q:
        like = f"%{_escape_like(f.q.strip())}%"
        out.append(or_(Case.title.like(like, escape="\\"), Case.content.like(like, escape="\\")))
    if f.submitted_from:
        out.append(Case.submitted_at >= f.submitted_from)
    if f.submitted_to:
        out.append(Case.submitted_at < f.submitted_to)
    if f.overdue_at:
        out.append(Case.resolution_due < f.overdue_at)
        out.append(Case.status.in_([Status.DISPATCHED, Status.ACCEPTED, Status.REOPENED]))
    if f.needs_arbitration is not None:
        out.append(Case.needs_arbitration == f.needs_arbitration)
    if f.citizen_id is not None:
        out.append(Case.citizen_id == f.citizen_id)
    return out


def _descendants(session: Session, model: type[Category] | type[Region], root_id: int) -> list[int]:
    """The node and everything below it (three or four levels: a loop beats a recursive CTE here)."""
    found, frontier = [root_id], [root_id]
    while frontier:
        frontier = list(session.scalars(select(model.id).where(model.parent_id.in_(frontier))))
        found.extend(frontier)
    return found


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def timeline(session: Session, case: Case) -> list[CaseEvent]:
    return list(session.scalars(select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.id)))


def replies(session: Session, case: Case, *, public_only: bool) -> list[Reply]:
    """The case's replies; a merged case shows the replies of the case it was merged into."""
    return replies_of_many(session, [case], public_only=public_only)[case.id]


def replies_of_many(session: Session, cases: Iterable[Case], *, public_only: bool) -> dict[int, list[Reply]]:
    """Replies of several cases in one query (a page of the message board), oldest first."""
    target = {case.id: case.merged_into_id or case.id for case in cases}
    found: dict[int, list[Reply]] = {t: [] for t in target.values()}
    if target:
        query = select(Reply).where(Reply.case_id.in_(set(target.values()))).order_by(Reply.id)
        if public_only:
            query = query.where(Reply.is_public)
        for reply in session.scalars(query):
            found[reply.case_id].append(reply)
    return {case_id: found[t] for case_id, t in target.items()}


def mask_name(name: str | None) -> str | None:
    """张三丰 → 张**: a surname is no secret, the rest is."""
    if not name:
        return None
    return name[0] + "*" * max(1, len(name) - 1)


def mask_phone(phone: str | None) -> str | None:
    """13812345678 → 138****5678."""
    if not phone:
        return None
    digits = phone.replace(" ", "").replace("-", "")
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
