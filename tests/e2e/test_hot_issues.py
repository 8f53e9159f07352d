"""In a real browser: a supervisor opens the hot issues the worker stored, on a phone and at a desk."""

from __future__ import annotations

import pytest

from gongzhi.analytics import hotissues_store
from gongzhi.cases import intake
from gongzhi.cases.models import Channel
from gongzhi.cases.schemas import SubmissionIn
from gongzhi.config import Settings
from tests.analytics.test_hotissues_web import FUMES, NOISE, OTHER
from tests.e2e.conftest import Browser, Server, chromium, shot
from tests.e2e.test_journey import DESK, PHONE, _log_in
from tests.factories import submission

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: pip install playwright")
if chromium() is None:
    pytest.skip("chromium is missing: apt-get install chromium (.ci/run does it)", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402 - only once we know it is there


def _seed_messages(server: Server, settings: Settings) -> list[str]:
    """Three messages about a mixing plant, two about a barbecue's fumes, one unrelated: two issues."""
    codes = []
    for i, (title, content) in enumerate([*NOISE, *FUMES, OTHER]):
        server.clock.advance(hours=2)
        with server.db.transaction() as session:
            receipt = intake.submit(
                session,
                data=SubmissionIn.model_validate(
                    submission(title=title, content=content, contact_phone=f"1391234{i:04d}")
                ),
                channel=Channel.WEB,
                now=server.clock.now,
                settings=settings,
            )
        codes.append(receipt.tracking_code)
    return codes


def test_a_supervisor_reads_the_stored_hot_issues(server: Server, browser: Browser) -> None:
    settings = Settings(database_url=server.db.url, secret_key="e2e-secret-not-for-production")
    codes = _seed_messages(server, settings)
    assert hotissues_store.refresh_due(server.db, settings, now=server.clock.now) == [7, 30]
    for width in (PHONE, DESK):
        page = browser.person(width)
        _log_in(page, server, "supervisor")
        page.goto(f"{server.url}/staff/hot-issues?days=30")
        first = page.locator("article.hot-issue").first
        expect(first).to_be_visible()
        expect(page.locator("#computed-at")).to_contain_text("计算于")
        figures = first.locator(".hot-figures")
        expect(figures).to_contain_text("热度")
        expect(figures).to_contain_text("3 条留言")  # the mixing plant: three messages, three citizens
        expect(figures).to_contain_text("3 位市民")
        assert float(figures.locator("[data-heat]").get_attribute("data-heat") or 0) > 0
        representative = first.locator(".representative a")
        expect(representative).to_be_visible()
        assert representative.inner_text() in {title for title, _ in NOISE}
        assert representative.get_attribute("href") in {f"/staff/cases/{code}" for code in codes[:3]}
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"the page scrolls sideways by {overflow} px at {width} px"
        shot(page, f"hot-issues-{width}")
        page.context.close()
    assert not browser.errors, browser.errors
