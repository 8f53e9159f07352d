"""The JSON API of the performance figures: values, permissions, drill-down and bad input."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.analytics.helpers import run_refresh
from tests.analytics.story import History
from tests.factories import login


@pytest.fixture
def ready(history: History, client: TestClient) -> dict[str, str]:
    run_refresh(history.desk)
    headers = login(client, "supervisor")
    client.cookies.clear()  # the bearer token only, so that requests without it are anonymous
    return headers


def test_summary_of_the_month(client: TestClient, ready: dict[str, str]) -> None:
    body = client.get("/api/v1/analytics/summary", params={"month": "2026-03"}, headers=ready).json()
    total = body["total"]
    assert (body["from"], body["to"]) == ("2026-03-01", "2026-04-01")
    assert total["received"] == 4 and total["dispatched"] == 4
    assert total["response_rate"] == 1.0 and total["return_rate"] == 0.25
    assert total["satisfaction_rate"] == 0.6667 and total["median_handling_hours"] == 18.0
    assert body["notes"] == ["the period has not ended yet: its figures are still growing"]


def test_breakdown_ranking_trend(client: TestClient, ready: dict[str, str]) -> None:
    rows = client.get("/api/v1/analytics/breakdown", params={"by": "department"}, headers=ready).json()["rows"]
    assert {r["code"]: r["dispatched"] for r in rows} == {"water": 2, "st-hp": 1, "urban": 1, "": 0}
    streets = client.get("/api/v1/analytics/ranking", params={"level": "region"}, headers=ready).json()
    assert [(r["code"], r["rank"]) for r in streets["rows"]] == [("cn-hp", None), ("cn-sx", None)]  # too few ratings
    trend = client.get("/api/v1/analytics/trend", params={"months": 3}, headers=ready).json()["months"]
    assert [(m["month"], m["received"]) for m in trend] == [("2026-01", 0), ("2026-02", 0), ("2026-03", 4)]


def test_drill_down_lists_the_cases_behind(client: TestClient, ready: dict[str, str], history: History) -> None:
    def codes(**params: str) -> set[str]:
        body = client.get("/api/v1/analytics/cases", params=params, headers=ready).json()
        assert body["total"] == len(body["items"])
        return {item["tracking_code"] for item in body["items"]}

    c = history.codes
    assert codes(metric="received") == set(c.values())
    assert codes(metric="received", region="cn-sx") == {c["C"]}
    assert codes(metric="returned", department="urban") == {c["B"]}
    assert codes(metric="replied_late") == {c["D"]}
    assert codes(metric="dispatched", department="water") == {c["A"], c["D"]}
    assert codes(metric="unsatisfied") == {c["B"]}
    assert codes(metric="reopened", department="st-hp") == {c["B"]}
    assert codes(metric="closed", type="report") == {c["D"]}
    assert codes(metric="late_response") == set()


def test_who_may_see_the_figures(client: TestClient, ready: dict[str, str]) -> None:
    assert client.get("/api/v1/analytics/summary").status_code == 401
    handler = login(client, "handler_water")
    client.cookies.clear()
    assert client.get("/api/v1/analytics/summary", headers=handler).status_code == 403
    dispatcher = login(client, "dispatcher")
    client.cookies.clear()
    assert client.get("/api/v1/analytics/summary", headers=dispatcher).status_code == 200


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"month": "2026-13"}, "month"),
        ({"month": "last month"}, "month"),
        ({"from": "2026-03-10", "to": "2026-03-01"}, "to"),
        ({"from": "yesterday"}, "from"),
        ({"month": "2026-03", "from": "2026-03-01"}, "month"),
        ({"department": "nosuch"}, "department"),
        ({"region": "cn-hp-1"}, "region"),  # a community: figures are per street
        ({"type": "gossip"}, "type"),
        ({"by": "colour"}, "by"),
        ({"metric": "happiness"}, "metric"),
        ({"from": "2020-01-01", "to": "2026-01-01"}, "from"),
    ],
)
def test_bad_input_is_a_400_that_says_why(
    client: TestClient, ready: dict[str, str], params: dict[str, str], field: str
) -> None:
    path = {"by": "breakdown", "metric": "cases"}.get(next(iter(params)), "breakdown")
    response = client.get(f"/api/v1/analytics/{path}", params=params, headers=ready)
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field
    assert len(response.json()["error"]) > 20


def test_empty_and_future_periods_answer_with_a_note(client: TestClient, ready: dict[str, str]) -> None:
    future = client.get("/api/v1/analytics/summary", params={"month": "2027-01"}, headers=ready).json()
    assert future["total"]["received"] == 0 and future["total"]["response_rate"] is None
    assert "future" in future["notes"][0]
    quiet = client.get("/api/v1/analytics/summary", params={"month": "2026-02"}, headers=ready).json()
    assert quiet["notes"] == ["no cases in this period for the filters given"]
    nothing = client.get(
        "/api/v1/analytics/summary", params={"month": "2026-03", "department": "hotline"}, headers=ready
    ).json()
    assert nothing["total"]["dispatched"] == 0 and "no cases" in nothing["notes"][0]
