"""The daily surge evaluation: alerts stored once, supervisors notified, rules per series, acknowledgement."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import delete, select

from gongzhi import worker
from gongzhi.analytics import refresh, surge
from gongzhi.analytics.alert_models import Alert, AlertRun
from gongzhi.cases.models import Notification
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.errors import Conflict, Forbidden, InvalidInput, NotFound
from tests.analytics.surge_support import put_facts, quiet_with_surge
from tests.cases.steps import SHANGHAI, Desk
from tests.factories import World

SURGE_DAY = date(2026, 2, 20)


def _counts(first: date, last: date) -> dict[date, int]:
    return quiet_with_surge(first, last, SURGE_DAY)


_put_facts = put_facts


def _morning(day: date) -> datetime:
    return datetime.combine(day, time(6), tzinfo=SHANGHAI).astimezone(UTC)


def _evaluate(db: Database, settings: Settings, day: date) -> surge.EvaluationReport:
    with db.transaction() as session:
        return surge.evaluate_due(session, settings=settings, now=_morning(day))


def test_a_surge_raises_one_alert_and_notifies_supervisors(db: Database, settings: Settings, world: World) -> None:
    _put_facts(db, _counts(date(2025, 12, 1), SURGE_DAY + timedelta(days=3)))
    report = _evaluate(db, settings, SURGE_DAY + timedelta(days=4))
    assert (report.first_day, report.last_day) == (SURGE_DAY - timedelta(days=24), SURGE_DAY + timedelta(days=3))
    with db.reading() as session:
        alerts = list(session.scalars(select(Alert)))
        assert [(a.category, a.region, a.day, a.observed, a.method) for a in alerts] == [
            ("A01", "cn-hp", SURGE_DAY, 14, "farrington")
        ]
        assert 3 < alerts[0].upper_bound < 14 and 1 < alerts[0].expected < 3
        notes = list(session.scalars(select(Notification).where(Notification.kind == "surge_alert")))
        assert [n.user_id for n in notes] == [world.actors["supervisor"].user_id]
        assert "湖畔街道" in notes[0].message and "供水" in notes[0].message and "14" in notes[0].message
    assert report.alerts == [alerts[0].id] and report.notified == 1
    # the same day again: nothing due; the next day: only that day is judged
    assert _evaluate(db, settings, SURGE_DAY + timedelta(days=4)).last_day is None
    later = _evaluate(db, settings, SURGE_DAY + timedelta(days=5))
    assert later.first_day == later.last_day == SURGE_DAY + timedelta(days=4) and later.alerts == []
    with db.reading() as session:
        assert session.get(AlertRun, 1).last_day == SURGE_DAY + timedelta(days=4)


def test_quiet_series_raise_nothing(db: Database, settings: Settings, world: World) -> None:
    counts = _counts(date(2025, 12, 1), SURGE_DAY + timedelta(days=3))
    counts[SURGE_DAY] = 3
    _put_facts(db, counts)
    assert _evaluate(db, settings, SURGE_DAY + timedelta(days=4)).alerts == []


@pytest.mark.parametrize("method", ["C1", "C2", "C3"])
def test_a_rule_per_series_chooses_the_method(db: Database, settings: Settings, world: World, method: str) -> None:
    _put_facts(db, _counts(date(2026, 1, 10), SURGE_DAY + timedelta(days=1)))
    with db.transaction() as session:
        rule = surge.Rule(method=method, min_sigma=0.5, min_count=5)
        surge.set_rule(session, actor=world.actors["supervisor"], category="A01", region="cn-hp", rule=rule,
                       now=_morning(SURGE_DAY))  # fmt: skip
    _evaluate(db, settings, SURGE_DAY + timedelta(days=2))
    with db.reading() as session:
        assert [(a.day, a.method) for a in session.scalars(select(Alert))] == [(SURGE_DAY, method)]


def test_a_disabled_rule_silences_the_series(db: Database, settings: Settings, world: World) -> None:
    _put_facts(db, _counts(date(2025, 12, 1), SURGE_DAY + timedelta(days=1)))
    with db.transaction() as session:
        surge.set_rule(session, actor=world.actors["supervisor"], category="A01", region="*",
                       rule=surge.Rule(method="farrington", enabled=False), now=_morning(SURGE_DAY))  # fmt: skip
    assert _evaluate(db, settings, SURGE_DAY + timedelta(days=2)).alerts == []


def test_min_count_from_settings(db: Database, settings: Settings, world: World) -> None:
    """Farrington: cases in the last 4 days (limit54); EARS: cases on the day itself."""
    _put_facts(db, _counts(date(2025, 12, 1), SURGE_DAY + timedelta(days=1)))
    recent = sum(_counts(date(2025, 12, 1), SURGE_DAY)[SURGE_DAY - timedelta(days=i)] for i in range(4))
    strict = settings.model_copy(update={"alert_min_count": recent + 1})
    assert _evaluate(db, strict, SURGE_DAY + timedelta(days=2)).alerts == []
    with db.transaction() as session:
        session.execute(delete(AlertRun))
    lenient = settings.model_copy(update={"alert_min_count": recent})
    assert len(_evaluate(db, lenient, SURGE_DAY + timedelta(days=2)).alerts) == 1
    with db.transaction() as session:
        session.execute(delete(AlertRun))
        session.execute(delete(Alert))
    ears_day = settings.model_copy(update={"alert_method": "C1", "alert_min_count": 15})
    assert _evaluate(db, ears_day, SURGE_DAY + timedelta(days=2)).alerts == []  # 14 on the day


@pytest.mark.parametrize(
    ("category", "region", "rule", "error"),
    [
        ("A01", "cn-hp", surge.Rule(method="C9"), "unknown method"),
        ("ZZ", "cn-hp", surge.Rule(method="C1"), "no category with the code 'ZZ'"),
        ("A01", "nowhere", surge.Rule(method="C1"), "no region"),
        ("A01", "cn-hp", surge.Rule(method="C1", alpha=2), "alpha"),
        ("A01", "cn-hp", surge.Rule(method="C1", baseline=1), "baseline"),
        ("A01", "cn-hp", surge.Rule(method="C1", min_count=-1), "min_count"),
    ],
)
def test_bad_rules_are_refused(
    db: Database, world: World, category: str, region: str, rule: surge.Rule, error: str
) -> None:
    with db.transaction() as session, pytest.raises(InvalidInput, match=error):
        surge.set_rule(session, actor=world.actors["supervisor"], category=category, region=region, rule=rule,
                       now=_morning(SURGE_DAY))  # fmt: skip


def test_only_supervisors_set_rules_and_acknowledge(db: Database, settings: Settings, world: World) -> None:
    with db.transaction() as session, pytest.raises(Forbidden):
        surge.set_rule(session, actor=world.actors["handler_water"], category="A01", region="cn-hp",
                       rule=surge.Rule(method="C1"), now=_morning(SURGE_DAY))  # fmt: skip
    with db.transaction() as session, pytest.raises(Forbidden):
        surge.acknowledge(session, actor=world.actors["dispatcher"], alert_id=1, note="", now=_morning(SURGE_DAY))


def test_acknowledge_once(db: Database, settings: Settings, world: World) -> None:
    _put_facts(db, _counts(date(2025, 12, 1), SURGE_DAY + timedelta(days=1)))
    [alert_id] = _evaluate(db, settings, SURGE_DAY + timedelta(days=2)).alerts
    boss = world.actors["supervisor"]
    with db.transaction() as session:
        surge.acknowledge(session, actor=boss, alert_id=alert_id, note=" 已通知水务局排查 ", now=_morning(SURGE_DAY))
    with db.reading() as session:
        alert = session.get(Alert, alert_id)
        assert alert.acknowledged_by == boss.user_id and alert.note == "已通知水务局排查"
        assert surge.list_alerts(session, open_only=True) == []
    with db.transaction() as session, pytest.raises(Conflict, match="already acknowledged"):
        surge.acknowledge(session, actor=boss, alert_id=alert_id, note="", now=_morning(SURGE_DAY))
    with db.transaction() as session, pytest.raises(NotFound):
        surge.acknowledge(session, actor=boss, alert_id=alert_id + 99, note="", now=_morning(SURGE_DAY))


def test_series_view_for_a_chart(db: Database, settings: Settings, world: World) -> None:
    _put_facts(db, _counts(date(2025, 12, 1), SURGE_DAY + timedelta(days=1)))
    with db.reading() as session:
        view = surge.series_view(session, settings=settings, category="A01", region="cn-hp", last=SURGE_DAY, days=30)
        assert len(view.days) == len(view.counts) == len(view.upper) == 30 and view.days[-1] == SURGE_DAY
        assert view.counts[-1] == 14 and view.alarm[-1] is True and view.upper[-1] < 14
        assert view.alarm[:-1].count(True) == 0 and view.note is None
        empty = surge.series_view(session, settings=settings, category="A02", region="cn-sx", last=SURGE_DAY)
        assert empty.counts == [0] * 90 and "every count is 0" in (empty.note or "")
        with pytest.raises(InvalidInput):
            surge.series_view(session, settings=settings, category="A01", region="cn-hp", last=SURGE_DAY, days=2)


def test_cases_to_alert_through_the_worker(desk: Desk, db: Database, settings: Settings) -> None:
    """Six outage reports in one street on one morning, no history: the worker raises the alert the next day."""
    for _ in range(6):
        desk.submit(category="A0101", region="cn-hp-1")
    desk.clock.advance(days=1)
    report = worker.run_once(db, settings, now=desk.clock.now)
    assert report.surge_alerts == 1
    with db.reading() as session:
        [alert] = session.scalars(select(Alert))
        assert (alert.category, alert.region, alert.observed, alert.upper_bound) == ("A01", "cn-hp", 6, 0.0)
    assert worker.run_once(db, settings, now=desk.clock.now).surge_alerts == 0
    with db.transaction() as session:
        assert refresh(session, zone=SHANGHAI, now=desk.clock.now).events == 0


def test_the_demo_seeds_a_surge_that_raises_an_alert(db: Database, settings: Settings, clock) -> None:
    from gongzhi.demo.seed import seed_demo

    seed_demo(db, settings=settings, now=clock.now, cases=160, seed=7)
    with db.reading() as session:
        alerts = list(session.scalars(select(Alert)))
        burst = [a for a in alerts if (a.category, a.region) == ("J01", "dongmen")]
        assert burst, [(a.category, a.region, a.day) for a in alerts]
        assert all(clock.now.date() - timedelta(days=7) <= a.day < clock.now.date() for a in burst)
        assert session.scalar(select(Notification.id).where(Notification.kind == "surge_alert")) is not None
