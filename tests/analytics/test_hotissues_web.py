"""Hot issues of real cases: from the database, in the JSON API and on the staff page, with permissions."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import update

from gongzhi.analytics.hotissues import Window
from gongzhi.analytics.hotissues_sources import case_hot_issues, case_messages
from gongzhi.cases.lookup import case_by_code
from gongzhi.cases.models import Case
from gongzhi.cases.supports import add_support
from tests.cases.steps import Desk
from tests.factories import login as api_login
from tests.web.pages_support import login as page_login

NOISE = [
    (
        "湖畔小区旁边搅拌站夜里施工噪音扰民",
        "柳岸社区湖畔小区旁边新建的搅拌站每天夜里施工，噪音很大，粉尘也多，严重影响休息。",
    ),
    ("投诉湖畔小区附近搅拌站噪音粉尘污染", "湖畔小区附近的搅拌站噪音和粉尘污染严重，夜里还在施工，居民无法休息。"),
    ("湖畔小区搅拌站噪音太大，晚上睡不着", "湖畔小区旁的搅拌站晚上一直施工，噪音太大，粉尘飘进家里。"),
]
FUMES = [
    ("石巷街道烧烤店油烟直排居民楼", "石巷街道临街烧烤店油烟直接排到居民楼，窗户都不敢开，希望城管处理。"),
    ("石巷街道烧烤店油烟扰民", "石巷街道那家烧烤店油烟直排，每天晚上烟熏火燎，居民楼受不了。"),
]
OTHER = ("公交站台需要加装遮雨棚", "下雨天在公交站等车没有遮挡，请加装遮雨棚。")


def _submit_all(desk: Desk) -> dict[str, list[str]]:
    codes: dict[str, list[str]] = {"noise": [], "fumes": [], "other": []}
    for group, texts in (("noise", NOISE), ("fumes", FUMES), ("other", [OTHER])):
        for i, (title, content) in enumerate(texts):
            desk.clock.advance(hours=3)
            code, _ = desk.submit(
                title=title, content=content, contact_phone=f"1391234{len(codes[group]) + 10 * i:04d}"
            )
            codes[group].append(code)
    _support(desk, codes["fumes"][0], 7)
    return codes


def _support(desk: Desk, code: str, times: int) -> None:
    """``times`` anonymous "me too" supports, through the domain function the support button calls."""
    with desk.db.transaction() as session:
        case = case_by_code(session, code)
        for i in range(times):
            add_support(session, case, citizen=None, fingerprint=f"{code}-{i}", now=desk.clock.now)


def test_cases_of_the_window_become_issues(desk: Desk) -> None:
    codes = _submit_all(desk)
    with desk.db.reading() as session:
        messages = case_messages(session, window=Window(desk.clock.now, 30))
        issues = case_hot_issues(session, window=Window(desk.clock.now, 30), top=5)
    assert len(messages) == 6
    assert messages[0].region == "柳岸社区" and messages[0].author and "1391234" not in messages[0].author
    groups = [sorted(m.key for m in issue.members) for issue in issues]
    assert sorted(codes["noise"]) in groups and sorted(codes["fumes"]) in groups
    assert all(codes["other"][0] not in g for g in groups)
    fumes = next(i for i in issues if codes["fumes"][0] in {m.key for m in i.members})
    assert fumes.supports == 7 and fumes.citizens == 2


def test_withdrawn_and_invalid_cases_and_older_cases_are_left_out(desk: Desk) -> None:
    codes = _submit_all(desk)
    with desk.db.transaction() as session:
        session.execute(update(Case).where(Case.tracking_code == codes["noise"][0]).values(status="invalid"))
    with desk.db.reading() as session:
        keys = {m.key for m in case_messages(session, window=Window(desk.clock.now, 30))}
        assert codes["noise"][0] not in keys and codes["noise"][1] in keys
        desk.clock.advance(days=31)
        assert case_messages(session, window=Window(desk.clock.now, 30)) == []


def test_the_api_lists_issues_with_their_counts(desk: Desk, client: TestClient) -> None:
    codes = _submit_all(desk)
    headers = api_login(client, "supervisor")
    answer = client.get("/api/v1/analytics/hot-issues", params={"days": 7, "top": 3}, headers=headers)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["days"] == 7 and "ln(1+citizens)" in body["formula"]
    noise = next(i for i in body["issues"] if codes["noise"][0] in i["members"])
    assert noise["messages"] == 3 and noise["citizens"] == 3 and "湖畔小区" in noise["places"]
    assert noise["title"] in {t for t, _ in NOISE} and noise["representative"]["key"] in codes["noise"]
    assert [i["rank"] for i in body["issues"]] == list(range(1, len(body["issues"]) + 1))


def test_the_api_refuses_bad_windows_and_outsiders(desk: Desk, client: TestClient) -> None:
    headers = api_login(client, "supervisor")
    for params in ({"days": 0}, {"days": "many"}, {"top": 0}, {"days": 5000}):
        answer = client.get("/api/v1/analytics/hot-issues", params=params, headers=headers)
        assert 400 <= answer.status_code < 500, (params, answer.status_code)
    refused = client.get("/api/v1/analytics/hot-issues", headers=api_login(client, "handler_water"))
    assert refused.status_code == 403


def test_the_staff_page_shows_issues_and_links_to_the_cases(desk: Desk, client: TestClient) -> None:
    codes = _submit_all(desk)
    page_login(client, "supervisor")
    page = client.get("/staff/hot-issues", params={"days": 14})
    assert page.status_code == 200
    assert "热点问题" in page.text and "搅拌站" in page.text and "3 位市民" in page.text
    assert f"/staff/cases/{codes['noise'][0]}" in page.text
    assert '<option value="14" selected>' in page.text


def test_the_staff_page_explains_an_empty_window_and_refuses_handlers(desk: Desk, client: TestClient) -> None:
    page_login(client, "supervisor")
    page = client.get("/staff/hot-issues", params={"days": 7})
    assert page.status_code == 200 and "没有热点问题" in page.text
    assert client.get("/staff/hot-issues", params={"days": -1}).status_code == 400
    client.cookies.clear()
    page_login(client, "handler_water")
    assert client.get("/staff/hot-issues").status_code == 403


def test_a_changed_case_is_seen_despite_the_cache(desk: Desk) -> None:
    codes = _submit_all(desk)
    window = Window(desk.clock.now, 30)
    with desk.db.reading() as session:
        before = case_hot_issues(session, window=window, top=5)
    _support(desk, codes["noise"][0], 4)
    with desk.db.reading() as session:
        after = case_hot_issues(session, window=window, top=5)
    noise_before = next(i for i in before if codes["noise"][0] in {m.key for m in i.members})
    noise_after = next(i for i in after if codes["noise"][0] in {m.key for m in i.members})
    assert (noise_before.supports, noise_after.supports) == (0, 4)
