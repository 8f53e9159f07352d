"""In a real browser: the surge chart (counts, bound, alarms) and the forecast bands draw, without script errors."""

from __future__ import annotations

from datetime import date

import pytest

from gongzhi.analytics import surge
from gongzhi.config import Settings
from tests.analytics.surge_support import put_facts, quiet_with_surge
from tests.e2e.conftest import Browser, Server, chromium, shot
from tests.e2e.test_journey import DESK, PHONE, _log_in

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: pip install playwright")
if chromium() is None:
    pytest.skip("chromium is missing: apt-get install chromium (.ci/run does it)", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402 - only once we know it is there


def test_alert_and_forecast_charts(server: Server, browser: Browser) -> None:
    put_facts(server.db, quiet_with_surge(date(2025, 6, 2), date(2026, 3, 1), date(2026, 2, 26)), region="cn-sx")
    settings = Settings(database_url=server.db.url, secret_key="e2e-secret-not-for-production")
    with server.db.transaction() as session:
        surge.evaluate_due(session, settings=settings, now=server.clock.now)
    for width in (PHONE, DESK):
        page = browser.person(width)
        _log_in(page, server, "supervisor")
        page.goto(f"{server.url}/staff/analytics/alerts")
        expect(page.locator("[data-surge-chart=series] svg")).to_be_visible(timeout=10_000)
        assert "2026-02-26" in page.inner_text("main")
        shot(page, f"surge-alerts-{width}")
        page.goto(f"{server.url}/staff/analytics/forecasts")
        expect(page.locator("[data-surge-chart=series-0] svg")).to_be_visible(timeout=10_000)
        shot(page, f"forecasts-{width}")
        page.context.close()
    assert not browser.errors, browser.errors
