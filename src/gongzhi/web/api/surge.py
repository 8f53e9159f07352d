"""Surge alerts, the rules per series, one series with its bound, and the weekly forecasts (JSON)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from gongzhi.accounts.permissions import Action, require
from gongzhi.analytics import forecast, surge
from gongzhi.analytics.alert_models import Alert, AlertRule
from gongzhi.errors import InvalidInput
from gongzhi.web.deps import CurrentActor, DbDep, NowDep, SettingsDep

router = APIRouter(prefix="/analytics", tags=["analytics"])
Code = Annotated[str, Query(max_length=40, description="code; '' for none")]


def _alert(a: Alert) -> dict[str, Any]:
    return {
        "id": a.id,
        "category": a.category,
        "region": a.region,
        "day": a.day.isoformat(),
        "method": a.method,
        "observed": a.observed,
        "upper_bound": round(a.upper_bound, 3),
        "expected": None if a.expected is None else round(a.expected, 3),
        "created_at": a.created_at.isoformat(),
        "acknowledged_at": a.acknowledged_at.isoformat() if a.acknowledged_at else None,
        "acknowledged_by": a.acknowledged_by,
        "note": a.note,
    }


def _rule(r: AlertRule) -> dict[str, Any]:
    keys = ("id", "category", "region", "method", "alpha", "baseline", "min_sigma", "min_count", "enabled")
    return {k: getattr(r, k) for k in keys}


def _day(text: str | None, field: str, default: date) -> date:
    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{field} must be a date like 2026-10-01, not {text!r}", field=field) from None


@router.get("/alerts", summary="Surge alerts, newest first")
def alerts(
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    actor: CurrentActor,
    since: Annotated[str | None, Query(max_length=20, description="first day, e.g. 2026-10-01")] = None,
    open_only: Annotated[bool, Query(alias="open", description="only alerts not yet acknowledged")] = False,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> dict[str, Any]:
    require(actor, Action.VIEW_ANALYTICS)
    today = now.astimezone(settings.zone).date()
    first = _day(since, "since", today - timedelta(days=90))
    with db.reading() as session:
        found = surge.list_alerts(session, since=first, open_only=open_only, limit=limit)
        return {"since": first.isoformat(), "alerts": [_alert(a) for a in found]}


@router.get("/alerts/series", summary="One category × street series: daily counts, upper bound, alarms")
def series(
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    actor: CurrentActor,
    category: Code,
    region: Code,
    to: Annotated[str | None, Query(max_length=20, description="last day (default: yesterday)")] = None,
    days: Annotated[int, Query(ge=7, le=730)] = 90,
) -> dict[str, Any]:
    require(actor, Action.VIEW_ANALYTICS)
    yesterday = now.astimezone(settings.zone).date() - timedelta(days=1)
    last = _day(to, "to", yesterday)
    with db.reading() as session:
        view = surge.series_view(session, settings=settings, category=category, region=region, last=last, days=days)
        return {
            "category": view.category,
            "region": view.region,
            "rule": vars(view.rule),
            "days": [d.isoformat() for d in view.days],
            "counts": view.counts,
            "upper_bound": view.upper,
            "alarm": view.alarm,
            "alerts": [_alert(a) for a in view.alerts],
            "note": view.note,
        }


class AcknowledgeIn(BaseModel):
    note: str = Field("", max_length=2000, description="what is being done about it")


@router.post("/alerts/{alert_id}/acknowledge", summary="A supervisor has seen the alert")
def acknowledge(db: DbDep, now: NowDep, actor: CurrentActor, alert_id: int, body: AcknowledgeIn) -> dict[str, Any]:
    with db.transaction() as session:
        return _alert(surge.acknowledge(session, actor=actor, alert_id=alert_id, note=body.note, now=now))


@router.get("/alert-rules", summary="Rules per series and the defaults")
def rules(db: DbDep, settings: SettingsDep, actor: CurrentActor) -> dict[str, Any]:
    require(actor, Action.VIEW_ANALYTICS)
    with db.reading() as session:
        return {"default": vars(surge.default_rule(settings)), "rules": [_rule(r) for r in surge.rule_rows(session)]}


class RuleIn(BaseModel):
    category: str = Field(..., max_length=40, description="second-level category code, or * for every")
    region: str = Field(..., max_length=40, description="street code, or * for every")
    method: str = Field(..., max_length=20, description="C1, C2, C3 or farrington")
    alpha: float | None = Field(None, description="false-alarm level; null for the method's default")
    baseline: int = Field(7, description="EARS baseline days")
    min_sigma: float = Field(0.5, description="EARS floor on the standard deviation")
    min_count: int = Field(5, description="fewest cases on the day (and in the last 4 days) for an alert")
    enabled: bool = True


@router.put("/alert-rules", summary="Create or replace the rule of a series")
def put_rule(db: DbDep, now: NowDep, actor: CurrentActor, body: RuleIn) -> dict[str, Any]:
    rule = surge.Rule(body.method, body.alpha, body.baseline, body.min_sigma, body.min_count, body.enabled)
    with db.transaction() as session:
        row = surge.set_rule(session, actor=actor, category=body.category, region=body.region, rule=rule, now=now)
        return _rule(row)


@router.delete("/alert-rules/{rule_id}", summary="Remove a rule (the series falls back to a wider one)")
def remove_rule(db: DbDep, actor: CurrentActor, rule_id: int) -> dict[str, Any]:
    with db.transaction() as session:
        surge.delete_rule(session, actor=actor, rule_id=rule_id)
    return {"deleted": rule_id}


@router.get("/forecasts", summary="Weekly cases per 一级分类: forecast, 80/95 % intervals, back-tested MASE")
def forecasts(
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    actor: CurrentActor,
    horizon: Annotated[int, Query(description="weeks ahead, 4 to 8")] = 8,
) -> dict[str, Any]:
    require(actor, Action.VIEW_ANALYTICS)
    today = now.astimezone(settings.zone).date()
    with db.reading() as session:
        result = forecast.weekly_forecasts(session, today=today, horizon=horizon)
    return {
        "last_week": result.last_week.isoformat() if result.last_week else None,
        "horizon": result.horizon,
        "series": [s.as_dict() for s in result.series],
        "note": None if result.series else "there are not yet two complete weeks of cases: nothing to forecast",
    }
