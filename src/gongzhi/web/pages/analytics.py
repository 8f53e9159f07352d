"""The performance dashboard (staff): rates per department, street, category and type, trends, the monthly
ranking, the cases behind every figure, and every table as CSV or XLSX."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Query, Request
from fastapi.responses import Response

from gongzhi.accounts.permissions import Action, require
from gongzhi.analytics import drilldown, performance
from gongzhi.analytics.dims import CASE_TYPES, Member
from gongzhi.analytics.export import sheet, to_csv, to_xlsx
from gongzhi.analytics.performance import Dashboard, Row
from gongzhi.analytics.periods import Period, parse_period
from gongzhi.analytics.queries import Filter, make_filter
from gongzhi.directory import listing
from gongzhi.directory.models import RegionLevel
from gongzhi.errors import InvalidInput
from gongzhi.web.deps import DbDep, NowDep, SettingsDep
from gongzhi.web.pages.render import language, render
from gongzhi.web.pages.route import page_router
from gongzhi.web.pages.security import StaffActor

router = page_router(prefix="/staff/analytics")
TABLES = ("department", "region", "category", "type", "ranking_region", "ranking_department", "trend")
TOP = 15  # bars per chart; the tables list everything
MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _params(request: Request) -> dict[str, str]:
    keys = ("month", "from", "to", "department", "region", "category", "type")
    return {k: request.query_params[k] for k in keys if request.query_params.get(k)}


def _ask(request: Request, settings: SettingsDep, now: NowDep) -> tuple[Period, Filter]:
    p = _params(request)
    today = now.astimezone(settings.zone).date()
    period = parse_period(today=today, month=p.get("month"), start=p.get("from"), end=p.get("to"))
    where = make_filter(
        department=p.get("department"), region=p.get("region"), category=p.get("category"), type=p.get("type")
    )
    return period, where


def drill(params: dict[str, str], metric: str, **changes: str) -> str:
    """The address of the cases behind a figure: the page's period and filters, changed by ``changes``."""
    query = {**params, **changes, "metric": metric}
    if "month" in changes:
        query.pop("from", None)
        query.pop("to", None)
    return "/staff/analytics/cases?" + urlencode({k: v for k, v in query.items() if v})


def _bars(rows: list[Row], dimension: str, params: dict[str, str], lang: str) -> dict[str, Any]:
    shown = [r for r in rows if r.figures.counts["received"] or r.figures.counts["dispatched"]][:TOP]
    key = {"department": "department", "region": "region", "category": "category", "type": "type"}[dimension]
    return {
        "labels": [_name(r, lang) for r in shown],
        "bars": [r.figures.counts["received"] for r in shown],
        "lines": {
            "response_rate": [_pct(r.figures.response_rate) for r in shown],
            "satisfaction_rate": [_pct(r.figures.satisfaction_rate) for r in shown],
        },
        "links": [drill(params, "received", **{key: r.member.code}) for r in shown],
    }


def _name(row: Row, lang: str) -> str:
    if row.member.level == "type":
        return row.member.code
    return row.member.name_en if lang == "en" and row.member.name_en else row.member.name


def _pct(rate: float | None) -> float | None:
    return None if rate is None else round(rate * 100, 1)


def _charts(board: Dashboard, params: dict[str, str], lang: str) -> dict[str, Any]:
    trend = board.trend
    charts = {
        "trend": {
            "labels": [m.strftime("%Y-%m") for m, _ in trend],
            "bars": [f.counts["received"] for _, f in trend],
            "lines": {
                "response_rate": [_pct(f.response_rate) for _, f in trend],
                "resolution_rate": [_pct(f.resolution_rate) for _, f in trend],
                "satisfaction_rate": [_pct(f.satisfaction_rate) for _, f in trend],
            },
            "links": [drill(params, "received", month=m.strftime("%Y-%m")) for m, _ in trend],
        }
    }
    for dimension in ("department", "region", "category"):
        charts[dimension] = _bars(board.tables[dimension], dimension, params, lang)
    return charts


def _choices(db: Any) -> dict[str, Any]:
    with db.reading() as session:
        return {
            "departments": listing.departments(session),
            "regions": listing.regions(session, levels=(RegionLevel.DISTRICT, RegionLevel.STREET)),
            "tree": listing.category_tree(session),
            "types": CASE_TYPES,
        }


@router.get("")
def dashboard(request: Request, db: DbDep, settings: SettingsDep, now: NowDep, actor: StaffActor) -> Response:
    require(actor, Action.VIEW_ANALYTICS)
    params = _params(request)
    values: dict[str, Any] = {"f": params, "drill": drill, "params": params, **_choices(db)}
    try:
        period, where = _ask(request, settings, now)
        with db.reading() as session:
            board = performance.dashboard(session, period=period, where=where)
    except InvalidInput as exc:  # the form stays, with what to correct
        values["error"] = exc.message
        return render(request, "staff/analytics.html", values, status=400)
    values.update(board=board, charts=_charts(board, params, language(request)), export=urlencode(params))
    return render(request, "staff/analytics.html", values)


@router.get("/export")
def export(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    actor: StaffActor,
    table: Annotated[str, Query(max_length=40)] = "department",
    format: Annotated[str, Query(max_length=10)] = "csv",
) -> Response:
    """One table of the dashboard as a file; the trend table has one row per month."""
    require(actor, Action.VIEW_ANALYTICS)
    if table not in TABLES:
        raise InvalidInput(f"unknown table {table!r}; use one of: {', '.join(TABLES)}", field="table")
    if format not in MEDIA:
        raise InvalidInput("format must be csv or xlsx", field="format")
    period, where = _ask(request, settings, now)
    with db.reading() as session:
        board = performance.dashboard(session, period=period, where=where)
    lang = language(request)
    if table == "trend":
        rows = [Row(_month_member(m), f) for m, f in board.trend]
        data = sheet(f"trend {period.label}", rows, lang=lang)
    else:
        data = sheet(f"{table} {period.label}", board.tables[table], ranked=table.startswith("ranking"), lang=lang)
    body = to_csv(data) if format == "csv" else to_xlsx(data)
    name = f"gongzhi-{table}-{period.start.isoformat()}-{period.end.isoformat()}.{format}"
    return Response(body, media_type=MEDIA[format], headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _month_member(month: date) -> Member:
    label = month.strftime("%Y-%m")
    return Member(0, label, label, label, "month")


@router.get("/cases")
def cases(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    actor: StaffActor,
    metric: Annotated[str, Query(max_length=40)] = "received",
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    """The cases behind a figure of the dashboard, newest first, each linking to its workspace."""
    require(actor, Action.VIEW_ANALYTICS)
    period, where = _ask(request, settings, now)
    with db.reading() as session:
        found = drilldown.cases_behind(
            session, metric=metric, period=period, where=where, zone=settings.zone, page=page
        )
        values = {"found": found, "metric": metric, "period": period, "params": _params(request)}
        return render(request, "staff/analytics_cases.html", values)
