"""Deadlines in working time on China's official calendar, set by dispatch and watched by the sweep.

All times are wall-clock times in Shanghai. 2026: Spring Festival holiday 15–23 February, make-up
working Saturdays 14 and 28 February. A0102 (水质) is a normal matter routed to ``water``: respond
within 24 working hours, resolve within 7 working days.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

from gongzhi.accounts.models import Role
from gongzhi.accounts.service import create_user
from gongzhi.cases.deadlines import SweepResult
from gongzhi.cases.models import Satisfaction
from gongzhi.directory import admin
from gongzhi.directory.models import DepartmentKind, Urgency
from tests.cases.steps import Api, Desk, local, urgent_category
from tests.factories import PASSWORD

NORMAL = "A0102"


def _dispatched_at(desk: Desk, when: datetime, category: str = NORMAL) -> str:
    """A case submitted without category and dispatched to water by the dispatcher at ``when``."""
    desk.clock.now = when
    code, _ = desk.submit(category=None)
    desk.dispatch(code, "water", category=category)
    return code


def _day_off(desk: Desk, day: date, working: bool = False) -> None:
    with desk.db.transaction() as session:
        admin.set_calendar_override(session, day=day, is_working_day=working, note="台风停工")


# Where dispatch puts the deadlines


def test_friday_afternoon_plus_24_working_hours_is_monday_afternoon(desk: Desk) -> None:
    code = _dispatched_at(desk, local(2026, 3, 6, 16))  # Friday
    case = desk.case(code)
    assert case.response_due == local(2026, 3, 9, 16)
    assert case.response_unit == "working_hours"


def test_seven_working_days_across_the_spring_festival(desk: Desk) -> None:
    # Thursday 12 Feb 09:00: 12th (15 h), 13th, Saturday 14th (make-up), holiday 15th–23rd, 24th–27th,
    # and 9 hours of Saturday 28th (make-up) = 15 + 6 × 24 + 9 = 168 h = 7 working days.
    code = _dispatched_at(desk, local(2026, 2, 12, 9))
    case = desk.case(code)
    assert case.resolution_due == local(2026, 2, 28, 9)
    assert case.resolution_unit == "working_days"
    assert case.response_due == local(2026, 2, 13, 9)


def test_a_make_up_saturday_counts(desk: Desk) -> None:
    code = _dispatched_at(desk, local(2026, 2, 13, 16))  # Friday before the holiday
    assert desk.case(code).response_due == local(2026, 2, 14, 16)  # the make-up Saturday


def test_a_case_dispatched_on_the_make_up_saturday_skips_the_holiday(desk: Desk) -> None:
    code = _dispatched_at(desk, local(2026, 2, 14, 10))
    assert desk.case(code).response_due == local(2026, 2, 24, 10)


def test_a_case_dispatched_on_a_weekend_starts_its_clock_on_monday(desk: Desk) -> None:
    code = _dispatched_at(desk, local(2026, 3, 7, 10))  # Saturday
    assert desk.case(code).response_due == local(2026, 3, 10, 0)


def test_an_emergency_counts_clock_hours_even_on_a_holiday(desk: Desk) -> None:
    urgent = urgent_category(desk, urgency=Urgency.EMERGENCY)
    desk.clock.now = local(2026, 2, 17, 10)  # the third day of the Spring Festival
    code, _ = desk.submit(category=urgent)  # routed to water by the A01 rule
    case = desk.case(code)
    assert (case.department.code, case.urgency) == ("water", Urgency.EMERGENCY)
    assert case.response_due == local(2026, 2, 17, 12)
    assert case.resolution_due == local(2026, 2, 18, 10)
    assert case.response_unit == "clock_hours"


def test_a_local_day_off_shifts_the_deadline(desk: Desk) -> None:
    _day_off(desk, date(2026, 3, 9))  # the Monday
    code = _dispatched_at(desk, local(2026, 3, 6, 16))
    assert desk.case(code).response_due == local(2026, 3, 10, 16)


def test_a_local_extra_working_day_shortens_the_wait(desk: Desk) -> None:
    _day_off(desk, date(2026, 3, 7), working=True)  # the Saturday
    code = _dispatched_at(desk, local(2026, 3, 6, 16))
    assert desk.case(code).response_due == local(2026, 3, 7, 16)


# The sweep: warn at 80 %, escalate at 100 %, once each


def test_the_warning_comes_once_at_80_percent(desk: Desk) -> None:
    code = _dispatched_at(desk, local(2026, 3, 2, 9))  # response due Tuesday 09:00
    desk.clock.now = local(2026, 3, 3, 4, 11)  # 19 h 11 min of 24 h: not yet 80 %
    assert (desk.sweep().warned, desk.events(code, "warning")) == (0, [])
    desk.clock.now = local(2026, 3, 3, 4, 12)  # 19.2 h = 80 %
    assert desk.sweep().warned == 1
    assert desk.sweep().warned == 0
    desk.clock.advance(hours=1)
    assert desk.sweep().warned == 0
    warnings = desk.events(code, "warning")
    assert [(e.data["deadline"], e.actor_role) for e in warnings] == [("response", "system")]
    assert desk.notified("deadline_warning", code) == ["handler_water"]
    assert desk.case(code).response_warned and not desk.case(code).response_escalated


def test_the_warning_counts_working_time_not_clock_time(desk: Desk) -> None:
    code = _dispatched_at(desk, local(2026, 3, 6, 16))  # Friday; due Monday 16:00
    desk.clock.now = local(2026, 3, 9, 4)  # 60 of 72 clock hours (83 %), but 12 of 24 working hours (50 %)
    assert desk.sweep().warned == 0
    desk.clock.now = local(2026, 3, 9, 11, 11)
    assert desk.sweep().warned == 0
    desk.clock.now = local(2026, 3, 9, 11, 12)  # 8 h + 11.2 h = 80 % of 24 h
    assert desk.sweep().warned == 1
    assert len(desk.events(code, "warning")) == 1


@pytest.fixture
def second_supervisor(desk: Desk) -> str:
    """A supervisor of another unit, who must not hear about the hotline's departments."""
    with desk.db.transaction() as session:
        inspect = admin.create_department(session, code="inspect", name="督查室", kind=DepartmentKind.HOTLINE)
        create_user(
            session,
            username="supervisor_inspect",
            password=PASSWORD,
            role=Role.SUPERVISOR,
            now=desk.clock.now,
            department_id=inspect.id,
        )
    return "supervisor_inspect"


def test_an_overdue_response_is_escalated_once_to_the_supervising_unit(desk: Desk, second_supervisor: str) -> None:
    code = _dispatched_at(desk, local(2026, 3, 2, 9))
    desk.clock.now = local(2026, 3, 3, 8, 59)
    assert desk.sweep().escalated == 0
    desk.clock.now = local(2026, 3, 3, 9)
    result = desk.sweep()
    assert (result.escalated, result.warned) == (1, 0)  # past the deadline: escalated, not merely warned
    assert desk.sweep().escalated == 0
    escalations = desk.events(code, "escalation")
    assert [e.data for e in escalations] == [{"deadline": "response", "due": local(2026, 3, 3, 9).isoformat()}]
    assert desk.notified("deadline_escalation", code) == ["supervisor"]  # hotline's, not supervisor_inspect
    case = desk.case(code)
    assert case.response_warned and case.response_escalated


def test_an_overdue_resolution_is_escalated_after_acceptance(desk: Desk) -> None:
    code = _dispatched_at(desk, local(2026, 3, 2, 9))
    desk.accept(code, by="handler_water")
    desk.clock.now = local(2026, 3, 11, 9)  # 7 working days later
    assert desk.sweep().escalated == 1
    assert [e.data["deadline"] for e in desk.events(code, "escalation")] == ["resolution"]
    assert desk.notified("deadline_escalation", code) == ["supervisor"]


def test_a_department_without_supervising_unit_escalates_to_every_supervisor(
    desk: Desk, second_supervisor: str
) -> None:
    desk.clock.now = local(2026, 3, 2, 9)
    code, _ = desk.submit(category=None)
    desk.dispatch(code, "hotline")
    desk.clock.now = local(2026, 3, 3, 9)
    desk.sweep()
    assert sorted(desk.notified("deadline_escalation", code)) == ["supervisor", "supervisor_inspect"]


def test_the_sweep_leaves_replied_closed_and_withdrawn_cases_alone(desk: Desk, api: Api) -> None:
    desk.clock.now = local(2026, 3, 2, 9)
    (replied, _), (closed, closed_secret), (withdrawn, withdrawn_secret) = (desk.submit(category=NORMAL) for _ in "abc")
    for code in (replied, closed):
        desk.accept(code, by="handler_water")
        desk.reply(code, by="handler_water")
    desk.rate(closed, closed_secret, Satisfaction.SATISFIED, solved=True)
    assert api.move(withdrawn, "withdraw", secret=withdrawn_secret).json()["status"] == "withdrawn"

    desk.clock.now = local(2026, 4, 30, 9)  # far past every deadline
    assert desk.sweep() == SweepResult(warned=0, escalated=0)
    for code in (replied, closed, withdrawn):
        assert desk.events(code, "warning") == desk.events(code, "escalation") == []
    assert desk.notified("deadline_escalation") == desk.notified("deadline_warning") == []
