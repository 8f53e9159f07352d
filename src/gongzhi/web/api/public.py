"""The public message board (留言板): published cases and their public replies, for anyone."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from gongzhi.cases.lookup import case_by_code
from gongzhi.cases.models import Case, CaseType, Reply, Status
from gongzhi.cases.queries import PUBLIC_STATES, CaseFilter, list_cases, replies, replies_of_many
from gongzhi.errors import NotFound
from gongzhi.web.api import schemas as s
from gongzhi.web.api.params import optional_instant
from gongzhi.web.deps import DbDep, SettingsDep

router = APIRouter(prefix="/public", tags=["public"])


def _public(case: Case, answers: list[Reply]) -> s.CasePublicOut:
    return s.CasePublicOut(**s.CasePublicOut.fields_of(case), replies=[s.ReplyOut.of(r) for r in answers])


@router.get("/cases", summary="Published cases with their replies")
def board(
    db: DbDep,
    settings: SettingsDep,
    q: Annotated[str | None, Query(max_length=100)] = None,
    category: str | None = None,
    department: str | None = None,
    region: str | None = None,
    status: Annotated[list[Status] | None, Query()] = None,
    type: CaseType | None = None,
    submitted_from: datetime | None = None,
    submitted_to: datetime | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> s.PageOut:
    filters = CaseFilter(
        status=status or [],
        department=department,
        category=category,
        region=region,
        type=type,
        q=q,
        submitted_from=optional_instant(submitted_from, field="submitted_from", zone=settings.zone),
        submitted_to=optional_instant(submitted_to, field="submitted_to", zone=settings.zone),
    )
    with db.reading() as session:
        found = list_cases(session, filters=filters, page=page, per_page=per_page, public_only=True)
        answers = replies_of_many(session, found.items, public_only=True)
        items = [_public(c, answers[c.id]) for c in found.items]
    return s.PageOut(total=found.total, page=found.page, per_page=found.per_page, pages=found.pages, items=items)


@router.get("/cases/{code}", response_model=s.CasePublicOut, summary="One published case")
def one(code: str, db: DbDep) -> s.CasePublicOut:
    with db.reading() as session:
        case = case_by_code(session, code)
        if not case.is_public or case.status not in PUBLIC_STATES:
            raise NotFound(f"case {code} is not published; its citizen can follow it with the tracking secret")
        return _public(case, replies(session, case, public_only=True))
