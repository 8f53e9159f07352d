"""When citizens write: more on weekdays and in office hours, and seasonal bumps per topic.

Times are drawn in the jurisdiction's zone (Asia/Shanghai, UTC+8 all year: China has no daylight
saving) and returned in UTC, as the database stores them.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta, timezone

LOCAL = timezone(timedelta(hours=8), "Asia/Shanghai")

# Relative volume by weekday (Monday first) and by local hour.
_WEEKDAY = (1.15, 1.1, 1.05, 1.0, 0.95, 0.6, 0.55)
_HOUR = (0.15, 0.08, 0.05, 0.04, 0.04, 0.08, 0.25, 0.5, 0.9, 1.0, 1.0, 0.9,
         0.6, 0.7, 0.95, 1.0, 0.95, 0.8, 0.6, 0.65, 0.7, 0.65, 0.45, 0.3)  # fmt: skip
_PEAK = max(_WEEKDAY) * max(_HOUR)

# Multipliers of a topic's weight by month (January first).
SEASONS: dict[str, tuple[float, ...]] = {
    "": (1.0,) * 12,
    "heating": (8.0, 5.0, 3.0, 0.1, 0.05, 0.05, 0.05, 0.05, 0.1, 0.6, 6.0, 8.0),
    "summer": (0.5, 0.5, 0.7, 0.9, 1.2, 1.8, 2.2, 2.2, 1.4, 0.9, 0.6, 0.5),
    "floods": (0.1, 0.1, 0.3, 0.6, 1.5, 3.5, 5.0, 4.5, 1.5, 0.4, 0.1, 0.1),
    "heatwave": (1.2, 1.0, 0.8, 0.8, 1.0, 1.6, 2.5, 2.5, 1.3, 0.8, 0.9, 1.2),
    "wages": (3.0, 1.5, 0.8, 0.7, 0.7, 0.8, 0.8, 0.8, 0.8, 0.9, 1.3, 2.5),
    "school": (0.5, 1.0, 0.8, 0.8, 1.2, 1.5, 1.8, 2.5, 2.5, 0.8, 0.5, 0.5),
    "exam": (0.3, 0.3, 0.6, 1.0, 2.5, 3.0, 1.0, 0.5, 0.6, 0.6, 0.5, 0.3),
    "holidays": (1.3, 1.8, 0.8, 1.0, 2.0, 0.8, 1.5, 1.6, 0.8, 2.5, 0.6, 0.6),
    "spring": (0.3, 0.8, 2.5, 3.0, 2.0, 1.0, 0.8, 0.6, 0.6, 0.8, 0.5, 0.3),
}


def season_factor(season: str, when: datetime) -> float:
    """How much more (or less) a topic of this season is written about in the month of ``when``."""
    try:
        factors = SEASONS[season]
    except KeyError:
        raise ValueError(f"unknown season {season!r}; known: {', '.join(sorted(SEASONS))}") from None
    return factors[when.astimezone(LOCAL).month - 1]


def sample_submitted_at(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A submission time in [start, end), more likely on weekdays and in office hours; in UTC."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must be timezone-aware, e.g. datetime(2024, 1, 1, tzinfo=UTC)")
    span = (end - start).total_seconds()
    if span <= 0:
        raise ValueError(f"end ({end.isoformat()}) must be after start ({start.isoformat()})")
    while True:
        at = start + timedelta(seconds=rng.random() * span)
        local = at.astimezone(LOCAL)
        if rng.random() * _PEAK <= _WEEKDAY[local.weekday()] * _HOUR[local.hour]:
            at = at.astimezone(UTC).replace(microsecond=0)
            return at if at >= start else start.astimezone(UTC)
