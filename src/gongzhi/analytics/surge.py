"""Surge early warning in operation: the daily evaluation, the rules per series, acknowledging alerts.

Every day the worker judges the days completed since its last run (the first run looks back
``FIRST_LOOKBACK_DAYS``) on every category × street series of cases received, with the rule of that
series (the most specific ``AlertRule``, else the defaults in ``Settings``). A day that alarms becomes
an ``Alert``, and every active supervisor is notified. ``min_count`` keeps single cases in quiet series
from alarming: for Farrington it is R's ``limit54`` (that many cases in the last 4 days, the day
included), for EARS the fewest cases on the day itself.

Detectors on daily counts (``detect``): EARS as in R; Farrington flexible with a weekly cycle
(``frequency=7``, ``b=5``, ``w=3``: the same weekday ± 3 days in each of the 5 previous weeks, the last
3 days left out), since a city rarely has the five years of daily history R's yearly default wants;
``limit54`` is (``min_count``, 4 days).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from gongzhi.accounts.models import Role, User
from gongzhi.accounts.permissions import Action, Actor, require
from gongzhi.analytics import daily_series
from gongzhi.analytics.alert_models import Alert, AlertRule, AlertRun
from gongzhi.analytics.alerts import Detection, ears, farrington_flexible
from gongzhi.analytics.dims import Dims, load
from gongzhi.cases.notify import notify_user
from gongzhi.config import Settings
from gongzhi.errors import Conflict, InvalidInput, NotFound

METHODS = ("C1", "C2", "C3", "farrington")
EVERY = "*"
FIRST_LOOKBACK_DAYS = 28
DAILY_FARRINGTON = {"frequency": 7, "b": 5, "w": 3}
RECENT_DAYS = 4  # limit54's period: cases in the last 4 days, the judged one included


@dataclass(frozen=True)
class Rule:
    """How a series is judged (resolved from an ``AlertRule`` or the settings)."""

    method: str
    alpha: float | None = None
    baseline: int = 7
    min_sigma: float = 0.0
    min_count: int = 5
    enabled: bool = True

    @property
    def history(self) -> int:
        """Days of history the method needs before the first judged day."""
        if self.method == "farrington":
            return DAILY_FARRINGTON["b"] * DAILY_FARRINGTON["frequency"] + DAILY_FARRINGTON["w"]
        return self.baseline + {"C1": 0, "C2": 2, "C3": 4}[self.method]


def default_rule(settings: Settings) -> Rule:
    return Rule(
        method=settings.alert_method,
        alpha=settings.alert_alpha,
        min_sigma=settings.alert_min_sigma,
        min_count=settings.alert_min_count,
    )


def detect(counts: Sequence[float] | np.ndarray, rule: Rule, *, points: Sequence[int] | None = None) -> Detection:
    """Run the rule's detector on daily counts (``ValueError`` for a series it cannot judge)."""
    if rule.method == "farrington":
        alpha = 0.05 if rule.alpha is None else rule.alpha
        return farrington_flexible(
            counts, **DAILY_FARRINGTON, alpha=alpha, limit54=(rule.min_count, RECENT_DAYS), points=points
        )
    return ears(counts, method=rule.method, baseline=rule.baseline, alpha=rule.alpha, min_sigma=rule.min_sigma)


# ---- rules --------------------------------------------------------------------------------------


@dataclass
class Rules:
    default: Rule
    stored: dict[tuple[str, str], Rule] = field(default_factory=dict)

    def for_series(self, category: str, region: str) -> Rule:
        for key in ((category, region), (category, EVERY), (EVERY, region), (EVERY, EVERY)):
            if key in self.stored:
                return self.stored[key]
        return self.default


def load_rules(session: Session, settings: Settings) -> Rules:
    stored = {
        (r.category, r.region): Rule(r.method, r.alpha, r.baseline, r.min_sigma, r.min_count, r.enabled)
        for r in session.scalars(select(AlertRule))
    }
    return Rules(default_rule(settings), stored)


def set_rule(
    session: Session,
    *,
    actor: Actor,
    category: str,
    region: str,
    rule: Rule,
    now: datetime,
) -> AlertRule:
    """Create or replace the rule of a series (``*`` for every category or every street)."""
    require(actor, Action.SUPERVISE)
    check_rule(rule)
    dims = load(session)
    category, region = _series_codes(dims, category, region, allow_every=True)
    row = session.scalar(select(AlertRule).where(AlertRule.category == category, AlertRule.region == region))
    if row is None:
        row = AlertRule(category=category, region=region)
        session.add(row)
    row.method, row.alpha, row.baseline = rule.method, rule.alpha, rule.baseline
    row.min_sigma, row.min_count, row.enabled, row.updated_at = rule.min_sigma, rule.min_count, rule.enabled, now
    session.flush()
    return row


def rule_rows(session: Session) -> list[AlertRule]:
    return list(session.scalars(select(AlertRule).order_by(AlertRule.category, AlertRule.region)))


def delete_rule(session: Session, *, actor: Actor, rule_id: int) -> None:
    require(actor, Action.SUPERVISE)
    row = session.get(AlertRule, rule_id)
    if row is None:
        raise NotFound(f"there is no alert rule {rule_id}")
    session.delete(row)


def check_rule(rule: Rule) -> None:
    if rule.method not in METHODS:
        raise InvalidInput(f"unknown method {rule.method!r}; use one of: {', '.join(METHODS)}", field="method")
    if rule.alpha is not None and not 0 < rule.alpha < 1:
        raise InvalidInput("alpha must be between 0 and 1, e.g. 0.01", field="alpha")
    if rule.baseline < 3 or rule.baseline > 56:
        raise InvalidInput("the EARS baseline must be between 3 and 56 days", field="baseline")
    if rule.min_sigma < 0 or not math.isfinite(rule.min_sigma):
        raise InvalidInput("min_sigma must be 0 or more", field="min_sigma")
    if rule.min_count < 0:
        raise InvalidInput("min_count must be 0 or more", field="min_count")


def _series_codes(dims: Dims, category: str, region: str, *, allow_every: bool = False) -> tuple[str, str]:
    """Check that the codes name a second-level category and a street (or ``*``, or "" for none)."""
    category, region = category.strip(), region.strip()
    for dimension, code in (("category", category), ("region", region)):
        if code == EVERY and allow_every:
            continue
        if code:
            dims.find(dimension, code)  # InvalidInput naming the unknown code
    return category, region


# ---- the daily evaluation ---------------------------------------------------------------------


@dataclass
class EvaluationReport:
    first_day: date | None = None
    last_day: date | None = None
    series: int = 0  # series judged
    alerts: list[int] = field(default_factory=list)  # ids of the alerts raised
    notified: int = 0


def _run_state(session: Session) -> AlertRun:
    run = session.get(AlertRun, 1, with_for_update=True)
    if run is None:
        run = AlertRun(id=1, last_day=None)
        session.add(run)
        session.flush()
    return run


def evaluate_due(session: Session, *, settings: Settings, now: datetime) -> EvaluationReport:
    """Judge every complete local day not yet judged (nothing when today's run has happened)."""
    run = _run_state(session)
    yesterday = now.astimezone(settings.zone).date() - timedelta(days=1)
    first = run.last_day + timedelta(days=1) if run.last_day else yesterday - timedelta(days=FIRST_LOOKBACK_DAYS - 1)
    if first > yesterday:
        return EvaluationReport()
    report = evaluate_days(session, settings=settings, first=first, last=yesterday, now=now)
    run.last_day, run.ran_at = yesterday, now
    return report


def evaluate_days(session: Session, *, settings: Settings, first: date, last: date, now: datetime) -> EvaluationReport:
    """Judge the days [first, last] on every series; store and notify the new alerts."""
    rules = load_rules(session, settings)
    history = max(r.history for r in (rules.default, *rules.stored.values()))
    start = first - timedelta(days=history)
    series = daily_series(session, start=start, end=last + timedelta(days=1))
    judged = range((first - start).days, (last - start).days + 1)
    report = EvaluationReport(first_day=first, last_day=last)
    raised: list[Alert] = []
    for (category, region), counts in sorted(series.items()):
        rule = rules.for_series(category, region)
        if not rule.enabled or not _could_alarm(counts, judged, rule):
            continue
        report.series += 1
        skip = history - rule.history  # the rule may need less history than was read
        points = [i - skip for i in judged]
        try:
            found = detect(counts[skip:], rule, points=points if rule.method == "farrington" else None)
        except ValueError:
            continue  # e.g. all zeros over the history read: nothing to judge
        for i in points:
            if alerting(found, counts[skip:], rule, i):
                day = start + timedelta(days=i + skip)
                alert = _store(session, category, region, day, rule, counts[i + skip], found, i, now)
                if alert is not None:
                    raised.append(alert)
    session.flush()
    report.alerts = [a.id for a in raised]
    report.notified = _notify(session, raised, now=now) if raised else 0
    return report


def alerting(found: Detection, counts: Sequence[int], rule: Rule, i: int) -> bool:
    """Whether day ``i`` raises an alert: the detector alarms (Farrington checks ``limit54`` itself) and,
    for EARS, the day has at least ``min_count`` cases."""
    if not found.alarm[i]:
        return False
    return rule.method == "farrington" or counts[i] >= rule.min_count


def _could_alarm(counts: Sequence[int], judged: range, rule: Rule) -> bool:
    """Cheap pre-check: an alert needs ``min_count`` cases in the 4 days up to a judged day (at least one)."""
    need = max(rule.min_count, 1)
    return any(sum(counts[max(0, i - RECENT_DAYS + 1) : i + 1]) >= need for i in judged)


def _store(
    session: Session,
    category: str,
    region: str,
    day: date,
    rule: Rule,
    observed: int,
    found: Detection,
    i: int,
    now: datetime,
) -> Alert | None:
    exists = session.scalar(
        select(Alert.id).where(
            Alert.category == category, Alert.region == region, Alert.day == day, Alert.method == rule.method
        )
    )
    if exists is not None:
        return None
    expected = found.expected[i]
    alert = Alert(
        category=category,
        region=region,
        day=day,
        method=rule.method,
        observed=int(observed),
        upper_bound=float(found.upperbound[i]),
        expected=None if math.isnan(expected) else float(expected),
        created_at=now,
    )
    session.add(alert)
    return alert


def _notify(session: Session, alerts: list[Alert], *, now: datetime) -> int:
    supervisors = list(session.scalars(select(User).where(User.role == Role.SUPERVISOR, User.active)))
    dims = load(session)
    for alert in alerts:
        message = describe(alert, dims)
        for user in supervisors:
            notify_user(session, user=user, case=None, kind="surge_alert", message=message, now=now)
    return len(supervisors) * len(alerts)


def describe(alert: Alert, dims: Dims) -> str:
    """The notification text: what, where, when, how many against what bound (Chinese, then English)."""
    what = dims.find("category", alert.category).name if alert.category else "未分类"
    where = dims.find("region", alert.region).name if alert.region else "未指定地区"
    return (
        f"突增预警：{where}「{what}」{alert.day.isoformat()} 收到 {alert.observed} 件诉求，"
        f"超过预警上限 {alert.upper_bound:.1f}（{alert.method}）。请到 /staff/analytics/alerts 查看并确认。 / "
        f"Surge alert: {alert.observed} cases of {alert.category or 'uncategorised'} in "
        f"{alert.region or 'no region'} on {alert.day.isoformat()}, above the bound {alert.upper_bound:.1f} "
        f"({alert.method})."
    )


# ---- reading and acknowledging ------------------------------------------------------------------


def acknowledge(session: Session, *, actor: Actor, alert_id: int, note: str, now: datetime) -> Alert:
    """A supervisor has seen the alert (and says what is done about it)."""
    require(actor, Action.SUPERVISE)
    alert = session.get(Alert, alert_id)
    if alert is None:
        raise NotFound(f"there is no alert {alert_id}; list them at /staff/analytics/alerts")
    if alert.acknowledged_at is not None:
        raise Conflict(f"alert {alert_id} was already acknowledged at {alert.acknowledged_at.isoformat()}")
    alert.acknowledged_at, alert.acknowledged_by = now, actor.user_id
    alert.note = note.strip()[:2000] or None
    return alert


def list_alerts(
    session: Session, *, since: date | None = None, open_only: bool = False, limit: int = 200
) -> list[Alert]:
    query = select(Alert).order_by(Alert.day.desc(), Alert.observed.desc(), Alert.id.desc()).limit(limit)
    if since is not None:
        query = query.where(Alert.day >= since)
    if open_only:
        query = query.where(Alert.acknowledged_at.is_(None))
    return list(session.scalars(query))


@dataclass
class SeriesView:
    """A series over a period with its bound and alarms, for a chart."""

    category: str
    region: str
    rule: Rule
    days: list[date]
    counts: list[int]
    upper: list[float | None]
    alarm: list[bool | None]
    alerts: list[Alert]
    note: str | None = None  # why the chart is empty or partial


def series_view(
    session: Session, *, settings: Settings, category: str, region: str, last: date, days: int = 90
) -> SeriesView:
    """The daily counts of one series over ``days`` days ending ``last``, judged by its rule."""
    if not 7 <= days <= 730:
        raise InvalidInput("days must be between 7 and 730", field="days")
    dims = load(session)
    category, region = _series_codes(dims, category, region)
    rule = load_rules(session, settings).for_series(category, region)
    start = last - timedelta(days=days + rule.history - 1)
    found = daily_series(session, start=start, end=last + timedelta(days=1), by=("category", "region"))
    counts = found.get((category, region), [0] * (days + rule.history))
    shown = slice(rule.history, None)
    view = SeriesView(
        category=category,
        region=region,
        rule=rule,
        days=[start + timedelta(days=i) for i in range(len(counts))][shown],
        counts=list(counts)[shown],
        upper=[None] * days,
        alarm=[None] * days,
        alerts=list(
            session.scalars(
                select(Alert).where(
                    Alert.category == category, Alert.region == region, Alert.day > last - timedelta(days)
                )
            )
        ),
    )
    try:
        detection = detect(counts, rule)
    except ValueError as exc:
        view.note = str(exc)
        return view
    view.upper = [None if math.isnan(u) else round(u, 3) for u in detection.upperbound[shown]]
    judged = [None if a is None else alerting(detection, counts, rule, i) for i, a in enumerate(detection.alarm)]
    view.alarm = judged[shown]
    return view
