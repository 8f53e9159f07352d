"""GET requests, one request and tokens: only published cases, no personal data, the specification's filters."""

from __future__ import annotations

from urllib.parse import quote
from xml.etree import ElementTree as ET

import pytest

from tests.open311.helpers import BASE, check, check_error, close, post_request, publish

REQUEST_FIELDS = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
]


def _get(client, **params):
    response = client.get(f"{BASE}/requests.json", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    check(body, "requests.json")
    return body


def _codes(body) -> list[str]:
    return [r["service_request_id"] for r in body]


@pytest.fixture
def cases(client, world, clock):
    """Three published cases (water, closed; water, open; street vendors, open) and one private Open311 case."""
    closed, secret = publish(client)
    close(client, closed, secret)
    clock.advance(hours=1)
    water, _ = publish(client, title="水管漏水", content="湖畔小区门口水管漏水，路面结冰。")
    clock.advance(hours=1)
    vendors, _ = publish(client, category="A0201", title="占道经营", content="菜市场门口摊贩占道经营，早上堵路。")
    private = post_request(client, world).json()[0]["service_request_id"]
    return {"closed": closed, "water": water, "vendors": vendors, "private": private}


def test_lists_public_cases_newest_first(client, cases):
    body = _get(client)
    assert _codes(body) == [cases["vendors"], cases["water"], cases["closed"]]
    assert [list(r) for r in body] == [REQUEST_FIELDS] * 3

    water = body[1]
    assert water["status"] == "open"
    assert water["status_notes"] == "待签收"
    assert (water["service_code"], water["service_name"]) == ("A0101", "停水")
    assert water["agency_responsible"] == "水务局"
    assert water["description"] == "湖畔小区门口水管漏水，路面结冰。"
    assert water["requested_datetime"] == "2026-03-02T10:00:00+08:00"  # 02:00 UTC, shown in Shanghai time
    assert water["expected_datetime"] is not None and water["expected_datetime"].endswith("+08:00")
    assert (water["address"], water["address_id"]) == ("湖畔小区3栋", "cn-hp-1")

    closed = body[2]
    assert closed["status"] == "closed"
    assert closed["status_notes"].startswith("已办结：经核实")
    assert body[0]["agency_responsible"] == "湖畔街道办事处"


def test_no_personal_data_and_no_private_case(client, world, cases):
    text = client.get(f"{BASE}/requests.json").text + client.get(f"{BASE}/requests.xml").text
    for secret in ("王小明", "王**", "13812345678", "138****5678", "wang.xm@example.org"):
        assert secret not in text
    for secret in ("李小红", "小红", "13900001111", "li.xiaohong@example.org", cases["private"]):
        assert secret not in text


def test_filter_by_service_code(client, cases):
    assert _codes(_get(client, service_code="A0201")) == [cases["vendors"]]
    assert _codes(_get(client, service_code="A0101,A0201")) == [cases["vendors"], cases["water"], cases["closed"]]
    assert _get(client, service_code="A0202") == []


def test_filter_by_status(client, cases):
    assert _codes(_get(client, status="closed")) == [cases["closed"]]
    assert _codes(_get(client, status="open")) == [cases["vendors"], cases["water"]]
    assert len(_get(client, status="open,closed")) == 3
    check_error(client.get(f"{BASE}/requests.json", params={"status": "pending"}), 400, "status", "pending")


def test_service_request_ids_override_other_filters(client, cases):
    asked = f"{cases['closed']},{cases['vendors']}, {cases['private']}"
    assert _codes(_get(client, service_request_id=asked, status="open")) == [cases["vendors"], cases["closed"]]


def test_dates_default_to_the_last_90_days(client, cases, clock):
    clock.advance(days=100)
    late, _ = publish(client)
    assert _codes(_get(client)) == [late]

    earlier = _get(client, start_date="2026-03-02T09:00:00+08:00")  # only a start: the 90 days from it
    assert _codes(earlier) == [cases["vendors"], cases["water"], cases["closed"]]

    both = _get(client, start_date="2026-03-02T10:30:00+08:00", end_date="2026-03-02T11:00:00+08:00")
    assert _codes(both) == [cases["vendors"]]
    only_end = _get(client, end_date="2026-03-02T10:00:00+08:00")  # inclusive
    assert _codes(only_end) == [cases["water"], cases["closed"]]


def test_an_unencoded_plus_in_the_offset_is_understood(client, cases):
    response = client.get(f"{BASE}/requests.json?start_date=2026-03-02T10:30:00+08:00")
    assert response.status_code == 200, response.text
    assert _codes(response.json()) == [cases["vendors"]]


def test_a_datetime_without_offset_is_local_time(client, cases):
    assert _codes(_get(client, start_date="2026-03-02T10:30:00")) == [cases["vendors"]]


def test_bad_dates_are_400(client, world):
    url = f"{BASE}/requests.json"
    check_error(client.get(url, params={"start_date": "yesterday"}), 400, "start_date", "W3C")
    check_error(client.get(url, params={"end_date": "2026-13-01"}), 400, "end_date")
    check_error(
        client.get(url, params={"start_date": "2026-03-02T00:00:00Z", "end_date": "2026-03-01T00:00:00Z"}),
        400,
        "after end_date",
    )
    check_error(
        client.get(url, params={"start_date": "2025-01-01T00:00:00Z", "end_date": "2026-01-01T00:00:00Z"}),
        400,
        "90 days",
    )
    response = client.get(f"{BASE}/requests.xml?start_date={quote('yesterday')}")
    assert response.status_code == 400
    assert ET.fromstring(response.content).findtext("error/code") == "400"


def test_requests_in_xml(client, cases):
    response = client.get(f"{BASE}/requests.xml")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == "service_requests"
    assert [r.tag for r in root] == ["request"] * 3
    water = root[1]
    assert [child.tag for child in water] == REQUEST_FIELDS
    assert water.findtext("service_request_id") == cases["water"]
    assert water.findtext("status") == "open"
    assert water.findtext("agency_responsible") == "水务局"
    assert water.find("zipcode").text is None  # null is an empty element
    assert water.find("lat").text is None  # this case was sent without coordinates


def test_one_request(client, cases):
    response = client.get(f"{BASE}/requests/{cases['closed']}.json")
    assert response.status_code == 200, response.text
    body = response.json()
    check(body, "requests.json")
    assert _codes(body) == [cases["closed"]]
    assert body[0]["status"] == "closed"

    root = ET.fromstring(client.get(f"{BASE}/requests/{cases['water']}.xml").content)
    assert root.tag == "service_requests"
    assert [r.findtext("service_request_id") for r in root.iterfind("request")] == [cases["water"]]


def test_one_request_unknown_or_private_is_404(client, cases):
    check_error(client.get(f"{BASE}/requests/20260302-ZZZZZZ.json"), 404, "20260302-ZZZZZZ")
    check_error(client.get(f"{BASE}/requests/{cases['private']}.json"), 404, "publish")


def test_a_token_is_the_tracking_code(client, cases):
    response = client.get(f"{BASE}/tokens/{cases['private']}.json")
    assert response.status_code == 200, response.text
    body = response.json()
    check(body, "local/tokens.json")
    assert body == [{"service_request_id": cases["private"], "token": cases["private"]}]

    root = ET.fromstring(client.get(f"{BASE}/tokens/{cases['water']}.xml").content)
    assert root.findtext("request/token") == cases["water"]
    check_error(client.get(f"{BASE}/tokens/NO-SUCH-TOKEN.json"), 404, "NO-SUCH-TOKEN")
