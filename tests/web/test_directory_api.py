"""The public directory endpoints: regions, departments and the catalogue, with their filters."""

from __future__ import annotations


def test_categories_list_filters_by_level_and_text(client, world) -> None:
    third = client.get("/api/v1/categories", params={"level": 3})
    assert third.status_code == 200, third.text
    assert {c["code"] for c in third.json()} == {"A0101", "A0102", "A0201", "A0202"}
    assert {c["parent"] for c in third.json()} == {"A01", "A02"}
    found = client.get("/api/v1/categories", params={"q": "停水"}).json()
    assert [(c["code"], c["urgency"]) for c in found] == [("A0101", "outage")]


def test_regions_and_departments(client, world) -> None:
    streets = client.get("/api/v1/regions", params={"level": "street"}).json()
    assert {(r["code"], r["parent"]) for r in streets} == {("cn-hp", "cn"), ("cn-sx", "cn")}
    children = client.get("/api/v1/regions", params={"parent": "cn-hp"}).json()
    assert [r["code"] for r in children] == ["cn-hp-1"]
    departments = {d["code"]: d for d in client.get("/api/v1/departments").json()}
    assert departments["water"]["supervisor"] == "hotline"
    assert departments["st-hp"]["kind"] == "street"


def test_unknown_level_is_a_clear_error(client, world) -> None:
    response = client.get("/api/v1/regions", params={"level": "planet"})
    assert response.status_code == 422
    assert response.json()["field"] == "level"
