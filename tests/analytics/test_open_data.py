"""The public open data page: totals, the region treemap, CSV downloads, no personal data, bad input."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from fastapi.testclient import TestClient

from tests.analytics.helpers import run_refresh
from tests.analytics.story import History


@pytest.fixture
def public(history: History, client: TestClient) -> TestClient:
    run_refresh(history.desk)
    return client


def test_open_data_page_shows_aggregates_and_the_treemap(public: TestClient) -> None:
    page = public.get("/open-data")
    assert page.status_code == 200 and "数据开放" in page.text
    found = re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', page.text, re.S)
    assert found
    tree = json.loads(found.group(1))["regions"]["tree"]
    assert tree == [
        {
            "name": "城南区",
            "value": 4,
            "code": "cn",
            "children": [
                {
                    "name": "湖畔街道",
                    "value": 3,
                    "code": "cn-hp",
                    "children": [{"name": "柳岸社区", "value": 3, "code": "cn-hp-1"}],
                },
                {"name": "石巷街道", "value": 1, "code": "cn-sx"},
            ],
        }
    ]
    for private in ("王小明", "13812345678", "湖畔小区停水两天了", "湖畔小区3栋"):
        assert private not in page.text


def test_csv_downloads(public: TestClient) -> None:
    response = public.get("/open-data.csv", params={"table": "region", "month": "2026-03"})
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "代码 code",
        "名称 name",
        "受理 received",
        "办结 closed",
        "响应率 response rate",
        "解决率 resolution rate",
        "满意率 satisfaction rate",
        "办理时长中位数(小时) median handling hours",
    ]
    assert {r[0]: r[2] for r in rows[1:]} == {"cn-hp": "3", "cn-sx": "1"}
    months = list(csv.reader(io.StringIO(public.get("/open-data.csv", params={"table": "month"}).content.decode())))
    assert months[-1][0] == "2026-03" and months[-1][2] == "4"
    assert public.get("/open-data.csv", params={"table": "cases"}).status_code == 400


def test_bad_and_empty_periods(public: TestClient) -> None:
    bad = public.get("/open-data", params={"month": "2026-99"})
    assert bad.status_code == 400 and 'class="notice error"' in bad.text
    future = public.get("/open-data", params={"month": "2031-05"})
    assert future.status_code == 200 and "未来" in future.text
    empty = public.get("/open-data", params={"month": "2025-05"})
    assert empty.status_code == 200 and "没有诉求" in empty.text
