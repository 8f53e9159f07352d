"""Open data (数据开放): aggregate figures anyone may read and download. No case, name, text or contact —
only counts and rates per district, street, category and month, and volumes over the region tree."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gongzhi.analytics.dims import Dims, Member, load
from gongzhi.analytics.export import Sheet
from gongzhi.analytics.models import RegionVolume
from gongzhi.analytics.performance import Row, breakdown, monthly_trend
from gongzhi.analytics.periods import Period, add_months, next_month
from gongzhi.analytics.queries import Figures, total

PUBLIC_COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", "代码 code"),
    ("name", "名称 name"),
    ("received", "受理 received"),
    ("closed", "办结 closed"),
    ("response_rate", "响应率 response rate"),
    ("resolution_rate", "解决率 resolution rate"),
    ("satisfaction_rate", "满意率 satisfaction rate"),
    ("median_handling_hours", "办理时长中位数(小时) median handling hours"),
)
TABLES = ("district", "region", "category_top", "month")


@dataclass
class OpenData:
    period: Period
    total: Figures
    tables: dict[str, list[Row]] = field(default_factory=dict)
    tree: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def default_period(today: date) -> Period:
    """The last twelve months, this one included."""
    first = add_months(today.replace(day=1), -11)
    return Period(first, next_month(today), today)


def region_tree(session: Session, *, period: Period, dims: Dims | None = None) -> list[dict[str, Any]]:
    """Cases received per region as nested nodes (district → street → community) for a treemap.

    Cases placed at a street (not a community) show as the street's own tile; empty regions are left out.
    """
    dims = dims or load(session)
    query = (
        select(RegionVolume.region_id, func.sum(RegionVolume.received))
        .where(RegionVolume.day >= period.start, RegionVolume.day < period.end)
        .group_by(RegionVolume.region_id)
    )
    own = {region: int(n) for region, n in session.execute(query) if n}
    children: dict[int, list[int]] = defaultdict(list)
    for member in dims.regions.values():
        children[member.parent_id or 0].append(member.id)

    def node(region_id: int) -> dict[str, Any] | None:
        member = dims.regions[region_id]
        kids = [n for n in (node(c) for c in sorted(children[region_id])) if n]
        value = own.get(region_id, 0) + sum(k["value"] for k in kids)
        if not value:
            return None
        if kids and own.get(region_id):
            kids.append({"name": member.name, "value": own[region_id], "code": member.code})
        out: dict[str, Any] = {"name": member.name, "value": value, "code": member.code}
        if kids:
            out["children"] = kids
        return out

    roots = [n for n in (node(r) for r in sorted(children[0])) if n]
    if own.get(0):
        roots.append({"name": "（未指定地区）", "value": own[0], "code": ""})
    if len(roots) == 1 and "children" in roots[0]:  # one city: start at its districts
        return roots[0]["children"]
    return roots


def open_data(session: Session, *, period: Period) -> OpenData:
    dims = load(session)
    data = OpenData(period=period, total=total(session, start=period.start, end=period.end))
    for dimension in ("district", "region", "category_top"):
        rows = breakdown(session, period=period, dimension=dimension, dims=dims)
        data.tables[dimension] = [r for r in rows if r.figures.counts["received"]]
    months = max(1, min(36, (period.end.year - period.start.year) * 12 + period.end.month - period.start.month))
    data.tables["month"] = [
        Row(_month(m), f)
        for m, f in monthly_trend(session, period=period, months=months)
        if m >= period.start.replace(day=1)
    ]
    data.tree = region_tree(session, period=period, dims=dims)
    if period.in_future:
        data.notes.append("future")
    elif not data.total.counts["received"]:
        data.notes.append("empty")
    return data


def _month(month: date) -> Member:
    label = month.strftime("%Y-%m")
    return Member(0, label, label, label, "month")


def public_sheet(title: str, rows: list[Row], lang: str = "zh_CN") -> Sheet:
    """A table for download with the public columns only."""
    out = []
    for row in rows:
        name = row.member.name_en if lang == "en" and row.member.name_en else row.member.name
        values = row.figures.as_dict()
        out.append({"code": row.member.code, "name": name, **{k: values.get(k) for k, _ in PUBLIC_COLUMNS[2:]}})
    return Sheet(title, PUBLIC_COLUMNS, out)
