"""What the monthly report says: a month's volumes, 三率 per department, hot issues, alerts, 每月一题 candidates.

Every figure comes from the analytics public functions — the fact tables through
:mod:`gongzhi.analytics.performance` and :mod:`gongzhi.analytics.queries` (engineer H1), stored surge
alerts through :func:`gongzhi.analytics.surge.list_alerts` (H2), hot issues through
:func:`gongzhi.analytics.hotissues_sources.case_hot_issues` — so the report and the dashboard never
disagree. The caller refreshes the facts first (``refresh.refresh``).

**每月一题 candidates** (Beijing's "one problem a month": the hardest recurring problem, from the data).
A category (二级分类) of the month is a candidate when it is busy and its citizens are not satisfied::

    score = received × (1 − satisfaction rate) × (1 + reopened / received)

— roughly "unsatisfied cases", weighted up when cases had to be handled again. A category without
ratings in the month has no satisfaction evidence and is not a candidate; nor is one with fewer than
``MIN_RECEIVED`` cases. Each candidate lists its evidence: volume and its share, the satisfaction and
resolution rates against the month's overall rates, reopenings, the volume of the two months before
(recurrence), and the month's hot issues that fall in that category.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongzhi.analytics import performance, surge
from gongzhi.analytics.dims import Dims, load
from gongzhi.analytics.hotissues import HeatWeights, HotIssue, Window
from gongzhi.analytics.hotissues_sources import case_hot_issues
from gongzhi.analytics.periods import Period, add_months, next_month, parse_month
from gongzhi.analytics.queries import Figures, figures
from gongzhi.cases.models import Case
from gongzhi.errors import InvalidInput

MIN_RECEIVED = 3
CANDIDATES = 5
HOT_ISSUES = 5


@dataclass
class Candidate:
    """A 每月一题 candidate and the evidence for it."""

    category: str
    code: str
    score: float
    received: int
    share: float
    satisfaction_rate: float | None
    resolution_rate: float | None
    reopened: int
    unsatisfied: int
    previous: list[tuple[str, int]]  # (month, received) of the months before
    hot_issues: list[str] = field(default_factory=list)


@dataclass
class AlertLine:
    day: date
    category: str
    region: str
    observed: int
    upper_bound: float
    method: str
    acknowledged: bool


@dataclass
class MonthlyReport:
    period: Period
    generated_at: datetime
    total: Figures
    previous_total: Figures
    daily: list[tuple[date, int]]
    trend: list[tuple[date, Figures]]
    departments: list[performance.Row]
    ranking: list[performance.Row]
    hot_issues: list[HotIssue]
    alerts: list[AlertLine]
    candidates: list[Candidate]
    notes: list[str] = field(default_factory=list)

    @property
    def month(self) -> str:
        return self.period.label


def check_month(text: str, *, today: date) -> Period:
    """The month asked for, refused when malformed or not yet begun."""
    first = parse_month(text)
    period = Period(first, next_month(first), today)
    if period.in_future:
        raise InvalidInput(
            f"{text} has not begun yet (today is {today.isoformat()}); report on a past or the current month",
            field="month",
        )
    return period


def build(session: Session, *, period: Period, zone: ZoneInfo, now: datetime) -> MonthlyReport:
    """Collect everything the report shows for ``period``; an empty month is refused with a reason."""
    dims = load(session)
    board = performance.dashboard(session, period=period)
    if not board.total.counts["received"] and not board.total.counts["dispatched"]:
        raise InvalidInput(
            f"no case was received or dispatched in {period.label}: there is nothing to report "
            "(if cases exist, run `gongzhi worker --once` to bring the analytics facts up to date)",
            field="month",
        )
    previous = Period(add_months(period.start, -1), period.start, period.today)
    issues = month_hot_issues(session, period=period, zone=zone, now=now)
    report = MonthlyReport(
        period=period,
        generated_at=now,
        total=board.total,
        previous_total=performance.dashboard(session, period=previous).total,
        daily=daily_received(session, period=period),
        trend=board.trend,
        departments=[r for r in board.tables["department"] if r.member.id],
        ranking=[r for r in board.tables["ranking_department"] if r.rank is not None],
        hot_issues=issues,
        alerts=month_alerts(session, period=period, dims=dims),
        candidates=candidates(session, period=period, dims=dims, total=board.total, issues=issues),
    )
    if period.reaches_future:
        report.notes.append("partial")
    return report


def daily_received(session: Session, *, period: Period) -> list[tuple[date, int]]:
    found = {
        f.key["period"]: f.counts["received"] for f in figures(session, start=period.start, end=period.end, grain="day")
    }
    return [(day, found.get(day, 0)) for day in (period.start + timedelta(days=i) for i in range(period.days))]


def month_hot_issues(session: Session, *, period: Period, zone: ZoneInfo, now: datetime) -> list[HotIssue]:
    """The month's hottest issues: the window is the month, every day of it weighs alike (no recency decay)."""
    end = datetime.combine(period.end, time(), tzinfo=zone).astimezone(UTC)
    window = Window(min(end, now), float(period.days))
    return case_hot_issues(session, window=window, top=HOT_ISSUES, weights=HeatWeights(half_life_days=None))


def month_alerts(session: Session, *, period: Period, dims: Dims) -> list[AlertLine]:
    found = [a for a in surge.list_alerts(session, since=period.start, limit=1000) if a.day < period.end]
    return [
        AlertLine(
            day=a.day,
            category=_name(dims, "category", a.category, "未分类"),
            region=_name(dims, "region", a.region, "未指定地区"),
            observed=a.observed,
            upper_bound=a.upper_bound,
            method=a.method,
            acknowledged=a.acknowledged_at is not None,
        )
        for a in sorted(found, key=lambda a: (a.day, a.category, a.region))
    ]


def _name(dims: Dims, dimension: str, code: str, missing: str) -> str:
    if not code or code == "*":
        return missing
    try:
        return dims.find(dimension, code).name
    except InvalidInput:
        return code


def candidates(
    session: Session, *, period: Period, dims: Dims, total: Figures, issues: list[HotIssue]
) -> list[Candidate]:
    """每月一题 candidates, best first (module docstring)."""
    rows = performance.breakdown(session, period=period, dimension="category", dims=dims)
    history = _previous_months(session, period=period)
    issue_titles = _issues_by_category(session, issues, dims)
    found = []
    for row in rows:
        f = row.figures
        received, satisfaction = f.counts["received"], f.satisfaction_rate
        if not row.member.id or received < MIN_RECEIVED or satisfaction is None:
            continue
        score = received * (1 - satisfaction) * (1 + f.counts["reopened"] / received)
        if score <= 0:
            continue
        found.append(
            Candidate(
                category=row.member.name,
                code=row.member.code,
                score=round(score, 2),
                received=received,
                share=received / total.counts["received"] if total.counts["received"] else 0.0,
                satisfaction_rate=satisfaction,
                resolution_rate=f.resolution_rate,
                reopened=f.counts["reopened"],
                unsatisfied=f.counts["unsatisfied"],
                previous=[(m.strftime("%Y-%m"), history.get((m, row.member.id), 0)) for m in _months_before(period)],
                hot_issues=issue_titles.get(row.member.id, []),
            )
        )
    return sorted(found, key=lambda c: (-c.score, c.code))[:CANDIDATES]


def _months_before(period: Period) -> list[date]:
    return [add_months(period.start, -2), add_months(period.start, -1)]


def _previous_months(session: Session, *, period: Period) -> dict[tuple[date, int], int]:
    first = add_months(period.start, -2)
    rows = figures(session, start=first, end=period.start, by=("category",), grain="month")
    return {(f.key["period"], int(f.key["category"])): f.counts["received"] for f in rows}


def _issues_by_category(session: Session, issues: list[HotIssue], dims: Dims) -> dict[int, list[str]]:
    """Each hot issue under the 二级 category most of its cases have (as the facts group categories)."""
    result: dict[int, list[str]] = {}
    for issue in issues:
        keys = [m.key for m in issue.members]
        categories = session.scalars(select(Case.category_id).where(Case.tracking_code.in_(keys))).all()
        grouped = [dims.category_key(c) for c in categories if c]
        if grouped:
            top = max(set(grouped), key=grouped.count)
            result.setdefault(top, []).append(issue.title)
    return result
