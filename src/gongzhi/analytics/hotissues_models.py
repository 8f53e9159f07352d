"""The stored hot issues of a window: what the worker computed, so that a page never waits for clustering.

One row per window length (``days``): the worker replaces it when cases or supports changed since it
was computed (``gongzhi.analytics.hotissues_store``). ``issues`` is the ranked list as JSON, each issue
with its members' keys, titles, times and supports: what the staff page and the API show, nothing more
(no message text, no author).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from gongzhi.db import Base, UTCDateTime


class HotIssueResult(Base):
    """The hottest issues of the ``days`` before ``window_end``, as computed at ``computed_at``."""

    __tablename__ = "analytics_hot_issue_result"

    days: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    window_end: Mapped[datetime] = mapped_column(UTCDateTime)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    top: Mapped[int] = mapped_column(Integer)  # issues kept; a page asking for more computes on demand
    messages: Mapped[int] = mapped_column(Integer)  # messages in the window when computed
    fingerprint: Mapped[str] = mapped_column(String(200))  # of the cases and supports it was computed from
    seconds: Mapped[float] = mapped_column(Float)  # how long the computation took
    issues: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
