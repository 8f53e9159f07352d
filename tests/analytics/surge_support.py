"""Day facts for the surge tests: a quiet series with one surge, written as the refresh would write them."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import insert

from gongzhi.analytics.dims import load
from gongzhi.analytics.models import DayCube, DayFact
from gongzhi.db import Database

QUIET = [2, 1, 3, 2, 1, 1, 2]  # 1-3 cases a day, a weekly rhythm


def quiet_with_surge(first: date, last: date, surge_day: date, surge: int = 14) -> dict[date, int]:
    days = (last - first).days + 1
    out = {first + timedelta(days=i): QUIET[i % 7] for i in range(days)}
    out[surge_day] = surge
    return out


def put_facts(db: Database, counts: dict[date, int], category: str = "A01", region: str = "cn-hp") -> None:
    """Day facts (cases received only) of one category × street series, and the per-dimension day sums
    (``DayCube``) that the refresh writes beside them, as if they were the only cases."""
    with db.transaction() as session:
        dims = load(session)
        cat, reg = dims.find("category", category).id, dims.find("region", region).id
        rows = [
            {"day": d, "month": d.replace(day=1), "department_id": 0, "region_id": reg, "category_id": cat}
            | {"type": "help", "received": n}
            for d, n in counts.items()
        ]
        session.execute(insert(DayFact), rows)
        members = {"all": "", "department": "0", "region": str(reg), "category": str(cat), "type": "help"}
        cubes = [
            {"day": d, "month": d.replace(day=1), "dimension": dimension, "key": key, "received": n}
            for d, n in counts.items()
            for dimension, key in members.items()
        ]
        session.execute(insert(DayCube), cubes)
