"""In a real browser: "others reported this — me too" while typing, and the reply check while writing a reply."""

from __future__ import annotations

import re

import pytest

from gongzhi.cases import proposals
from gongzhi.config import Settings
from tests.e2e.conftest import Browser, Server, chromium, shot
from tests.e2e.test_journey import DESK, PHONE, _log_in

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: pip install playwright")
if chromium() is None:
    pytest.skip("chromium is missing: apt-get install chromium (.ci/run does it)", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402 - only once we know it is there


def _submit(page, server: Server, title: str, content: str, category: str = "") -> str:  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/submit")
    page.fill("#title", title)
    page.fill("#content", content)
    page.select_option("#category", category)
    page.select_option("#region", "cn-hp-1")
    page.click("form[action='/submit'] button[type=submit]")
    page.wait_for_load_state()
    if page.locator("#tracking-code").count() == 0:
        shot(page, "submit-failed")
        raise AssertionError(page.inner_text("main"))
    return page.inner_text("#tracking-code").strip()


def test_me_too_while_typing_and_the_reply_check(server: Server, browser: Browser) -> None:
    first = browser.person(PHONE, 812)
    code = _submit(
        first,
        server,
        "湖畔小区旁边的搅拌站噪音太大",
        "柳岸社区湖畔小区北门外新建了一个混凝土搅拌站，日夜施工，噪音和粉尘很大，居民无法休息。",
        "A0101",
    )
    neighbour = browser.person(PHONE, 812)
    neighbour.goto(f"{server.url}/submit")
    neighbour.fill("#title", "投诉湖畔小区附近搅拌站粉尘噪音扰民")
    neighbour.fill("#content", "湖畔小区北门外的搅拌站晚上也在生产，粉尘很大，窗户都不敢开。")
    neighbour.select_option("#region", "cn-hp-1")
    box = neighbour.locator("#similar")
    expect(box).to_contain_text("已有市民反映", timeout=10_000)  # htmx, as the neighbour types
    expect(box).to_contain_text("湖畔小区旁边的搅拌站噪音太大")
    shot(neighbour, "similar-375")
    box.locator(f"button[hx-post='/cases/{code}/support']").click()
    expect(box).to_contain_text("谢谢，您的附议已记录")
    neighbour.goto(f"{server.url}/cases/{code}")
    assert "您已附议此诉求" in neighbour.inner_text("main")

    third = _submit(
        browser.person(PHONE, 812),
        server,
        "湖畔小区北门搅拌站半夜还在生产",
        "湖畔小区北门外的搅拌站半夜还在生产，噪音很大。",
    )
    settings = Settings(database_url=server.db.url, secret_key="e2e-secret-not-for-production")
    assert proposals.check_new_cases(server.db, now=server.clock.now, settings=settings) == 2  # the worker's search
    dispatcher = browser.person(DESK)
    _log_in(dispatcher, server, "dispatcher")
    dispatcher.goto(f"{server.url}/staff/cases/{third}")
    proposed = dispatcher.locator("#merge-proposals")
    expect(proposed).to_contain_text("疑似重复诉求", timeout=10_000)  # loaded by htmx
    expect(proposed).to_contain_text(code)
    shot(dispatcher, "merge-proposal-1280")
    proposed.locator("form[action$='/merge'] button").click()
    dispatcher.wait_for_url(re.compile(rf"/staff/cases/{code}\?done=merge"))
    assert "合并" in dispatcher.inner_text("main")

    handler = browser.person(DESK)
    _log_in(handler, server, "handler_water")
    handler.goto(f"{server.url}/staff/cases/{code}")
    handler.click("form[action$='/accept'] button")
    handler.fill("#reply-text", "感谢您对我们工作的关心和支持。")
    check = handler.locator("#reply-check")
    expect(check).to_contain_text("答复似乎没有回应留言", timeout=10_000)
    handler.fill(
        "#reply-text",
        "您反映的湖畔小区北门外搅拌站噪音粉尘问题，经现场核查属实。我局已责令该搅拌站夜间停工并加装降尘设施，"
        "目前已整改到位。如有疑问请拨打联系电话12345。",
    )
    expect(check).not_to_contain_text("答复似乎没有回应留言", timeout=10_000)
    expect(check).to_contain_text("相关性")
    shot(handler, "reply-check-1280")
    handler.click("form[action$='/reply'] button[type=submit]")  # the check never blocks the reply
    handler.wait_for_url(re.compile(r"done=reply"))
    assert "已答复" in handler.inner_text("main")
    assert not browser.errors, browser.errors
