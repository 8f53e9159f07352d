"""The facts of a small history, computed by hand; incremental refreshes equal a full rebuild."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from gongzhi.analytics import Filter, daily_counts, daily_series, figures, total
from gongzhi.analytics.models import AnalyticsState
from gongzhi.cases.kpi import department_kpis
from gongzhi.cases.models import CaseEvent
from gongzhi.directory.models import Department
from tests.analytics.helpers import MONDAY, TUESDAY, day_facts, month_facts, run_refresh, volumes
from tests.analytics.story import History, play
from tests.cases.steps import Desk, local

H = 3600


def test_facts_of_the_small_history(history: History) -> None:
    run_refresh(history.desk)
    facts = day_facts(history.desk.db)
    assert facts == {
        (MONDAY, "water", "cn-hp", "A01", "help"): {
            "received": 1,
            "dispatched": 1,
            "responded_on_time": 1,
            "replied": 1,
            "handling_seconds": 4 * H,
            "hist_03": 1,  # 4 h falls in [4, 8)
        },
        (MONDAY, "water", "cn-hp", "A01", "report"): {
            "received": 1,
            "dispatched": 1,
            "responded_on_time": 1,
            "replied": 1,
            "replied_late": 1,
            "handling_seconds": 30 * H,
            "hist_06": 1,  # [24, 36)
        },
        (MONDAY, "st-hp", "cn-hp", "A02", "complaint"): {
            "received": 1,  # received counts for the department holding the case now
            "dispatched": 1,
            "responded_on_time": 1,
            "replied": 1,
            "handling_seconds": 22 * H,
            "hist_05": 1,  # [12, 24)
        },
        (MONDAY, "urban", "cn-hp", "A02", "complaint"): {"dispatched": 1, "responded_on_time": 1, "returned": 1},
        (MONDAY, "", "cn-sx", "", "consultation"): {"received": 1},
        (TUESDAY, "water", "cn-hp", "A01", "help"): {"rated": 1, "solved": 1, "satisfied": 1, "closed": 1},
        (TUESDAY, "water", "cn-hp", "A01", "report"): {
            "rated": 1,
            "solved": 1,
            "basically_satisfied": 1,
            "closed": 1,
        },
        (TUESDAY, "st-hp", "cn-hp", "A02", "complaint"): {"rated": 1, "unsatisfied": 1, "reopened": 1},
    }
    assert volumes(history.desk.db) == {(MONDAY, "cn-hp-1"): 3, (MONDAY, "cn-sx"): 1}


def test_month_facts_sum_the_days(history: History) -> None:
    run_refresh(history.desk)
    months = month_facts(history.desk.db)
    water = months[(date(2026, 3, 1), "water", "cn-hp", "A01", "help")]
    assert water == {
        "received": 1,
        "dispatched": 1,
        "responded_on_time": 1,
        "replied": 1,
        "handling_seconds": 4 * H,
        "hist_03": 1,
        "rated": 1,
        "solved": 1,
        "satisfied": 1,
        "closed": 1,
    }
    assert len(months) == 5  # eight day rows, five keys: one month row per key
    assert sum(v.get("received", 0) for v in months.values()) == 4


def test_rates_from_the_facts(history: History) -> None:
    run_refresh(history.desk)
    with history.desk.db.reading() as session:
        march = total(session, start=date(2026, 3, 1), end=date(2026, 4, 1))
        by_day = total(session, start=MONDAY, end=date(2026, 3, 4))
    for fig in (march, by_day):
        assert fig.received == 4
        assert fig.response_rate == 1.0
        assert fig.return_rate == 0.25
        assert fig.overdue_rate == round(1 / 3, 4)
        assert fig.resolution_rate == round(2 / 3, 4)
        assert fig.satisfaction_rate == round(2 / 3, 4)
        assert fig.mean_handling_hours == round((4 + 22 + 30) / 3, 2)
        # buckets [4,8), [12,24), [24,36): the median's bucket is [12, 24), half of it in: 12 + 12 × 0.5
        assert fig.median_handling_hours == 18.0


def test_facts_agree_with_the_exact_kpis(history: History) -> None:
    """Per department, the facts give the figures ``cases.kpi`` computes from raw events (one definition)."""
    run_refresh(history.desk)
    with history.desk.db.reading() as session:
        exact = {k.department: k for k in department_kpis(session, start=local(2026, 3, 1), end=local(2026, 4, 1))}
        facts = figures(session, start=date(2026, 3, 1), end=date(2026, 4, 1), by=("department",))
        codes = {d.id: d.code for d in _departments(session)}
    assert {codes[f.key["department"]] for f in facts if f.key["department"]} == {"water", "urban", "st-hp"}
    for fig in facts:
        if not fig.key["department"]:
            continue
        kpi = exact[codes[fig.key["department"]]]
        for name in ("dispatched", "responded_on_time", "returned", "replied", "replied_late", "rated", "solved"):
            assert fig.counts[name] == getattr(kpi, name), name
        assert fig.happy == kpi.satisfied
        for rate in ("response_rate", "resolution_rate", "satisfaction_rate", "return_rate", "overdue_rate"):
            assert getattr(fig, rate) == getattr(kpi, rate), rate


def _departments(session):  # type: ignore[no-untyped-def]
    return session.scalars(select(Department))


def test_groupings_and_filters(history: History) -> None:
    run_refresh(history.desk)
    march = {"start": date(2026, 3, 1), "end": date(2026, 4, 1)}
    with history.desk.db.reading() as session:
        by_type = {f.key["type"]: f.received for f in figures(session, by=("type",), **march)}
        by_district = figures(session, by=("district",), **march)
        top = figures(session, by=("category_top",), **march)
        street = total(session, where=Filter(region="cn-hp"), **march)
        water = total(session, where=Filter(department="water"), **march)
        weekly = figures(session, grain="week", start=date(2026, 2, 23), end=date(2026, 3, 9))
    assert by_type == {"help": 1, "complaint": 1, "consultation": 1, "report": 1}
    assert [f.received for f in by_district] == [4]  # both streets are in 城南区
    assert [f.received for f in top] == [1, 3]  # C without a category; the others under 城乡建设
    assert street.received == 3
    assert (water.dispatched, water.rated) == (2, 2)
    assert [(f.key["period"], f.received) for f in weekly] == [(MONDAY, 4)]


def test_daily_counts_and_series(history: History) -> None:
    run_refresh(history.desk)
    with history.desk.db.reading() as session:
        rows = daily_counts(session, start=date(2026, 3, 1), end=date(2026, 3, 5))
        series = daily_series(session, start=date(2026, 3, 1), end=date(2026, 3, 5), by=("category",))
        rated = daily_series(session, start=date(2026, 3, 1), end=date(2026, 3, 5), by=(), measure="rated")
    assert rows == [
        {"day": MONDAY, "category": "", "region": "cn-sx", "count": 1},
        {"day": MONDAY, "category": "A01", "region": "cn-hp", "count": 2},
        {"day": MONDAY, "category": "A02", "region": "cn-hp", "count": 1},
    ]
    assert series == {("",): [0, 1, 0, 0], ("A01",): [0, 2, 0, 0], ("A02",): [0, 1, 0, 0]}
    assert rated == {(): [0, 0, 3, 0]}


def test_incremental_refreshes_equal_a_full_rebuild(desk: Desk) -> None:
    """Refresh after every step of the history: the facts end up as a rebuild from scratch makes them."""
    steps = []
    original = desk.clock.advance

    def advance_and_refresh(**delta: float):  # type: ignore[no-untyped-def]
        steps.append(run_refresh(desk))
        return original(**delta)

    desk.clock.advance = advance_and_refresh  # type: ignore[method-assign]
    history = play(desk)
    final = run_refresh(desk)
    assert steps[0].full and not steps[1].full
    assert 0 < final.events < 10 and final.days == 2  # only the days of the touched cases
    incremental, incremental_months = day_facts(desk.db), month_facts(desk.db)
    run_refresh(desk, full=True)
    assert day_facts(desk.db) == incremental
    assert month_facts(desk.db) == incremental_months
    assert history.codes


def test_nothing_new_is_a_cheap_refresh(history: History) -> None:
    run_refresh(history.desk)
    again = run_refresh(history.desk)
    assert (again.full, again.events, again.days, again.rows) == (False, 0, 0, 0)


def test_an_old_case_touched_again_recomputes_its_old_days(history: History) -> None:
    """B, reopened on Tuesday, is replied again a week later: its Monday dispatch is recomputed too."""
    run_refresh(history.desk)
    history.desk.clock.advance(days=7)
    history.desk.reply(history.codes["B"], by="handler_street", text="再次核实，占道摊位已全部清理，请您监督。")
    report = run_refresh(history.desk)
    assert report.cases == 1 and report.days == 3  # Monday, Tuesday and today
    incremental = day_facts(history.desk.db)
    run_refresh(history.desk, full=True)
    assert day_facts(history.desk.db) == incremental


def test_empty_database(desk: Desk) -> None:
    report = run_refresh(desk)
    assert report.full and report.rows == 0
    with desk.db.reading() as session:
        assert total(session, start=date(2026, 3, 1), end=date(2026, 4, 1)).received == 0
        assert daily_series(session, start=date(2026, 3, 1), end=date(2026, 3, 3)) == {}


def test_a_period_across_months_reads_months_and_edge_days_alike(history: History) -> None:
    """[20 Feb, 5 Apr) is read as days, the month of March, days again: the same sums as from days alone."""
    run_refresh(history.desk)
    with history.desk.db.reading() as session:
        mixed = total(session, start=date(2026, 2, 20), end=date(2026, 4, 5))
        days = figures(session, start=date(2026, 2, 20), end=date(2026, 4, 5), grain="day")
    assert mixed.counts == {name: sum(f.counts[name] for f in days) for name in mixed.counts}
    assert mixed.histogram == [sum(f.histogram[i] for f in days) for i in range(len(mixed.histogram))]
    assert mixed.received == 4


@pytest.mark.parametrize(
    "by", [(), ("department",), ("region",), ("district",), ("category",), ("category_top",), ("type",)]
)
def test_the_cubes_give_what_the_full_grain_gives(history: History, by: tuple[str, ...]) -> None:
    """Unfiltered figures come from the per-dimension cubes; they must equal the sums of the full grain."""
    history.desk.clock.advance(days=40)  # a second month, so that a period spans days, a month and days
    history.desk.reply(history.codes["B"], by="handler_street", text="再次核实，占道摊位已全部清理，请您监督。")
    run_refresh(history.desk)
    with history.desk.db.reading() as session:
        for start, end, grain in [
            (date(2026, 3, 1), date(2026, 5, 1), None),
            (date(2026, 2, 20), date(2026, 4, 20), None),
            (date(2026, 3, 2), date(2026, 3, 4), None),
            (date(2026, 2, 1), date(2026, 5, 1), "month"),
            (date(2026, 2, 23), date(2026, 4, 20), "week"),
            (date(2026, 3, 1), date(2026, 4, 20), "day"),
        ]:
            ask = {"start": start, "end": end, "by": by, "grain": grain}
            cube = [f.as_dict() | {"h": f.histogram} for f in figures(session, **ask)]
            full = [f.as_dict() | {"h": f.histogram} for f in figures(session, **ask, force_facts=True)]
            assert cube == full, (start, end, grain)
            assert cube, (start, end, grain)


def test_an_event_committed_late_below_the_watermark_is_still_counted(history: History) -> None:
    """PostgreSQL may show id n+1 before id n commits: ids missing below the watermark are looked at again."""
    desk = history.desk
    run_refresh(desk)
    desk.clock.advance(hours=1)
    desk.submit(title="又停水了", category="A0101")
    with desk.db.transaction() as session:  # as if the refresh had seen a later id but not this one yet
        newest = session.scalar(select(func.max(CaseEvent.id)))
        state = session.get(AnalyticsState, 1)
        state.last_event_id = newest
        state.pending_ids = [[newest, desk.clock.now.isoformat()]]
    report = run_refresh(desk)
    assert report.cases == 1 and report.days == 1
    with desk.db.reading() as session:
        assert total(session, start=MONDAY, end=date(2026, 3, 5)).received == 5
        assert session.get(AnalyticsState, 1).pending_ids == []
