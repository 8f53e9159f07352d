"""Performance figures from the fact tables: summary, breakdowns, trend, ranking and the cases behind them.

Every endpoint takes the period as ``month=2026-10`` or ``from=2026-10-01&to=2026-10-31`` (inclusive;
default: this month) and the filters ``department``, ``region``, ``category``, ``type`` (codes).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from gongzhi.accounts.permissions import Action, require
from gongzhi.analytics import drilldown, performance
from gongzhi.analytics.export import row_values
from gongzhi.analytics.periods import Period, parse_period
from gongzhi.analytics.queries import DIMENSIONS, Filter, make_filter
from gongzhi.web.deps import CurrentActor, DbDep, NowDep, SettingsDep

router = APIRouter(prefix="/analytics", tags=["analytics"])
NOTES = {
    "future": "the period lies in the future: there are no figures for it yet",
    "empty": "no cases in this period for the filters given",
    "partial": "the period has not ended yet: its figures are still growing",
}


@dataclass
class Ask:
    """The period and filters of a request, parsed and checked."""

    period: Period
    where: Filter


def ask(
    settings: SettingsDep,
    now: NowDep,
    month: Annotated[str | None, Query(max_length=20, description="a month, e.g. 2026-10")] = None,
    start: Annotated[str | None, Query(alias="from", max_length=20, description="first day, e.g. 2026-10-01")] = None,
    end: Annotated[str | None, Query(alias="to", max_length=20, description="last day (inclusive)")] = None,
    department: Annotated[str | None, Query(max_length=40)] = None,
    region: Annotated[str | None, Query(max_length=40)] = None,
    category: Annotated[str | None, Query(max_length=40)] = None,
    type: Annotated[str | None, Query(max_length=20)] = None,
) -> Ask:
    today = now.astimezone(settings.zone).date()
    period = parse_period(today=today, month=month, start=start, end=end)
    return Ask(period, make_filter(department=department, region=region, category=category, type=type))


AskDep = Annotated[Ask, Depends(ask)]


def _head(q: Ask, notes: list[str] | None = None) -> dict[str, Any]:
    p = q.period
    return {
        "from": p.start.isoformat(),
        "to": p.end.isoformat(),
        "to_exclusive": True,
        "filters": {k: v for k, v in vars(q.where).items() if v},
        "notes": [NOTES[n] for n in notes or []],
    }


@router.get("/summary", summary="Totals and rates (三率, return, overdue, median handling time) of a period")
def summary(db: DbDep, actor: CurrentActor, q: AskDep) -> dict[str, Any]:
    require(actor, Action.VIEW_ANALYTICS)
    with db.reading() as session:
        board = performance.dashboard(session, period=q.period, where=q.where)
    return {**_head(q, board.notes), "total": board.total.as_dict()}


@router.get("/breakdown", summary="Figures per department, street, category or type")
def breakdown(
    db: DbDep,
    actor: CurrentActor,
    q: AskDep,
    by: Annotated[str, Query(description=f"one of: {', '.join(DIMENSIONS)}")] = "department",
) -> dict[str, Any]:
    require(actor, Action.VIEW_ANALYTICS)
    with db.reading() as session:
        rows = performance.breakdown(session, period=q.period, dimension=by, where=q.where)
    return {**_head(q), "by": by, "rows": [row_values(r) for r in rows]}


@router.get("/trend", summary="Monthly figures over the twelve months up to the period's last month")
def trend(db: DbDep, actor: CurrentActor, q: AskDep, months: Annotated[int, Query(ge=1, le=36)] = 12) -> dict[str, Any]:
    require(actor, Action.VIEW_ANALYTICS)
    with db.reading() as session:
        series = performance.monthly_trend(session, period=q.period, where=q.where, months=months)
    return {**_head(q), "months": [{"month": m.strftime("%Y-%m"), **f.as_dict()} for m, f in series]}


@router.get("/ranking", summary="Streets or departments ranked by 0.2·response + 0.4·resolution + 0.4·satisfaction")
def ranking(
    db: DbDep,
    actor: CurrentActor,
    q: AskDep,
    level: Annotated[str, Query(pattern="^(region|department)$", description="region (streets) or department")] = (
        "department"
    ),
) -> dict[str, Any]:
    require(actor, Action.VIEW_ANALYTICS)
    with db.reading() as session:
        rows = performance.ranking(session, period=q.period, level=level, where=q.where)
    return {
        **_head(q),
        "level": level,
        "weights": performance.WEIGHTS,
        "min_rated": performance.MIN_RATED,
        "rows": [row_values(r) for r in rows],
    }


@router.get("/cases", summary="The cases behind a figure (drill-down)")
def cases(
    db: DbDep,
    settings: SettingsDep,
    actor: CurrentActor,
    q: AskDep,
    metric: Annotated[str, Query(description=f"one of: {', '.join(drilldown.METRICS)}")] = "received",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> dict[str, Any]:
    require(actor, Action.VIEW_ANALYTICS)
    with db.reading() as session:
        found = drilldown.cases_behind(
            session, metric=metric, period=q.period, where=q.where, zone=settings.zone, page=page, per_page=per_page
        )
        items = [
            {
                "tracking_code": c.tracking_code,
                "title": c.title,
                "status": c.status.value,
                "type": c.type.value,
                "submitted_at": c.submitted_at.isoformat(),
                "department": c.department.code if c.department else None,
                "category": c.category.code if c.category else None,
                "region": c.region.code if c.region else None,
            }
            for c in found.items
        ]
    return {**_head(q), "metric": metric, "total": found.total, "page": found.page, "items": items}
