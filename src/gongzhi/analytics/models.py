"""Fact tables: what happened to cases, counted per day (and per month) × department × region × category × type.

The facts are derived data: ``refresh.rebuild`` can recreate them from the cases and their events at any
time. Dimensions are stored as plain integers without foreign keys, 0 meaning "none" (a case not yet
dispatched, without region or category), so that equal keys group and compare without NULL rules.

Grain, chosen so that a year of a city's cases stays a few hundred thousand rows:
- region: the case's street (街道/镇); a case placed in a community counts for its street, one placed
  at district or city level keeps that region. Volumes per community are in ``RegionVolume``.
- category: the second level (二级分类); a third-level category counts for its parent.

Each measure is anchored on the day of the event that makes it (see ``gongzhi.analytics.definitions``):
``received`` on the day of submission; the dispatch cohort (``dispatched`` … ``hist_*``) on the day of
the dispatch, with the outcome that came later; ratings on the day of the rating; ``reopened`` and
``closed`` on the day of that event.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from gongzhi.cases.models import Case, Rating
from gongzhi.db import Base, UTCDateTime

# Upper edges (hours) of the handling-time histogram; the last bucket is open (≥ 720 h).
HOUR_EDGES: tuple[int, ...] = (1, 2, 4, 8, 12, 24, 36, 48, 72, 96, 120, 168, 240, 360, 480, 720)
BUCKETS = len(HOUR_EDGES) + 1
HIST_COLUMNS: tuple[str, ...] = tuple(f"hist_{i:02d}" for i in range(BUCKETS))

COUNT_COLUMNS: tuple[str, ...] = (
    "received",
    "dispatched",
    "responded_on_time",
    "returned",
    "replied",
    "replied_late",
    "rated",
    "solved",
    "satisfied",
    "basically_satisfied",
    "unsatisfied",
    "reopened",
    "closed",
)
MEASURES: tuple[str, ...] = (*COUNT_COLUMNS, "handling_seconds", *HIST_COLUMNS)
DIMENSIONS: tuple[str, ...] = ("department_id", "region_id", "category_id", "type")


def _count() -> Mapped[int]:
    return mapped_column(Integer, default=0, nullable=False)


class _Counts:
    received: Mapped[int] = _count()
    dispatched: Mapped[int] = _count()
    responded_on_time: Mapped[int] = _count()
    returned: Mapped[int] = _count()
    replied: Mapped[int] = _count()
    replied_late: Mapped[int] = _count()
    rated: Mapped[int] = _count()
    solved: Mapped[int] = _count()
    satisfied: Mapped[int] = _count()
    basically_satisfied: Mapped[int] = _count()
    unsatisfied: Mapped[int] = _count()
    reopened: Mapped[int] = _count()
    closed: Mapped[int] = _count()
    handling_seconds: Mapped[int] = mapped_column(BigInteger, default=0, nullable=False)
    hist_00: Mapped[int] = _count()
    hist_01: Mapped[int] = _count()
    hist_02: Mapped[int] = _count()
    hist_03: Mapped[int] = _count()
    hist_04: Mapped[int] = _count()
    hist_05: Mapped[int] = _count()
    hist_06: Mapped[int] = _count()
    hist_07: Mapped[int] = _count()
    hist_08: Mapped[int] = _count()
    hist_09: Mapped[int] = _count()
    hist_10: Mapped[int] = _count()
    hist_11: Mapped[int] = _count()
    hist_12: Mapped[int] = _count()
    hist_13: Mapped[int] = _count()
    hist_14: Mapped[int] = _count()
    hist_15: Mapped[int] = _count()
    hist_16: Mapped[int] = _count()


class _Measures(_Counts):
    department_id: Mapped[int] = mapped_column(Integer, default=0)
    region_id: Mapped[int] = mapped_column(Integer, default=0)
    category_id: Mapped[int] = mapped_column(Integer, default=0)
    type: Mapped[str] = mapped_column(String(20))


class DayFact(_Measures, Base):
    """One day × department × street × second-level category × type (the day in the jurisdiction's zone)."""

    __tablename__ = "analytics_day_fact"
    __table_args__ = (
        Index("ix_analytics_day_fact_day", "day"),
        Index("ix_analytics_day_fact_month", "month"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    month: Mapped[date] = mapped_column(Date)  # first day of the month, so months group without date functions


class MonthFact(_Measures, Base):
    """The sum of a month's ``DayFact`` rows per key: what dashboards over whole months read."""

    __tablename__ = "analytics_month_fact"
    __table_args__ = (
        Index("ix_analytics_month_fact_month", "month"),
        Index("ix_analytics_month_fact_department_month", "department_id", "month"),
        Index("ix_analytics_month_fact_region_month", "region_id", "month"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    month: Mapped[date] = mapped_column(Date)


class _Cube(_Counts):
    """The same measures summed over every other dimension: one row per period, dimension and member.

    ``dimension`` is "department", "region", "category", "type" or "all" (one row, key ""); ``key`` is
    the member's id as text (the type's value for "type"). Dashboards without filters read these few
    rows instead of the full grain.
    """

    dimension: Mapped[str] = mapped_column(String(20))
    key: Mapped[str] = mapped_column(String(40))


class DayCube(_Cube, Base):
    __tablename__ = "analytics_day_cube"
    __table_args__ = (Index("ix_analytics_day_cube_day", "day"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    month: Mapped[date] = mapped_column(Date)


class MonthCube(_Cube, Base):
    __tablename__ = "analytics_month_cube"
    __table_args__ = (Index("ix_analytics_month_cube_month", "month"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    month: Mapped[date] = mapped_column(Date)


class RegionVolume(Base):
    """Cases received per day and finest region (community level when known), for the region treemap."""

    __tablename__ = "analytics_region_volume"
    __table_args__ = (Index("ix_analytics_region_volume_day", "day"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    day: Mapped[date] = mapped_column(Date)
    month: Mapped[date] = mapped_column(Date)
    region_id: Mapped[int] = mapped_column(Integer, default=0)
    received: Mapped[int] = _count()


# Refreshing a day reads the cases submitted and the ratings given that day: indexes on those times
# (declared here, with the analytics migration, so that the cases' own tables stay as they are).
Index("ix_case_item_submitted_at", Case.submitted_at)
Index("ix_case_rating_at", Rating.at)


class AnalyticsState(Base):
    """Where the incremental refresh stopped: the last case event it has seen, and ids it must look at again.

    ``pending_ids`` holds event ids below the watermark that were missing when it advanced: on
    PostgreSQL a transaction that took a smaller id may commit after a larger one is visible.
    """

    __tablename__ = "analytics_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_event_id: Mapped[int] = mapped_column(BigInteger, default=0)
    pending_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    zone: Mapped[str] = mapped_column(String(60), default="")
    refreshed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
