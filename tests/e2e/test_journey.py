"""The whole journey in a real browser: submit on a phone, dispatch, accept and reply, rate, reopen, supervise."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import Browser, Server, chromium, shot
from tests.factories import PASSWORD

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: pip install playwright")
if chromium() is None:
    pytest.skip("chromium is missing: apt-get install chromium (.ci/run does it)", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402 - only once we know it is there

PHONE, DESK = 375, 1280


def _log_in(page, server: Server, username: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{server.url}/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_load_state()


def _submit_on_a_phone(citizen, server: Server) -> str:  # type: ignore[no-untyped-def]
    citizen.goto(server.url + "/")
    shot(citizen, "home-375")
    citizen.click("main a[href='/submit']")
    citizen.fill("#title", "湖畔小区路灯坏了<b>三天</b>")
    citizen.fill("#content", "柳岸社区湖畔小区北门的路灯已经三天不亮了，晚上很黑，老人出门不安全。")
    citizen.fill("#category-search", "供水")
    citizen.wait_for_selector("#category option:has-text('城乡建设 › 供水 › 停水')", state="attached")  # htmx
    citizen.select_option("#category", "")
    citizen.select_option("#region", "cn-hp-1")
    citizen.fill("#contact_name", "王小明")
    citizen.fill("#contact_phone", "13812345678")
    shot(citizen, "submit-375")
    citizen.click("form[action='/submit'] button[type=submit]")
    code = citizen.inner_text("#tracking-code").strip()
    assert re.fullmatch(r"\d{8}-[0-9A-Z]{6}", code)
    assert citizen.inner_text("#tracking-secret").strip()
    shot(citizen, "submitted-375")
    return code


def _dispatch(dispatcher, server: Server, code: str) -> None:  # type: ignore[no-untyped-def]
    _log_in(dispatcher, server, "dispatcher")
    dispatcher.goto(f"{server.url}/staff/queue?tab=unclassified")
    row = dispatcher.locator("li.queue-item", has_text=code)
    row.locator("select[name=department]").select_option("water")
    shot(dispatcher, "queue-1280")
    row.locator("button[type=submit]").click()
    dispatcher.wait_for_selector(f"li.queue-item.done:has-text('{code}')")


def _accept_and_reply(handler, server: Server, code: str) -> None:  # type: ignore[no-untyped-def]
    _log_in(handler, server, "handler_water")
    assert code in handler.inner_text("main")  # the inbox, "to accept"
    shot(handler, "inbox-1280")
    handler.click(f"a[href='/staff/cases/{code}']")
    handler.click("form[action$='/accept'] button")
    handler.click("#contact button")
    handler.wait_for_selector("dl.contact:has-text('13812345678')")
    handler.select_option("#template", "0")
    expect(handler.locator("#reply-text")).to_have_value(re.compile("现场"))  # filled by htmx
    handler.fill("#reply-text", "已派人更换北门路灯灯泡，现已恢复照明。感谢您的反映。")
    shot(handler, "workspace-1280")
    handler.click("form[action$='/reply'] button[type=submit]")
    assert "已答复" in handler.inner_text("main")


def _rate_unsatisfied(citizen, server: Server, code: str) -> None:  # type: ignore[no-untyped-def]
    citizen.goto(f"{server.url}/track/{code}")
    assert "已派人更换北门路灯灯泡" in citizen.inner_text("main")
    assert "<b>三天</b>" in citizen.inner_text("h1")  # what the citizen typed, shown as text, not markup
    citizen.check("input[name=solved][value=no]")
    citizen.check("input[name=satisfaction][value=unsatisfied]")
    citizen.fill("#comment", "只亮了一晚又坏了")
    shot(citizen, "track-375")
    citizen.click("form[action$='/rating'] button[type=submit]")
    assert "重办" in citizen.inner_text("main")


def test_the_whole_journey(server: Server, browser: Browser) -> None:
    citizen = browser.person(PHONE, 812)
    code = _submit_on_a_phone(citizen, server)
    _dispatch(browser.person(DESK), server, code)
    _accept_and_reply(browser.person(DESK), server, code)
    _rate_unsatisfied(citizen, server, code)

    server.clock.advance(days=30)  # the reopened case runs past its deadline
    supervisor = browser.person(DESK)
    _log_in(supervisor, server, "supervisor")
    assert supervisor.url.endswith("/staff/supervisor")
    overdue = supervisor.locator("section[aria-labelledby=overdue-title]")
    assert code in overdue.inner_text() and "已超期" in overdue.inner_text()
    shot(supervisor, "supervisor-1280")

    supervisor.click("li.lang a[hreflang=en]")
    assert supervisor.locator("html").get_attribute("lang") == "en"
    assert "Overdue" in supervisor.inner_text("main")
    supervisor.goto(f"{server.url}/board")
    assert "Message board" in supervisor.inner_text("h1")
    shot(supervisor, "board-en-1280")

    citizen.goto(f"{server.url}/board")
    assert "留言板" in citizen.inner_text("h1")
    shot(citizen, "board-375")
    assert citizen.evaluate("document.documentElement.scrollWidth") <= PHONE  # nothing wider than the phone
    assert not browser.errors, browser.errors
