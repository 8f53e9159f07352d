"""Duplicates and the reply check on the pages and the JSON API: "me too", merge proposals, reply scores."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from gongzhi.cases import proposals
from gongzhi.cases.duplicate_models import CaseSupport, MergeProposal
from gongzhi.cases.lookup import case_by_code
from gongzhi.cases.models import Status
from tests.factories import login as api_login
from tests.web.pages_support import csrf, login, submit

PLANT = {
    "title": "湖畔小区旁边的搅拌站噪音太大",
    "content": "柳岸社区湖畔小区北门外新建了一个混凝土搅拌站，日夜施工，噪音和粉尘很大，居民无法休息。",
    "category": "",
}
PLANT_AGAIN = {
    "title": "投诉湖畔小区附近搅拌站粉尘噪音扰民",
    "content": "湖畔小区北门外的搅拌站晚上也在生产，粉尘很大，窗户都不敢开。",
    "category": "",
}


def _case_by(client: TestClient, **fields: str) -> str:
    with TestClient(client.app) as citizen:
        code, _ = submit(citizen, **fields)
    return code


def _worker_searches_duplicates(client: TestClient) -> None:
    """What the worker does seconds after cases arrive: look for duplicates and propose merges."""
    app = client.app
    proposals.check_new_cases(app.state.db, now=app.state.clock(), settings=app.state.settings)  # type: ignore[attr-defined]


def _similar(client: TestClient, **fields: str):  # type: ignore[no-untyped-def]
    token = csrf(client, "/submit")
    return client.post("/submit/similar", data=fields, headers={"X-CSRF-Token": token, "HX-Request": "true"})


def test_the_submit_page_offers_me_too_instead_of_a_new_case(client: TestClient, world, db) -> None:
    code = _case_by(client, **PLANT)
    page = client.get("/submit")
    assert 'hx-post="/submit/similar"' in page.text
    found = _similar(client, title=PLANT_AGAIN["title"], content=PLANT_AGAIN["content"], region="cn-hp-1")
    assert found.status_code == 200 and "<html" not in found.text
    assert code in found.text and PLANT["title"] in found.text and f"/cases/{code}/support" in found.text
    token = csrf(client, "/submit")
    supported = client.post(f"/cases/{code}/support", data={"csrf_token": token}, follow_redirects=False)
    assert supported.status_code == 303 and supported.headers["location"] == f"/cases/{code}?supported=1"
    assert "gz_supporter=" in supported.headers["set-cookie"]
    again = client.post(f"/cases/{code}/support", data={"csrf_token": token}, headers={"HX-Request": "true"})
    assert again.status_code == 200 and "<html" not in again.text
    public = client.get(f"/cases/{code}")
    assert re.search(r"1\s*(位市民|people)", public.text), public.text
    with db.reading() as session:
        assert len(session.scalars(select(CaseSupport)).all()) == 1  # once per person
        assert case_by_code(session, code).status is not Status.MERGED
    with TestClient(client.app) as neighbour:  # another browser is another person
        neighbour.post(f"/cases/{code}/support", data={"csrf_token": csrf(neighbour, f"/cases/{code}")})
    with db.reading() as session:
        assert len(session.scalars(select(CaseSupport)).all()) == 2


def test_the_similar_check_stays_quiet_on_odd_input(client: TestClient, world) -> None:
    _case_by(client, **PLANT)
    for fields in (
        {},
        {"title": "", "content": "   "},
        {"title": "Noise", "content": "The concrete plant next to the lakeside estate is too loud."},
        {"title": PLANT["title"], "content": PLANT["content"], "region": "no-such-region"},
    ):
        answer = _similar(client, **fields)
        assert answer.status_code == 200, fields
        if "region" not in fields:
            assert answer.text.strip() == "", fields
    huge = _similar(client, title="搅拌站", content="搅拌站" * 10_000)
    assert huge.status_code == 400 and "Traceback" not in huge.text


def test_private_and_unknown_cases_take_no_support(client: TestClient, world) -> None:
    private = _case_by(client, **{**PLANT, "is_public": ""})
    token = csrf(client, "/submit")
    refused = client.post(f"/cases/{private}/support", data={"csrf_token": token})
    assert refused.status_code == 409 and "not published" in refused.text
    assert client.post("/cases/NOPE/support", data={"csrf_token": token}).status_code == 404
    assert client.post(f"/cases/{private}/support").status_code == 403  # no CSRF token


def test_staff_see_a_merge_proposal_and_merge_in_one_click(client: TestClient, world, db) -> None:
    first = _case_by(client, **PLANT)
    second = _case_by(client, **PLANT_AGAIN)
    _worker_searches_duplicates(client)
    login(client, "handler_water")
    shown = client.get(f"/staff/cases/{first}/duplicates")
    assert shown.status_code in (200, 403)  # a handler only sees cases of their department
    token = login(client, "dispatcher")
    page = client.get(f"/staff/cases/{second}")
    assert f'hx-get="/staff/cases/{second}/duplicates"' in page.text
    fragment = client.get(f"/staff/cases/{second}/duplicates")
    assert fragment.status_code == 200 and first in fragment.text
    proposal = re.search(r'action="/staff/merge-proposals/(\d+)/merge"', fragment.text)
    assert proposal, fragment.text
    merged = client.post(
        f"/staff/merge-proposals/{proposal.group(1)}/merge", data={"csrf_token": token}, follow_redirects=False
    )
    assert merged.status_code == 303 and merged.headers["location"] == f"/staff/cases/{first}?done=merge"
    with db.reading() as session:
        assert case_by_code(session, second).status is Status.MERGED
    again = client.post(f"/staff/merge-proposals/{proposal.group(1)}/merge", data={"csrf_token": token})
    assert again.status_code == 409
    assert client.get(f"/staff/cases/{first}/duplicates").text.strip() == ""


def test_dismissing_a_proposal(client: TestClient, world, db) -> None:
    first = _case_by(client, **PLANT)
    _case_by(client, **PLANT_AGAIN)
    _worker_searches_duplicates(client)
    token = login(client, "supervisor")
    fragment = client.get(f"/staff/cases/{first}/duplicates").text
    number = re.search(r"/staff/merge-proposals/(\d+)/dismiss", fragment).group(1)  # type: ignore[union-attr]
    done = client.post(
        f"/staff/merge-proposals/{number}/dismiss",
        data={"csrf_token": token, "back": first},
        follow_redirects=False,
    )
    assert done.headers["location"] == f"/staff/cases/{first}?done=dismiss"
    with db.reading() as session:
        assert session.scalars(select(MergeProposal.status)).one().value == "dismissed"


def test_the_reply_check_warns_before_publishing(client: TestClient, world) -> None:
    code = _case_by(client)  # 湖畔小区停水, routed to the water bureau
    token = login(client, "handler_water")
    client.post(f"/staff/cases/{code}/accept", data={"csrf_token": token})
    page = client.get(f"/staff/cases/{code}")
    assert f'hx-post="/staff/cases/{code}/reply-check"' in page.text and 'id="reply-check"' in page.text
    headers = {"X-CSRF-Token": token, "HX-Request": "true"}
    off = client.post(
        f"/staff/cases/{code}/reply-check", data={"text": "感谢您对我们工作的关心和支持。"}, headers=headers
    )
    assert off.status_code == 200 and "notice warn" in off.text
    good = client.post(
        f"/staff/cases/{code}/reply-check",
        data={
            "text": "您反映的柳岸社区湖畔小区3栋停水问题，经现场核实，系供水管道破裂所致。我局已安排维修人员抢修，"
            "目前已恢复供水。如有疑问请拨打联系电话12345。"
        },
        headers=headers,
    )
    assert good.status_code == 200 and "notice warn" not in good.text
    assert client.post(f"/staff/cases/{code}/reply-check", data={"text": ""}, headers=headers).text.strip() == ""
    assert client.post("/staff/cases/NOPE/reply-check", data={"text": "x"}, headers=headers).status_code == 200


def test_the_api_for_similar_cases_supports_and_proposals(client: TestClient, world) -> None:
    first = _case_by(client, **PLANT)
    second = _case_by(client, **PLANT_AGAIN)
    _worker_searches_duplicates(client)
    similar = client.post("/api/v1/similar-cases", json={"title": PLANT_AGAIN["title"], "content": ""})
    assert similar.status_code == 200 and similar.json()[0]["tracking_code"] in {first, second}
    assert client.post("/api/v1/similar-cases", json={"title": "", "content": "hello"}).json() == []
    assert client.post("/api/v1/similar-cases", json={"title": "x" * 201}).status_code in (400, 422)
    supporter = {"supporter": "a-random-client-id-0001"}
    assert client.post(f"/api/v1/cases/{first}/supports", json=supporter).status_code == 201
    again = client.post(f"/api/v1/cases/{first}/supports", json=supporter)
    assert again.status_code == 200 and again.json() == {"tracking_code": first, "supports": 1, "created": False}
    missing = client.post(f"/api/v1/cases/{first}/supports", json={})
    assert missing.status_code == 400 and "cookies" in missing.text
    citizen = api_login(client, "citizen")
    assert client.post(f"/api/v1/cases/{first}/supports", json={}, headers=citizen).json()["supports"] == 2
    assert client.get(f"/api/v1/cases/{first}/supports").json()["supports"] == 2
    assert client.get("/api/v1/cases/NOPE/supports").status_code == 404
    assert client.get(f"/api/v1/cases/{second}/merge-proposals", headers=citizen).status_code == 403
    dispatcher = api_login(client, "dispatcher")
    found = client.get(f"/api/v1/cases/{second}/merge-proposals", headers=dispatcher).json()
    assert [(p["case"], p["target"]) for p in found] == [(second, first)]
    handler = api_login(client, "handler_urban")
    assert client.post(f"/api/v1/merge-proposals/{found[0]['id']}/merge", headers=handler).status_code == 403
    merged = client.post(f"/api/v1/merge-proposals/{found[0]['id']}/merge", headers=dispatcher)
    assert merged.status_code == 200 and merged.json()["status"] == "merged"
    assert client.post("/api/v1/merge-proposals/999/dismiss", headers=dispatcher).status_code == 404


def test_the_api_reply_check(client: TestClient, world) -> None:
    code = _case_by(client)  # routed to the water bureau
    handler = api_login(client, "handler_water")
    off = client.post(f"/api/v1/cases/{code}/reply-check", json={"text": "已收悉"}, headers=handler)
    assert off.status_code == 200 and "off_topic" in off.json()["warnings"]
    good = client.post(
        f"/api/v1/cases/{code}/reply-check",
        json={"text": "您反映的湖畔小区3栋停水问题，经现场核实系管道破裂，已安排抢修，目前已恢复供水。"},
        headers=handler,
    )
    assert good.status_code == 200 and "off_topic" not in good.json()["warnings"]
    assert good.json()["elements"]["facts"] is True
    other = api_login(client, "handler_urban")
    assert client.post(f"/api/v1/cases/{code}/reply-check", json={"text": "x"}, headers=other).status_code == 403
    huge = client.post(f"/api/v1/cases/{code}/reply-check", json={"text": "停水" * 20_000}, headers=handler)
    assert huge.status_code in (400, 422) and "text" in huge.text


def test_citizens_are_not_offered_their_own_case(client: TestClient, world) -> None:
    login(client, "citizen")
    code, _ = submit(client, **PLANT)
    mine = _similar(client, title=PLANT_AGAIN["title"], content=PLANT_AGAIN["content"])
    assert mine.status_code == 200 and code not in mine.text
    with TestClient(client.app) as neighbour:
        assert code in _similar(neighbour, title=PLANT_AGAIN["title"], content=PLANT_AGAIN["content"]).text


def test_bad_ids_and_odd_characters_get_an_answer_not_a_crash(client: TestClient, world) -> None:
    token = login(client, "dispatcher")
    headers = {"X-CSRF-Token": token}
    for number in ("abc", "0", "99999999999999999999", "12345"):
        for move in ("merge", "dismiss"):
            answer = client.post(f"/staff/merge-proposals/{number}/{move}", headers=headers)
            assert answer.status_code in (400, 404), (number, move, answer.status_code)
    for fields in ({"title": "停水\x00", "content": "湖畔小区\x00停水"}, {"title": "𠀀😀", "content": "ꙮ" * 100}):
        assert _similar(client, **fields).status_code < 500
    api = api_login(client, "dispatcher")
    for number in ("abc", "99999999999999999999", "12345"):
        assert client.post(f"/api/v1/merge-proposals/{number}/merge", headers=api).status_code in (400, 404, 422)
    assert client.post("/api/v1/similar-cases", json={"title": "停水", "content": 5}).status_code in (400, 422)
    assert client.post("/api/v1/cases/X/supports", json={"supporter": "\u0000" * 20}).status_code < 500
