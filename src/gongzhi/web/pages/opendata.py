"""The public open data page: aggregate figures, a treemap of volumes over the regions, CSV downloads."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response

from gongzhi.analytics.export import to_csv
from gongzhi.analytics.opendata import TABLES, default_period, open_data, public_sheet
from gongzhi.analytics.periods import Period, parse_period
from gongzhi.errors import InvalidInput
from gongzhi.web.deps import DbDep, NowDep, SettingsDep
from gongzhi.web.pages.render import language, render
from gongzhi.web.pages.route import page_router
from gongzhi.web.pages.security import PageActor

router = page_router()


def _period(request: Request, settings: SettingsDep, now: NowDep) -> Period:
    today = now.astimezone(settings.zone).date()
    q = request.query_params
    if not any(q.get(k) for k in ("month", "from", "to")):
        return default_period(today)
    return parse_period(today=today, month=q.get("month") or None, start=q.get("from") or None, end=q.get("to") or None)


@router.get("/open-data")
def page(request: Request, db: DbDep, settings: SettingsDep, now: NowDep, actor: PageActor) -> Response:
    params = {k: v for k, v in request.query_params.items() if k in ("month", "from", "to") and v}
    values: dict[str, object] = {"f": params}
    try:
        period = _period(request, settings, now)
    except InvalidInput as exc:
        values["error"] = exc.message
        return render(request, "open_data.html", values, status=400)
    with db.reading() as session:
        data = open_data(session, period=period)
    query = "&".join(f"{k}={v}" for k, v in params.items())
    values.update(data=data, charts={"regions": {"tree": data.tree}}, query=query)
    return render(request, "open_data.html", values)


@router.get("/open-data.csv")
def download(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    actor: PageActor,
    table: Annotated[str, Query(max_length=20)] = "region",
) -> Response:
    if table not in TABLES:
        raise InvalidInput(f"unknown table {table!r}; use one of: {', '.join(TABLES)}", field="table")
    period = _period(request, settings, now)
    with db.reading() as session:
        data = open_data(session, period=period)
    body = to_csv(public_sheet(table, data.tables[table], language(request)))
    name = f"gongzhi-open-{table}-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    return Response(
        body, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
