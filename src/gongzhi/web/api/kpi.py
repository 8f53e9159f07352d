"""Department performance figures over a period."""

from __future__ import annotations

from datetime import UTC

from fastapi import APIRouter, Query

from gongzhi.accounts.permissions import Action, require
from gongzhi.cases.kpi import department_kpis
from gongzhi.directory.lookup import department_by_code
from gongzhi.web.api.params import parse_instant
from gongzhi.web.deps import CurrentActor, DbDep, NowDep, SettingsDep

router = APIRouter(tags=["kpi"])


@router.get("/kpi", summary="三率 and other figures per department for [from, to)")
def kpi(
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    actor: CurrentActor,
    start: str | None = Query(None, alias="from", description="start, e.g. 2026-10-01 (default: this month)"),
    end: str | None = Query(None, alias="to", description="end (exclusive), default now"),
    department: str | None = None,
) -> dict[str, object]:
    require(actor, Action.VIEW_KPI)
    local_now = now.astimezone(settings.zone)
    t0 = (
        parse_instant(start, field="from", settings_zone=settings.zone)
        if start
        else local_now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    )
    t1 = parse_instant(end, field="to", settings_zone=settings.zone) if end else now
    with db.reading() as session:
        dept_id = department_by_code(session, department).id if department else None
        figures = department_kpis(session, start=t0.astimezone(UTC), end=t1.astimezone(UTC), department_id=dept_id)
    return {"from": t0.isoformat(), "to": t1.isoformat(), "departments": [k.as_dict() for k in figures]}
