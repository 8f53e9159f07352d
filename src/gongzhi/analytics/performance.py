"""The performance dashboard's figures: breakdowns, monthly trends and the monthly ranking, from the facts.

Ranking score (the weights of Beijing's 接诉即办 assessment): ``100 × (0.2 × response rate + 0.4 ×
resolution rate + 0.4 × satisfaction rate)``. A unit is ranked only with at least ``MIN_RATED``
ratings and one dispatch in the period, so that two lucky cases do not top the list; the others
are listed after the ranked ones, unranked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy.orm import Session

from gongzhi.analytics.dims import Dims, Member, load
from gongzhi.analytics.periods import Period, add_months, next_month
from gongzhi.analytics.queries import Figures, Filter, figures, total

WEIGHTS = {"response_rate": 0.2, "resolution_rate": 0.4, "satisfaction_rate": 0.4}
MIN_RATED = 5
TREND_MONTHS = 12
BREAKDOWNS = ("department", "region", "category", "type")


@dataclass
class Row:
    member: Member
    figures: Figures
    score: float | None = None
    rank: int | None = None


@dataclass
class Dashboard:
    period: Period
    where: Filter
    total: Figures
    tables: dict[str, list[Row]] = field(default_factory=dict)
    trend: list[tuple[date, Figures]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def score(fig: Figures) -> float | None:
    """The ranking score, or ``None`` when a rate is missing or there are too few ratings."""
    if fig.counts["rated"] < MIN_RATED or not fig.counts["dispatched"]:
        return None
    rates = {name: getattr(fig, name) for name in WEIGHTS}
    if any(value is None for value in rates.values()):
        return None
    return round(100 * sum(WEIGHTS[name] * value for name, value in rates.items()), 2)


def breakdown(
    session: Session, *, period: Period, dimension: str, where: Filter | None = None, dims: Dims | None = None
) -> list[Row]:
    """One row per department, street, category or type that has any fact in the period, busiest first."""
    dims = dims or load(session)
    found = figures(session, start=period.start, end=period.end, by=(dimension,), where=where, dims=dims)
    rows = [Row(dims.member(dimension, f.key[dimension]), f, score(f)) for f in found]
    return sorted(rows, key=lambda r: (-r.figures.counts["received"], -r.figures.counts["dispatched"], r.member.code))


def ranking(
    session: Session,
    *,
    period: Period,
    level: str,
    where: Filter | None = None,
    dims: Dims | None = None,
    rows: list[Row] | None = None,
) -> list[Row]:
    """Streets (``level="region"``) or departments ranked by score; the unranked follow, by volume.

    ``rows``: the level's breakdown when the caller has it already (the dashboard), to save the query.
    """
    if rows is None:
        rows = breakdown(session, period=period, dimension=level, where=where, dims=dims)
    rows = [Row(r.member, r.figures, r.score) for r in rows if r.member.id]
    if level == "region":
        rows = [r for r in rows if r.member.level == "street"]
    ranked = sorted((r for r in rows if r.score is not None), key=lambda r: (-(r.score or 0), r.member.code))
    for i, row in enumerate(ranked, start=1):
        row.rank = i
    return ranked + [r for r in rows if r.score is None]


def monthly_trend(
    session: Session, *, period: Period, where: Filter | None = None, months: int = TREND_MONTHS
) -> list[tuple[date, Figures]]:
    """The figures of each of the ``months`` months up to the period's last month, zero-filled."""
    last = (period.end - timedelta(days=1)).replace(day=1)
    first = add_months(last, -(months - 1))
    found = {
        f.key["period"]: f for f in figures(session, start=first, end=next_month(last), where=where, grain="month")
    }
    return [(month, found.get(month, Figures())) for month in (add_months(first, i) for i in range(months))]


def dashboard(session: Session, *, period: Period, where: Filter | None = None) -> Dashboard:
    where = where or Filter()
    dims = load(session)
    board = Dashboard(period=period, where=where, total=total(session, start=period.start, end=period.end, where=where))
    for dimension in BREAKDOWNS:
        board.tables[dimension] = breakdown(session, period=period, dimension=dimension, where=where, dims=dims)
    for level in ("region", "department"):
        board.tables[f"ranking_{level}"] = ranking(session, period=period, level=level, rows=board.tables[level])
    board.trend = monthly_trend(session, period=period, where=where)
    if period.in_future:
        board.notes.append("future")
    elif not any(board.total.counts.values()):
        board.notes.append("empty")
    elif period.reaches_future:
        board.notes.append("partial")
    return board
