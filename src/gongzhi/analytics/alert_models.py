"""Tables of the surge early warning: alerts raised, rules per series, and where the daily job stopped.

A series is the daily count of cases received for one second-level category in one street (the grain
of the fact tables, read with ``gongzhi.analytics.daily_series``). Series are named by the codes of the
category and the street ("" for none), as that function names them; ``*`` in a rule means "every".
Codes rather than foreign keys, so that rules and alerts outlive a category or region being retired.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from gongzhi.db import Base, UTCDateTime


class AlertRule(Base):
    """How one series (or every series of a category, or of a street) is watched; the most specific wins."""

    __tablename__ = "analytics_alert_rule"
    __table_args__ = (UniqueConstraint("category", "region", name="uq_analytics_alert_rule_series"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(40), default="*")
    region: Mapped[str] = mapped_column(String(40), default="*")
    method: Mapped[str] = mapped_column(String(20))  # C1, C2, C3 or farrington
    alpha: Mapped[float | None] = mapped_column(Float)  # None: the method's default
    baseline: Mapped[int] = mapped_column(Integer, default=7)  # EARS
    min_sigma: Mapped[float] = mapped_column(Float, default=0.0)  # EARS
    min_count: Mapped[int] = mapped_column(Integer, default=5)  # no alert below this many cases that day
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Alert(Base):
    """One day on which a series went above its upper bound."""

    __tablename__ = "analytics_alert"
    __table_args__ = (
        UniqueConstraint("category", "region", "day", "method", name="uq_analytics_alert_series_day"),
        Index("ix_analytics_alert_day", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(40))
    region: Mapped[str] = mapped_column(String(40))
    day: Mapped[date] = mapped_column(Date)
    method: Mapped[str] = mapped_column(String(20))
    observed: Mapped[int] = mapped_column(Integer)
    upper_bound: Mapped[float] = mapped_column(Float)
    expected: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    acknowledged_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    note: Mapped[str | None] = mapped_column(Text)


class AlertRun(Base):
    """The last local day the daily evaluation has judged (one row)."""

    __tablename__ = "analytics_alert_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_day: Mapped[date | None] = mapped_column(Date)
    ran_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
