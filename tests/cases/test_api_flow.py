"""The whole journey through the real app: submit, dispatch, accept, reply, rate, reopen, close."""

from __future__ import annotations

from tests.factories import login, submission


def test_citizen_to_rated_reply(client, world, clock):
    receipt = client.post("/api/v1/cases", json=submission(category=None))
    assert receipt.status_code == 201, receipt.text
    code, secret = receipt.json()["tracking_code"], receipt.json()["secret"]
    assert receipt.json()["status"] == "submitted"

    dispatcher = login(client, "dispatcher")
    queue = client.get("/api/v1/cases", params={"status": "submitted"}, headers=dispatcher).json()
    assert [c["tracking_code"] for c in queue["items"]] == [code]

    r = client.post(
        f"/api/v1/cases/{code}/dispatch", json={"department": "water", "category": "A0101"}, headers=dispatcher
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "dispatched"
    assert r.json()["urgency"] == "outage"

    handler = login(client, "handler_water")
    clock.advance(minutes=30)
    assert client.post(f"/api/v1/cases/{code}/accept", headers=handler).json()["status"] == "accepted"
    clock.advance(hours=3)
    r = client.post(
        f"/api/v1/cases/{code}/reply",
        headers=handler,
        json={"text": "经核实，因管网抢修临时停水，现已恢复供水，感谢您的反映。"},
    )
    assert r.json()["status"] == "replied"

    own = {"X-Tracking-Secret": secret}
    r = client.post(
        f"/api/v1/cases/{code}/rating",
        headers=own,
        json={"solved": False, "satisfaction": "unsatisfied", "comment": "水压还是很低"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "reopened"

    client.post(f"/api/v1/cases/{code}/accept", headers=handler)
    client.post(f"/api/v1/cases/{code}/reply", headers=handler, json={"text": "已更换减压阀，水压恢复正常，请您确认。"})
    r = client.post(f"/api/v1/cases/{code}/rating", headers=own, json={"solved": True, "satisfaction": "satisfied"})
    assert r.json()["status"] == "closed"

    history = client.get(f"/api/v1/cases/{code}/events", headers=own).json()
    assert [e["kind"] for e in history] == [
        "submit",
        "dispatch",
        "accept",
        "reply",
        "reopen",
        "accept",
        "reply",
        "close",
    ]
    public = client.get(f"/api/v1/public/cases/{code}").json()
    assert len(public["replies"]) == 2
    assert "contact_phone_masked" not in public
