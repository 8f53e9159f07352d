"""`gongzhi demo` seeding, through the real workflow, on both backends."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from gongzhi.accounts.models import Role, User
from gongzhi.cases.models import Case, CaseEvent, Status
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.demo.seed import seed_demo
from gongzhi.directory.models import Category, Department, Region, RegionLevel, RoutingRule


def test_demo_seeds_a_jurisdiction_with_cases_in_every_state(db: Database, settings: Settings, clock) -> None:
    ticks: list[int] = []
    logins = seed_demo(db, settings=settings, now=clock.now, cases=160, seed=7, progress=ticks.append)
    assert sum(ticks) == 160
    assert logins["staff password"] and logins["Open311 api_key"].startswith("gz_")
    with db.reading() as session:
        levels = Counter(session.scalars(select(Region.level)))
        assert levels[RegionLevel.DISTRICT] >= 5 and levels[RegionLevel.STREET] >= 20
        assert session.scalar(select(func.count(Department.id))) >= 25
        assert set(session.scalars(select(Category.level))) == {1, 2, 3}
        assert session.scalar(select(func.count(RoutingRule.id))) > 0
        assert set(session.scalars(select(User.role))) == set(Role)
        statuses = Counter(session.scalars(select(Case.status)))
        assert set(statuses) == set(Status), statuses
        cases = session.scalar(select(func.count(Case.id)))
        submits = session.scalar(select(func.count(CaseEvent.id)).where(CaseEvent.kind == "submit"))
        assert submits == cases
        first = session.scalar(select(func.min(Case.submitted_at)))
        assert (clock.now - first).days > 300  # a year of history


def test_demo_seeds_once(db: Database, settings: Settings, clock) -> None:
    seed_demo(db, settings=settings, now=clock.now, cases=20, seed=1)
    with db.reading() as session:
        before = session.scalar(select(func.count(Case.id)))
    again = seed_demo(db, settings=settings, now=clock.now, cases=20, seed=1)
    with db.reading() as session:
        assert session.scalar(select(func.count(Case.id))) == before
    assert again["Open311 api_key"].startswith("gz_")  # a fresh key each start, shown once
