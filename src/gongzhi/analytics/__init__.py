"""Analytics (大数据): fact tables, performance rates, rankings, open data, and what builds on them.

Dashboards, the API, alerts, forecasts and reports read pre-computed fact tables, not raw cases.
``refresh.refresh`` (run by the worker and after demo seeding) keeps them current incrementally.

Stable public interface of the facts (``from gongzhi.analytics import …``); all take the session
as a keyword, periods are local days [start, end) as ``datetime.date``:

``daily_counts(session, *, start, end, by=("category", "region"), measure="received", where=None)``
    ``[{"day": date, "category": "A01", "region": "dongmen", "count": 3}, …]``, non-zero rows only;
    groups named by code ("" for none).
``daily_series(session, *, start, end, by=("category", "region"), measure="received", where=None)``
    ``{("A01", "dongmen"): [n per day of the period]}``: zero-filled, for surge detection.
``figures(session, *, start, end, by=(), where=None, grain=None)``
    ``list[Figures]``: sums of every measure and the rates (三率, return, overdue, median handling
    hours) per group of ``by`` (department, region, district, category, category_top, type), and per
    ``grain`` period ("day", "week", "month") when given. ``Figures.key`` holds ids (0 = none).
``total(session, *, start, end, where=None)``
    one ``Figures`` for everything in the period.
``Filter(department=code, region=code, category=code, type=value)`` (or ``make_filter(...)`` from
    query parameters, which refuses an unknown type) restricts any of the above.
``refresh(session, *, zone, now)`` / ``rebuild(session, *, zone, now)``
    bring the facts up to date (incremental) / recompute them all.

Tables (``models.py``): ``DayFact``/``MonthFact`` at the full grain; ``DayCube``/``MonthCube`` with the
same measures per single dimension, which unfiltered queries read (a dashboard over two years of a
million cases reads a few thousand rows); ``RegionVolume`` per community for the open-data treemap.
Other modules: ``periods`` (month / range parsing), ``performance`` (breakdowns, ranking, trend),
``drilldown`` (the cases behind a figure), ``export`` (CSV/XLSX), ``opendata`` (public aggregates),
``facts_cli`` (``gongzhi facts refresh|rebuild``).

Measures (``models.COUNT_COLUMNS``): received, dispatched, responded_on_time, returned, replied,
replied_late, rated, solved, satisfied, basically_satisfied, unsatisfied, reopened, closed; plus
handling_seconds and a handling-time histogram. Their definitions: ``definitions.py``. Grain (street,
second-level category) and anchoring days: ``models.py``.
"""

from gongzhi.analytics.queries import Figures, Filter, daily_counts, daily_series, figures, make_filter, total
from gongzhi.analytics.refresh import RefreshReport, rebuild, refresh

__all__ = [
    "Figures",
    "Filter",
    "RefreshReport",
    "daily_counts",
    "daily_series",
    "figures",
    "make_filter",
    "rebuild",
    "refresh",
    "total",
]
