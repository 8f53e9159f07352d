"""The public message board (留言板), one published case per stable link, and departments with their KPIs."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response

from gongzhi.cases.kpi import department_kpis
from gongzhi.cases.lookup import case_by_code
from gongzhi.cases.models import Status
from gongzhi.cases.queries import PUBLIC_STATES, CaseFilter, list_cases, replies, replies_of_many
from gongzhi.config import Settings
from gongzhi.directory import listing
from gongzhi.directory.lookup import department_by_code
from gongzhi.directory.models import RegionLevel
from gongzhi.errors import NotFound
from gongzhi.web.deps import DbDep, NowDep, SettingsDep
from gongzhi.web.pages.duplicates import support_box
from gongzhi.web.pages.render import is_htmx, render
from gongzhi.web.pages.route import page_router
from gongzhi.web.pages.security import PageActor

router = page_router()
KPI_DAYS = 90
BOARD_STATES = [Status.DISPATCHED, Status.ACCEPTED, Status.REPLIED, Status.REOPENED, Status.CLOSED]


def _day(value: date | None, settings: Settings, *, end: bool = False) -> datetime | None:
    if value is None:
        return None
    local = datetime.combine(value + timedelta(days=1) if end else value, time(), tzinfo=settings.zone)
    return local.astimezone(UTC)


@router.get("/board")
def board(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    actor: PageActor,
    q: Annotated[str | None, Query(max_length=100)] = None,
    category: str | None = None,
    department: str | None = None,
    region: str | None = None,
    status: Status | None = None,
    since: date | None = None,
    until: date | None = None,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    filters = CaseFilter(
        status=[status] if status else [],
        q=(q or "").strip() or None,
        category=category or None,
        department=department or None,
        region=region or None,
        submitted_from=_day(since, settings),
        submitted_to=_day(until, settings, end=True),
    )
    with db.reading() as session:
        found = list_cases(session, filters=filters, page=page, per_page=20, public_only=True)
        answers = replies_of_many(session, found.items, public_only=True)
        choices = {
            "tree": listing.category_tree(session),
            "departments": listing.departments(session),
            "regions": listing.regions(session, levels=(RegionLevel.DISTRICT, RegionLevel.STREET)),
        }
        values = {"found": found, "answers": answers, "states": BOARD_STATES, "f": request.query_params, **choices}
        return render(request, "_board_results.html" if is_htmx(request) else "board.html", values)


@router.get("/cases/{code}")
def public_case(request: Request, code: str, db: DbDep, settings: SettingsDep, actor: PageActor) -> Response:
    with db.reading() as session:
        case = case_by_code(session, code)
        if not case.is_public or case.status not in PUBLIC_STATES:
            raise NotFound(f"case {code} is not published; its citizen can follow it with the tracking secret")
        answers = replies(session, case, public_only=True)
        supports = support_box(request, session, case, actor=actor, settings=settings)
        return render(request, "case_public.html", {"case": case, "replies": answers, "supports": supports})


@router.get("/departments")
def departments(request: Request, db: DbDep, now: NowDep, actor: PageActor) -> Response:
    with db.reading() as session:
        figures = department_kpis(session, start=now - timedelta(days=KPI_DAYS), end=now)
        names = {d.code: d for d in listing.departments(session)}
    rows = [(names[k.department], k) for k in figures if k.department in names]
    return render(request, "departments.html", {"rows": rows, "days": KPI_DAYS})


@router.get("/departments/{code}")
def department(request: Request, code: str, db: DbDep, now: NowDep, actor: PageActor) -> Response:
    with db.reading() as session:
        dept = department_by_code(session, code)
        periods = {
            days: department_kpis(session, start=now - timedelta(days=days), end=now, department_id=dept.id)[0]
            for days in (30, KPI_DAYS, 365)
        }
        recent = list_cases(session, filters=CaseFilter(department=code), per_page=10, public_only=True)
        return render(request, "department.html", {"dept": dept, "periods": periods, "recent": recent.items})
