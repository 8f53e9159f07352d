"""Hot issues computed ahead: the worker stores them, pages read them, a change is picked up on the next due run."""

from __future__ import annotations

from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from gongzhi import worker
from gongzhi.analytics import hotissues_store
from gongzhi.analytics.hotissues import Window
from gongzhi.analytics.hotissues_models import HotIssueResult
from gongzhi.analytics.hotissues_sources import case_hot_issues
from gongzhi.cases.models import Case
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.demo.seed import seed_demo
from tests.analytics.test_hotissues_web import _submit_all, _support
from tests.cases.steps import Desk
from tests.factories import login as api_login
from tests.web.pages_support import login as page_login

BIN = [
    ("柳岸社区垃圾桶满了没人清运", "柳岸社区北门的垃圾桶已经满了三天，没人清运，臭味很大，苍蝇很多。"),
    ("柳岸社区垃圾桶无人清运臭气熏天", "柳岸社区垃圾桶满溢，好几天没有清运，臭气熏天，请尽快处理。"),
    ("柳岸社区垃圾长时间不清运", "柳岸社区北门垃圾桶长时间不清运，垃圾满地，臭味影响居民。"),
]


def _stored(db: Database, days: int) -> HotIssueResult | None:
    with db.reading() as session:
        row = session.get(HotIssueResult, days)
        if row is not None:
            session.expunge(row)
        return row


def _submit(desk: Desk, texts: list[tuple[str, str]]) -> list[str]:
    codes = []
    for i, (title, content) in enumerate(texts):
        desk.clock.advance(minutes=20)
        code, _ = desk.submit(title=title, content=content, contact_phone=f"1380000{i:04d}")
        codes.append(code)
    return codes


def test_the_worker_stores_each_configured_window(desk: Desk, settings: Settings) -> None:
    codes = _submit_all(desk)
    report = worker.run_once(desk.db, settings, now=desk.clock.now)
    assert report.hot_issue_windows == settings.hot_issue_days == [7, 30]
    row = _stored(desk.db, 30)
    assert row is not None and row.computed_at == desk.clock.now and row.window_end == desk.clock.now
    assert row.messages == 6 and row.top == hotissues_store.STORED_TOP and row.seconds >= 0
    noise = next(i for i in row.issues if codes["noise"][0] in {m["key"] for m in i["members"]})
    assert noise["messages"] == 3 and noise["citizens"] == 3 and noise["representative"]["key"] in codes["noise"]
    fumes = next(i for i in row.issues if codes["fumes"][0] in {m["key"] for m in i["members"]})
    assert fumes["supports"] == 7
    assert "content" not in noise["representative"] and all("author" not in m for m in noise["members"])


def test_a_stored_issue_reads_back_as_computed(desk: Desk) -> None:
    _submit_all(desk)
    with desk.db.reading() as session:
        issues = case_hot_issues(session, window=Window(desk.clock.now, 30), top=5)
    back = [hotissues_store.from_record(hotissues_store.to_record(i)) for i in issues]
    assert [b.as_dict() for b in back] == [i.as_dict() for i in issues]
    assert [[m.at for m in b.members] for b in back] == [[m.at for m in i.members] for i in issues]


def test_nothing_is_recomputed_until_due_and_changed(desk: Desk, settings: Settings) -> None:
    settings.hot_issue_interval_seconds = 3600
    _submit_all(desk)
    assert worker.run_once(desk.db, settings, now=desk.clock.now).hot_issue_windows == [7, 30]
    _submit(desk, BIN[:1])  # a change 20 minutes later
    assert hotissues_store.refresh_due(desk.db, settings, now=desk.clock.now) == []  # changed, not yet due
    assert _stored(desk.db, 30).messages == 6  # type: ignore[union-attr]
    desk.clock.advance(minutes=41)
    assert hotissues_store.refresh_due(desk.db, settings, now=desk.clock.now) == [7, 30]
    assert _stored(desk.db, 30).messages == 7  # type: ignore[union-attr]
    desk.clock.advance(minutes=61)
    assert hotissues_store.refresh_due(desk.db, settings, now=desk.clock.now) == []  # due, but nothing changed


def test_a_change_is_recomputed_once_the_interval_has_passed(
    desk: Desk, settings: Settings, client: TestClient
) -> None:
    _submit_all(desk)
    worker.run_once(desk.db, settings, now=desk.clock.now)
    first = _stored(desk.db, 30)
    codes = _submit(desk, BIN)  # an hour later: a new issue the stored result does not know yet
    page_login(client, "supervisor")
    before = client.get("/staff/hot-issues", params={"days": 30})
    assert before.status_code == 200 and "垃圾" not in before.text and "搅拌站" in before.text
    assert "计算于" in before.text and "6 条留言" in before.text
    settings.hot_issue_interval_seconds = 7200  # an hour is not yet due
    assert hotissues_store.refresh_due(desk.db, settings, now=desk.clock.now) == []
    settings.hot_issue_interval_seconds = 600
    assert worker.run_once(desk.db, settings, now=desk.clock.now).hot_issue_windows == [7, 30]
    second = _stored(desk.db, 30)
    assert first is not None and second is not None and second.computed_at > first.computed_at
    assert second.messages == 9 and second.fingerprint != first.fingerprint
    after = client.get("/staff/hot-issues", params={"days": 30})
    assert "垃圾" in after.text and any(f"/staff/cases/{code}" in after.text for code in codes)
    _support(desk, codes[0], 3)  # a "me too" is a change too
    desk.clock.advance(minutes=11)
    assert hotissues_store.refresh_due(desk.db, settings, now=desk.clock.now) == [7, 30]
    bins = next(i for i in _stored(desk.db, 30).issues if codes[0] in {m["key"] for m in i["members"]})  # type: ignore[union-attr]
    assert bins["supports"] == 3


def test_a_day_old_result_is_recomputed_even_without_changes(desk: Desk, settings: Settings) -> None:
    _submit_all(desk)
    hotissues_store.refresh_due(desk.db, settings, now=desk.clock.now)
    desk.clock.advance(hours=23)
    assert hotissues_store.refresh_due(desk.db, settings, now=desk.clock.now) == []
    desk.clock.advance(days=8)  # the 7-day window has slid past every message
    assert hotissues_store.refresh_due(desk.db, settings, now=desk.clock.now) == [7, 30]
    assert _stored(desk.db, 7).issues == [] and _stored(desk.db, 7).messages == 0  # type: ignore[union-attr]


def test_the_page_and_the_api_read_the_stored_result(desk: Desk, settings: Settings, client: TestClient) -> None:
    codes = _submit_all(desk)
    hotissues_store.refresh_due(desk.db, settings, now=desk.clock.now)
    with desk.db.transaction() as session:  # mark the stored ranking: whatever shows it was read, not recomputed
        row = session.get(HotIssueResult, 7)
        issues = [dict(i) for i in row.issues]  # type: ignore[union-attr]
        issues[0]["title"] = "已存结果的标记"
        row.issues = issues  # type: ignore[union-attr]
    page_login(client, "supervisor")
    page = client.get("/staff/hot-issues", params={"days": 7})
    assert page.status_code == 200 and "已存结果的标记" in page.text and 'id="computed-at"' in page.text
    answer = client.get(
        "/api/v1/analytics/hot-issues", params={"days": 7, "top": 3}, headers=api_login(client, "supervisor")
    )
    body = answer.json()
    assert answer.status_code == 200 and body["source"] == "stored" and body["issues"][0]["title"] == "已存结果的标记"
    assert body["computed_at"] == desk.clock.now.isoformat() and body["window_messages"] == 6
    assert len(body["issues"]) <= 3 and any(codes["noise"][0] in i["members"] for i in body["issues"])


def test_without_a_stored_result_small_windows_compute_live_and_big_ones_wait(
    desk: Desk, settings: Settings, client: TestClient
) -> None:
    _submit_all(desk)
    page_login(client, "supervisor")
    live = client.get("/staff/hot-issues", params={"days": 14})
    assert live.status_code == 200 and "刚刚" in live.text and "搅拌站" in live.text
    settings.hot_issue_live_max_messages = 5  # six messages: too many to compute during the request
    pending = client.get("/staff/hot-issues", params={"days": 14})
    assert pending.status_code == 200 and "搅拌站" not in pending.text
    assert "6 条留言" in pending.text and "7、30" in pending.text  # which windows the worker computes
    waiting = client.get("/staff/hot-issues", params={"days": 30})
    assert "几分钟后" in waiting.text  # a precomputed window: the worker will store it
    body = client.get(
        "/api/v1/analytics/hot-issues", params={"days": 14}, headers=api_login(client, "supervisor")
    ).json()
    assert body["source"] == "pending" and body["issues"] == [] and body["computed_at"] is None


def test_bad_window_parameters_are_refused(desk: Desk, client: TestClient) -> None:
    page_login(client, "supervisor")
    for params in ({"days": 0}, {"days": "many"}, {"top": 0}, {"days": 400}, {"top": 51}, {"days": 1.5}):
        page = client.get("/staff/hot-issues", params=params)
        assert page.status_code == 400, (params, page.status_code)
    headers = api_login(client, "supervisor")
    for params in ({"days": 0}, {"days": "many"}, {"top": 0}, {"days": 5000}):
        answer = client.get("/api/v1/analytics/hot-issues", params=params, headers=headers)
        assert answer.status_code in (400, 422), (params, answer.status_code)
        assert answer.json()["error"]  # says which parameter and why


def test_bad_window_settings_are_refused() -> None:
    for value in ("0", "7,abc", "400"):
        try:
            Settings(hot_issue_windows=value)
        except ValueError as exc:
            assert "GONGZHI_HOT_ISSUE_WINDOWS" in str(exc)
        else:
            raise AssertionError(f"{value!r} accepted")


def test_demo_seeding_leaves_a_stored_result(db: Database, settings: Settings, clock) -> None:  # type: ignore[no-untyped-def]
    seed_demo(db, settings=settings, now=clock.now, cases=120, seed=5)
    with db.reading() as session:
        rows = {r.days: r for r in session.scalars(select(HotIssueResult))}
        cases = session.scalar(select(func.count(Case.id)).where(Case.submitted_at > clock.now - timedelta(days=30)))
    assert set(rows) == {7, 30}
    assert rows[30].computed_at == clock.now and 0 < rows[30].messages <= cases
