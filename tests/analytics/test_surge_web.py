"""The alerts and forecasts pages and their JSON API: who sees what, acknowledging, rules, bad input as 4xx."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient

from gongzhi.analytics import surge
from gongzhi.analytics.alert_models import Alert
from gongzhi.config import Settings
from gongzhi.db import Database
from tests.analytics.surge_support import put_facts, quiet_with_surge
from tests.conftest import Clock
from tests.factories import World
from tests.factories import login as api_login
from tests.web.pages_support import HTML, csrf, login

SURGE_DAY = date(2026, 2, 26)  # the test clock is Monday 2 March 2026


def _alert(db: Database, settings: Settings, clock: Clock) -> int:
    put_facts(db, quiet_with_surge(date(2025, 9, 1), date(2026, 3, 1), SURGE_DAY))  # history before the 90 days shown
    with db.transaction() as session:
        [alert_id] = surge.evaluate_due(session, settings=settings, now=clock.now).alerts
    return alert_id


def test_alerts_page_shows_the_chart_and_acknowledges(
    client: TestClient, db: Database, settings: Settings, clock: Clock, world: World
) -> None:
    alert_id = _alert(db, settings, clock)
    login(client, "supervisor")
    page = client.get("/staff/analytics/alerts")
    assert page.status_code == 200
    assert "突增预警" in page.text and "2026-02-26" in page.text and "供水" in page.text and "湖畔街道" in page.text
    assert 'data-surge-chart="series"' in page.text and '"alarms": [["2026-02-26", 14]]' in page.text
    assert "/static/surge.js" in page.text
    token = csrf(client, "/staff/analytics/alerts")
    done = client.post(
        f"/staff/analytics/alerts/{alert_id}/acknowledge",
        data={"csrf_token": token, "note": "已通知水务局"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    with db.reading() as session:
        assert session.get(Alert, alert_id).note == "已通知水务局"
    again = client.post(f"/staff/analytics/alerts/{alert_id}/acknowledge", data={"csrf_token": token}, headers=HTML)
    assert again.status_code == 409 and "already acknowledged" in again.text


def test_rules_through_the_page(client: TestClient, db: Database, world: World) -> None:
    login(client, "supervisor")
    token = csrf(client, "/staff/analytics/alerts")
    form = {"csrf_token": token, "category": "A01", "region": "*", "method": "C2", "alpha": "0.005"}
    saved = client.post("/staff/analytics/alerts/rules", data={**form, "enabled": "true"}, follow_redirects=False)
    assert saved.status_code == 303
    page = client.get("/staff/analytics/alerts")
    assert "C2" in page.text and "0.005" in page.text
    bad = client.post("/staff/analytics/alerts/rules", data={**form, "alpha": "lots"}, headers=HTML)
    assert bad.status_code == 400 and "not a number" in bad.text
    bad = client.post("/staff/analytics/alerts/rules", data={**form, "method": "C7"}, headers=HTML)
    assert bad.status_code == 400 and "unknown method" in bad.text


def test_handlers_may_not_see_alerts(client: TestClient, world: World) -> None:
    login(client, "handler_water")
    assert client.get("/staff/analytics/alerts", headers=HTML).status_code == 403
    assert client.get("/staff/analytics/forecasts", headers=HTML).status_code == 403


def test_dispatcher_sees_but_cannot_acknowledge(
    client: TestClient, db: Database, settings: Settings, clock: Clock, world: World
) -> None:
    alert_id = _alert(db, settings, clock)
    login(client, "dispatcher")
    page = client.get("/staff/analytics/alerts")
    assert page.status_code == 200 and "/acknowledge" not in page.text
    token = csrf(client, "/staff/analytics/alerts")
    refused = client.post(f"/staff/analytics/alerts/{alert_id}/acknowledge", data={"csrf_token": token}, headers=HTML)
    assert refused.status_code == 403


def test_empty_series_and_bad_parameters(client: TestClient, world: World) -> None:
    login(client, "supervisor")
    empty = client.get("/staff/analytics/alerts", params={"category": "A02", "region": "cn-sx"})
    assert empty.status_code == 200 and "every count is 0" in empty.text
    assert (
        client.get("/staff/analytics/alerts", params={"category": "ZZ", "region": "cn-sx"}, headers=HTML).status_code
        == 400
    )
    assert client.get("/staff/analytics/alerts", params={"days": "3"}, headers=HTML).status_code == 400
    assert client.get("/staff/analytics/forecasts", params={"horizon": "12"}, headers=HTML).status_code == 400
    none_yet = client.get("/staff/analytics/forecasts")
    assert none_yet.status_code == 200 and "暂无法预测" in none_yet.text


def test_forecasts_page(client: TestClient, db: Database, world: World) -> None:
    put_facts(db, quiet_with_surge(date(2025, 6, 2), date(2026, 3, 1), date(2025, 6, 2), surge=2))
    login(client, "supervisor")
    page = client.get("/staff/analytics/forecasts", params={"horizon": 6})
    assert page.status_code == 200
    assert "全部诉求" in page.text and "城乡建设" in page.text and "MASE" in page.text
    assert 'data-surge-chart="series-0"' in page.text and '"0.95"' in page.text


def test_json_api(client: TestClient, db: Database, settings: Settings, clock: Clock, world: World) -> None:
    alert_id = _alert(db, settings, clock)
    boss = api_login(client, "supervisor")
    listed = client.get("/api/v1/analytics/alerts", headers=boss).json()
    assert [(a["id"], a["observed"], a["day"]) for a in listed["alerts"]] == [(alert_id, 14, "2026-02-26")]
    series = client.get(
        "/api/v1/analytics/alerts/series", params={"category": "A01", "region": "cn-hp", "days": 30}, headers=boss
    ).json()
    assert len(series["counts"]) == 30 and series["counts"][-4] == 14 and series["alarm"][-4] is True
    assert series["rule"]["method"] == "farrington"
    acked = client.post(f"/api/v1/analytics/alerts/{alert_id}/acknowledge", json={"note": "ok"}, headers=boss)
    assert acked.status_code == 200 and acked.json()["acknowledged_at"]
    assert client.get("/api/v1/analytics/alerts", params={"open": "true"}, headers=boss).json()["alerts"] == []
    rule = {"category": "*", "region": "cn-hp", "method": "C3", "min_count": 3}
    put = client.put("/api/v1/analytics/alert-rules", json=rule, headers=boss)
    assert put.status_code == 200 and put.json()["method"] == "C3"
    rules = client.get("/api/v1/analytics/alert-rules", headers=boss).json()
    assert rules["default"]["method"] == "farrington" and [r["region"] for r in rules["rules"]] == ["cn-hp"]
    assert client.delete(f"/api/v1/analytics/alert-rules/{put.json()['id']}", headers=boss).status_code == 200
    forecasts = client.get("/api/v1/analytics/forecasts", params={"horizon": 4}, headers=boss).json()
    assert forecasts["series"][0]["category"] == "*" and len(forecasts["series"][0]["mean"]) == 4


def test_json_api_refuses_bad_input(client: TestClient, world: World) -> None:
    boss = api_login(client, "supervisor")
    for params in ({"since": "yesterday"}, {"limit": 0}):
        assert client.get("/api/v1/analytics/alerts", params=params, headers=boss).status_code in (400, 422)
    bad_series = client.get("/api/v1/analytics/alerts/series", params={"category": "A01", "region": "x"}, headers=boss)
    assert bad_series.status_code == 400 and "no region with the code 'x'" in bad_series.json()["error"]
    assert client.get("/api/v1/analytics/forecasts", params={"horizon": 9}, headers=boss).status_code == 400
    assert client.post("/api/v1/analytics/alerts/999/acknowledge", json={}, headers=boss).status_code == 404
    wrong = client.put(
        "/api/v1/analytics/alert-rules", json={"category": "A01", "region": "*", "method": "C5"}, headers=boss
    )
    assert wrong.status_code == 400
    handler = api_login(client, "handler_water")
    assert client.get("/api/v1/analytics/alerts", headers=handler).status_code == 403
    client.cookies.clear()
    assert client.get("/api/v1/analytics/alerts").status_code == 401
