"""The facts are refreshed where the issue says: after demo seeding, and by the worker's cycle."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from gongzhi import worker
from gongzhi.analytics import total
from gongzhi.analytics.models import DayFact
from gongzhi.analytics.performance import dashboard
from gongzhi.analytics.periods import Period
from gongzhi.cases.models import Case
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.demo.seed import seed_demo
from tests.analytics.helpers import day_facts, run_refresh
from tests.analytics.story import History
from tests.cases.steps import SHANGHAI


def test_demo_dashboard_shows_its_seeded_history(db: Database, settings: Settings, clock) -> None:  # type: ignore[no-untyped-def]
    seed_demo(db, settings=settings, now=clock.now, cases=160, seed=7)
    today = clock.now.astimezone(SHANGHAI).date()
    year = Period(today - timedelta(days=366), today + timedelta(days=1), today)
    with db.reading() as session:
        assert session.scalar(select(func.count(DayFact.id))) > 0
        board = dashboard(session, period=year)
        assert board.total.received == session.scalar(select(func.count(Case.id))) > 160
        assert board.total.response_rate is not None and board.total.satisfaction_rate is not None
        assert len(board.tables["department"]) > 5
        assert sum(f.received for _, f in board.trend) > 100


def test_the_worker_cycle_refreshes_the_facts(history: History, settings: Settings) -> None:
    desk = history.desk
    report = worker.run_once(desk.db, settings, now=desk.clock.now)
    assert report.analytics_days == 2  # the first run rebuilds: Monday and Tuesday
    with desk.db.reading() as session:
        assert (
            total(
                session, start=desk.clock.now.date().replace(day=1), end=desk.clock.now.date().replace(day=28)
            ).received
            == 4
        )
    desk.clock.advance(hours=1)
    desk.submit(title="又停水了", category="A0101")
    again = worker.run_once(desk.db, settings, now=desk.clock.now)
    assert again.analytics_days == 1
    refreshed = day_facts(desk.db)
    run_refresh(desk, full=True)
    assert day_facts(desk.db) == refreshed


def test_facts_commands(history: History) -> None:
    from typer.testing import CliRunner

    from gongzhi.cli import app

    runner = CliRunner()
    url = history.desk.db.url
    first = runner.invoke(app, ["facts", "refresh", "--db", url])
    assert first.exit_code == 0, first.output
    assert "2 days" in first.output
    again = runner.invoke(app, ["facts", "refresh", "--db", url])
    assert again.exit_code == 0 and "0 new events" in again.output
    rebuilt = runner.invoke(app, ["facts", "rebuild", "--db", url])
    assert rebuilt.exit_code == 0 and "2 days" in rebuilt.output
