"""The performance dashboard pages: figures, charts' data, drill-down, CSV and XLSX, bad input."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.analytics.helpers import run_refresh
from tests.analytics.story import History
from tests.web.pages_support import login


@pytest.fixture
def supervisor(history: History, client: TestClient) -> TestClient:
    run_refresh(history.desk)
    login(client, "supervisor")
    return client


def _chart_data(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', html, re.S)
    assert found, "no chart data on the page"
    return json.loads(found.group(1))


def test_dashboard_shows_the_figures_and_the_charts(supervisor: TestClient) -> None:
    page = supervisor.get("/staff/analytics", params={"month": "2026-03"})
    assert page.status_code == 200
    assert "绩效" in page.text and "水务局" in page.text and "湖畔街道" in page.text
    assert "100.0%" in page.text and "25.0%" in page.text  # response and return rates
    assert "/static/vendor/echarts/echarts.min.js" in page.text
    charts = _chart_data(page.text)
    assert charts["trend"]["labels"][-1] == "2026-03" and charts["trend"]["bars"][-1] == 4
    assert dict(zip(charts["department"]["labels"], charts["department"]["bars"], strict=True))["水务局"] == 2
    link = charts["department"]["links"][charts["department"]["labels"].index("水务局")]
    assert link == "/staff/analytics/cases?month=2026-03&department=water&metric=received"


def test_drill_down_page_lists_the_cases(supervisor: TestClient, history: History) -> None:
    page = supervisor.get("/staff/analytics/cases", params={"month": "2026-03", "metric": "returned"})
    assert page.status_code == 200
    assert history.codes["B"] in page.text and history.codes["A"] not in page.text
    assert f'href="/staff/cases/{history.codes["B"]}"' in page.text


def test_tables_export_as_csv_and_xlsx(supervisor: TestClient) -> None:
    params = {"month": "2026-03", "table": "department"}
    as_csv = supervisor.get("/staff/analytics/export", params={**params, "format": "csv"})
    assert as_csv.status_code == 200 and as_csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in as_csv.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["代码 code", "名称 name", "受理 received"]
    water = next(r for r in rows if r[0] == "water")
    assert water[1] == "水务局" and water[3] == "2"  # dispatched
    as_xlsx = supervisor.get("/staff/analytics/export", params={**params, "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(as_xlsx.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "代码 code"
    assert next(v for v in values if v[0] == "water")[5] == 1.0  # response rate, a number
    ranking = supervisor.get("/staff/analytics/export", params={**params, "table": "ranking_region", "format": "csv"})
    assert ranking.content.decode("utf-8-sig").startswith("排名 rank,代码 code")
    trend = supervisor.get("/staff/analytics/export", params={**params, "table": "trend", "format": "xlsx"})
    assert trend.status_code == 200


@pytest.mark.parametrize(
    "params",
    [
        {"month": "2026-13"},
        {"from": "2026-03-10", "to": "2026-03-01"},
        {"department": "nosuch"},
        {"type": "gossip"},
        {"region": "cn-hp-1"},
    ],
)
def test_bad_filters_keep_the_form_and_say_why(supervisor: TestClient, params: dict[str, str]) -> None:
    page = supervisor.get("/staff/analytics", params=params)
    assert page.status_code == 400
    assert 'class="notice error"' in page.text and "<form" in page.text


def test_empty_and_future_periods_show_a_note(supervisor: TestClient) -> None:
    future = supervisor.get("/staff/analytics", params={"month": "2030-01"})
    assert future.status_code == 200 and "未来" in future.text
    assert _chart_data(future.text)["department"]["bars"] == []
    quiet = supervisor.get("/staff/analytics", params={"month": "2026-03", "department": "hotline"})
    assert quiet.status_code == 200 and "没有诉求" in quiet.text


def test_bad_export_and_drill_down_requests(supervisor: TestClient) -> None:
    assert supervisor.get("/staff/analytics/export", params={"table": "secrets"}).status_code == 400
    assert supervisor.get("/staff/analytics/export", params={"format": "pdf"}).status_code == 400
    assert supervisor.get("/staff/analytics/cases", params={"metric": "nope"}).status_code == 400
    assert supervisor.get("/staff/analytics/cases", params={"page": "0"}).status_code == 400


def test_only_dispatchers_supervisors_and_admins(client: TestClient, history: History) -> None:
    assert client.get("/staff/analytics", follow_redirects=False).status_code == 303
    login(client, "handler_water")
    assert client.get("/staff/analytics").status_code == 403
    assert "/staff/analytics" not in client.get("/staff/inbox").text
