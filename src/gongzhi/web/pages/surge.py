"""Staff pages of the surge early warning and the forecasts: /staff/analytics/alerts and /forecasts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import Form, Query, Request
from fastapi.responses import Response

from gongzhi.accounts.permissions import Action, can, require
from gongzhi.analytics import forecast, surge
from gongzhi.analytics.dims import Dims, load
from gongzhi.errors import InvalidInput
from gongzhi.web.deps import DbDep, NowDep, SettingsDep
from gongzhi.web.pages.render import language, redirect, render
from gongzhi.web.pages.route import page_router
from gongzhi.web.pages.security import StaffActor

router = page_router(prefix="/staff/analytics")
Code = Annotated[str, Query(max_length=40)]


def _name(dims: Dims, dimension: str, code: str, lang: str) -> str:
    if code == surge.EVERY:
        return "*"
    if not code:
        return "（未指定）" if lang != "en" else "(none)"
    member = next((m for m in dims.table(dimension).values() if m.code == code), None)
    if member is None:
        return code
    return member.name_en if lang == "en" and member.name_en else member.name


def series_chart(view: surge.SeriesView) -> dict[str, Any]:
    """What the chart script draws: counts as bars, the bound as a line, alarms as marks."""
    return {
        "days": [d.isoformat() for d in view.days],
        "counts": view.counts,
        "upper": view.upper,
        "alarms": [[d.isoformat(), n] for d, n, a in zip(view.days, view.counts, view.alarm, strict=True) if a],
        "note": view.note,
    }


@router.get("/alerts")
def alerts_page(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    actor: StaffActor,
    category: Code | None = None,
    region: Code | None = None,
    days: Annotated[int, Query(ge=7, le=730)] = 90,
    open_only: Annotated[bool, Query(alias="open")] = False,
) -> Response:
    require(actor, Action.VIEW_ANALYTICS)
    today = now.astimezone(settings.zone).date()
    lang = language(request)
    with db.reading() as session:
        dims = load(session)
        alerts = surge.list_alerts(session, since=today - timedelta(days=days), open_only=open_only)
        if category is None and region is None and alerts:
            category, region = alerts[0].category, alerts[0].region
        view = None
        if category is not None and region is not None:
            view = surge.series_view(
                session, settings=settings, category=category, region=region, last=today - timedelta(days=1), days=days
            )
        values = {
            "alerts": alerts,
            "view": view,
            "chart": series_chart(view) if view else None,
            "rule_rows": surge.rule_rows(session),
            "default": surge.default_rule(settings),
            "name": lambda dimension, code: _name(dims, dimension, code, lang),
            "days": days,
            "open_only": open_only,
            "can_act": can(actor, Action.SUPERVISE),
            "methods": surge.METHODS,
            "categories": sorted((m for m in dims.categories.values() if m.level == "2"), key=lambda m: m.code),
            "streets": sorted((m for m in dims.regions.values() if m.level == "street"), key=lambda m: m.code),
        }
        return render(request, "staff/alerts.html", values)


@router.post("/alerts/{alert_id}/acknowledge")
def acknowledge(
    db: DbDep,
    now: NowDep,
    actor: StaffActor,
    request: Request,
    alert_id: int,
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    with db.transaction() as session:
        alert = surge.acknowledge(session, actor=actor, alert_id=alert_id, note=note, now=now)
        back = f"/staff/analytics/alerts?category={alert.category}&region={alert.region}"
    return redirect(request, back)


@router.post("/alerts/rules")
def save_rule(
    request: Request,
    db: DbDep,
    now: NowDep,
    actor: StaffActor,
    category: Annotated[str, Form(max_length=40)],
    region: Annotated[str, Form(max_length=40)],
    method: Annotated[str, Form(max_length=20)],
    alpha: Annotated[str, Form(max_length=20)] = "",
    baseline: Annotated[int, Form(ge=3, le=56)] = 7,
    min_sigma: Annotated[float, Form(ge=0, le=1000)] = 0.5,
    min_count: Annotated[int, Form(ge=0, le=100_000)] = 5,
    enabled: Annotated[bool, Form()] = False,
) -> Response:
    rule = surge.Rule(method, _alpha(alpha), baseline, min_sigma, min_count, enabled)
    with db.transaction() as session:
        surge.set_rule(session, actor=actor, category=category, region=region, rule=rule, now=now)
    return redirect(request, "/staff/analytics/alerts#rules")


@router.post("/alerts/rules/{rule_id}/delete")
def delete_rule(request: Request, db: DbDep, actor: StaffActor, rule_id: int) -> Response:
    with db.transaction() as session:
        surge.delete_rule(session, actor=actor, rule_id=rule_id)
    return redirect(request, "/staff/analytics/alerts#rules")


def _alpha(text: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        message = f"alpha {text!r} is not a number; write it like 0.01, or leave it empty"
        raise InvalidInput(message, field="alpha") from None


def forecast_chart(item: forecast.SeriesForecast, shown_weeks: int = 52) -> dict[str, Any]:
    """History (the last year), forecast mean and the 80 % and 95 % bands, on one time axis."""
    weeks = [w.isoformat() for w in item.weeks[-shown_weeks:]] + [w.isoformat() for w in item.future]
    past = len(weeks) - len(item.future)
    p = item.prediction
    pad: list[float | None] = [None] * past
    return {
        "weeks": weeks,
        "counts": item.counts[-shown_weeks:] + [None] * len(item.future),
        "mean": pad + ([round(v, 1) for v in p.mean] if p else []),
        "bands": {
            str(level): {"lower": pad + list(p.lower[level]), "upper": pad + list(p.upper[level])}
            for level in (p.lower if p else {})
        },
        "note": item.note,
    }


@router.get("/forecasts")
def forecasts_page(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    actor: StaffActor,
    horizon: Annotated[int, Query(ge=4, le=8)] = 8,
) -> Response:
    require(actor, Action.VIEW_ANALYTICS)
    today: date = now.astimezone(settings.zone).date()
    with db.reading() as session:
        result = forecast.weekly_forecasts(session, today=today, horizon=horizon)
    charts = {f"series-{i}": forecast_chart(item) for i, item in enumerate(result.series)}
    values = {"result": result, "charts": charts, "horizon": horizon, "lang": language(request)}
    return render(request, "staff/forecasts.html", values)
