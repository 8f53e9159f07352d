"""The demo's seeded surge: a water main bursts in one community a few days before "now".

Part of the seeded year, so that the surge early warning (``gongzhi.analytics.surge``), run once
seeding is done, has a real alert to show: several times the usual outage reports from 东门街道's
鼓楼社区 over three days, inside the window the first evaluation looks back on.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from gongzhi.demo.messages import DemoMessage, generate_burst

CATEGORY = "J0101"  # 停水
COMMUNITY = "dongmen-gulou"  # 鼓楼社区, 东门街道
START, END = timedelta(days=6), timedelta(days=3)  # before "now"


def size(cases: int) -> int:
    """How many of the seeded cases belong to the surge: about 1 % of them, at least 12 when there is room."""
    return min(cases // 8, max(12, cases // 100))


def burst(seed: int, cases: int, *, now: datetime) -> list[DemoMessage]:
    return generate_burst(seed, size(cases), start=now - START, end=now - END, category=CATEGORY, community=COMMUNITY)
