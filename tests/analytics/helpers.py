"""Reading the facts back in tests, named by codes."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from gongzhi.analytics import refresh
from gongzhi.analytics.dims import load
from gongzhi.analytics.models import MEASURES, DayFact, MonthFact, RegionVolume
from gongzhi.analytics.refresh import RefreshReport, rebuild
from gongzhi.db import Database
from tests.cases.steps import SHANGHAI, Desk

MONDAY, TUESDAY = date(2026, 3, 2), date(2026, 3, 3)


def run_refresh(desk: Desk, *, full: bool = False) -> RefreshReport:
    with desk.db.transaction() as session:
        job = rebuild if full else refresh
        return job(session, zone=SHANGHAI, now=desk.clock.now)


def day_facts(db: Database) -> dict[tuple[Any, ...], dict[str, int]]:
    """Every day fact as {(day, department, region, category, type): {measure: n (non-zero only)}}."""
    return _facts(db, DayFact, "day")


def month_facts(db: Database) -> dict[tuple[Any, ...], dict[str, int]]:
    return _facts(db, MonthFact, "month")


def _facts(db: Database, table: Any, period: str) -> dict[tuple[Any, ...], dict[str, int]]:
    with db.reading() as session:
        dims = load(session)
        out = {}
        for row in session.scalars(select(table)):
            key = (
                getattr(row, period),
                dims.member("department", row.department_id).code,
                dims.member("region", row.region_id).code,
                dims.member("category", row.category_id).code,
                row.type,
            )
            assert key not in out, f"two fact rows for {key}"
            out[key] = {m: getattr(row, m) for m in MEASURES if getattr(row, m)}
        return out


def volumes(db: Database) -> dict[tuple[date, str], int]:
    with db.reading() as session:
        dims = load(session)
        return {
            (v.day, dims.member("region", v.region_id).code): v.received for v in session.scalars(select(RegionVolume))
        }
