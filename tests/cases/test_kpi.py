"""Department KPIs (三率 and the rest) on a small history worked out by hand.

To keep the arithmetic in clock hours, the water categories (A01) get the policy "respond within
4 h, resolve within 48 h". All four cases reach ``water`` on Monday 2 March 2026; t = hours after
09:00 that day (Shanghai).

    case  dispatched to water   accepted         replied           rating (t)
    1     t=0 (by rule)         t=1  on time     t=10  on time      satisfied, solved        (t=11)
    2     t=0 (by rule)         t=2  on time     t=20  on time      satisfied, not solved    (t=21)
    3     t=0 (by rule)         t=5  LATE (>4)   t=50  LATE (>48)   basically sat., solved   (t=51)
    4     t=2 (after urban      t=3  on time     t=32  on time      unsatisfied, not solved  (t=33)
          returned it at t=1)

water, March:
    response rate     = accepted in time / dispatched      = 3 / 4 = 0.75
    resolution rate   = rated solved / rated               = 2 / 4 = 0.5
    satisfaction rate = (satisfied + basically) / rated    = 3 / 4 = 0.75
    return rate       = returns / dispatched               = 0 / 4 = 0.0
    overdue rate      = late first replies / first replies = 1 / 4 = 0.25
    median handling   = median of 10, 20, 50, 30 (case 4 counts from t=2) = (20 + 30) / 2 = 25.0 h
urban, March: one dispatch, returned within its 24 working hours:
    response rate 1 / 1 = 1.0, return rate 1 / 1 = 1.0; nothing replied or rated: the rest is None.
hotline, st-hp: nothing at all: every rate None, never 0.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from gongzhi.cases.kpi import department_kpis
from gongzhi.cases.models import Satisfaction
from gongzhi.directory import admin
from gongzhi.directory.models import Urgency
from gongzhi.errors import InvalidInput
from tests.cases.steps import Api, Desk, local

T0 = local(2026, 3, 2, 9)
MARCH = {"from": "2026-03-01", "to": "2026-04-01"}

WATER = {
    "department": "water",
    "dispatched": 4,
    "responded_on_time": 3,
    "returned": 0,
    "replied": 4,
    "replied_late": 1,
    "rated": 4,
    "solved": 2,
    "satisfied": 3,
    "response_rate": 0.75,
    "resolution_rate": 0.5,
    "satisfaction_rate": 0.75,
    "return_rate": 0.0,
    "overdue_rate": 0.25,
    "median_handling_hours": 25.0,
}
URBAN = {
    "department": "urban",
    "dispatched": 1,
    "responded_on_time": 1,
    "returned": 1,
    "replied": 0,
    "replied_late": 0,
    "rated": 0,
    "solved": 0,
    "satisfied": 0,
    "response_rate": 1.0,
    "resolution_rate": None,
    "satisfaction_rate": None,
    "return_rate": 1.0,
    "overdue_rate": None,
    "median_handling_hours": None,
}
RATES = (
    "response_rate",
    "resolution_rate",
    "satisfaction_rate",
    "return_rate",
    "overdue_rate",
    "median_handling_hours",
)


def _at(desk: Desk, hours: float) -> None:
    desk.clock.now = T0 + timedelta(hours=hours)


def _handled(desk: Desk, *, accepted: float, replied: float, rated: float, rating: Satisfaction, solved: bool) -> None:
    """One case routed to water at t=0, then accepted, replied and rated at the given hours."""
    _at(desk, 0)
    code, secret = desk.submit(category="A0102")
    _answer(desk, code, secret, accepted=accepted, replied=replied, rated=rated, rating=rating, solved=solved)


def _answer(
    desk: Desk,
    code: str,
    secret: str,
    *,
    accepted: float,
    replied: float,
    rated: float,
    rating: Satisfaction,
    solved: bool,
) -> None:
    _at(desk, accepted)
    desk.accept(code, by="handler_water")
    _at(desk, replied)
    desk.reply(code, by="handler_water")
    _at(desk, rated)
    desk.rate(code, secret, rating, solved=solved)


@pytest.fixture
def history(desk: Desk) -> Desk:
    with desk.db.transaction() as session:
        admin.set_sla_policy(session, urgency=Urgency.NORMAL, respond="4h", resolve="48h", category="A01")
    _handled(desk, accepted=1, replied=10, rated=11, rating=Satisfaction.SATISFIED, solved=True)
    _handled(desk, accepted=2, replied=20, rated=21, rating=Satisfaction.SATISFIED, solved=False)
    _handled(desk, accepted=5, replied=50, rated=51, rating=Satisfaction.BASIC, solved=True)
    _at(desk, 0)
    code, secret = desk.submit(category=None)
    desk.dispatch(code, "urban")
    _at(desk, 1)
    desk.return_(code, by="handler_urban")
    _at(desk, 2)
    desk.dispatch(code, "water", category="A0102")
    _answer(desk, code, secret, accepted=3, replied=32, rated=33, rating=Satisfaction.UNSATISFIED, solved=False)
    return desk


def _figures(desk: Desk, start_day: int = 1, end_month: int = 4) -> dict[str, dict[str, object]]:
    with desk.db.reading() as session:
        kpis = department_kpis(session, start=local(2026, 3, start_day), end=local(2026, end_month, 1))
    return {k.department: k.as_dict() for k in kpis}


def _subset(figures: dict[str, object], expected: dict[str, object]) -> dict[str, object]:
    return {key: figures[key] for key in expected}


def test_the_figures_match_the_hand_computation(history: Desk) -> None:
    figures = _figures(history)
    assert _subset(figures["water"], WATER) == WATER
    assert _subset(figures["urban"], URBAN) == URBAN


def test_a_department_without_cases_has_no_rates_rather_than_zero(history: Desk) -> None:
    figures = _figures(history)
    for quiet in ("hotline", "st-hp"):
        assert figures[quiet]["dispatched"] == figures[quiet]["rated"] == 0
        assert {name: figures[quiet][name] for name in RATES} == dict.fromkeys(RATES)


def test_a_period_without_events_has_no_rates(history: Desk) -> None:
    with history.db.reading() as session:
        april = {k.department: k for k in department_kpis(session, start=local(2026, 4, 1), end=local(2026, 5, 1))}
    assert (april["water"].dispatched, april["water"].response_rate, april["water"].satisfaction_rate) == (
        0,
        None,
        None,
    )


def test_a_period_must_end_after_it_starts(desk: Desk) -> None:
    with desk.db.reading() as session, pytest.raises(InvalidInput, match="end after it starts"):
        department_kpis(session, start=local(2026, 4, 1), end=local(2026, 3, 1))


def test_the_api_gives_the_same_numbers(history: Desk, api: Api) -> None:
    response = api.get("/kpi", by="supervisor", **MARCH)
    assert response.status_code == 200, response.text
    body = response.json()
    by_code = {d["department"]: d for d in body["departments"]}
    assert _subset(by_code["water"], WATER) == WATER
    assert _subset(by_code["urban"], URBAN) == URBAN
    assert {name: by_code["hotline"][name] for name in RATES} == dict.fromkeys(RATES)
    assert body["from"] == "2026-03-01T00:00:00+08:00"  # a bare date is local midnight
    assert [
        d["department"] for d in api.get("/kpi", by="handler_water", department="water", **MARCH).json()["departments"]
    ] == ["water"]


def test_the_api_refuses_a_period_that_ends_before_it_starts(api: Api) -> None:
    response = api.get("/kpi", by="supervisor", **{"from": "2026-04-01", "to": "2026-03-01"})
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "to"
    assert "end after it starts" in response.json()["error"]


@pytest.mark.parametrize("bad", ["2026-13-01", "yesterday", "01/03/2026", "0001-01-01", "9999-12-31T23:00-10:00"])
def test_the_api_refuses_a_malformed_date_with_a_message(api: Api, bad: str) -> None:
    response = api.get("/kpi", by="supervisor", **{"from": bad, "to": "2026-04-01"})
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "from"
    assert "2026-10-01" in response.json()["error"]  # shows what a date looks like


def test_kpis_are_for_staff(api: Api) -> None:
    assert api.get("/kpi", **MARCH).status_code == 401
    assert api.get("/kpi", by="citizen", **MARCH).status_code == 403
    response = api.get("/kpi", by="supervisor", department="nowhere", **MARCH)
    assert response.status_code == 404 and "nowhere" in response.json()["error"]
