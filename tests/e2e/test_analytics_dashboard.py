"""In a real browser: the performance dashboard's and the open data page's charts draw, without script errors."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from gongzhi.accounts.models import User
from gongzhi.accounts.service import actor_for
from gongzhi.config import Settings
from tests.analytics.helpers import run_refresh
from tests.analytics.story import play
from tests.cases.steps import Desk
from tests.e2e.conftest import Browser, Server, chromium, shot
from tests.e2e.test_journey import DESK, PHONE, _log_in
from tests.factories import World

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: pip install playwright")
if chromium() is None:
    pytest.skip("chromium is missing: apt-get install chromium (.ci/run does it)", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402 - only once we know it is there


def _history(server: Server) -> None:
    with server.db.reading() as session:
        world = World(actors={u.username: actor_for(u) for u in session.scalars(select(User))})
    settings = Settings(database_url=server.db.url, secret_key="e2e-secret-not-for-production", demo=False)
    desk = Desk(db=server.db, settings=settings, world=world, clock=server.clock)
    play(desk)
    run_refresh(desk)


def test_dashboard_and_open_data_charts(server: Server, browser: Browser) -> None:
    _history(server)
    for width in (PHONE, DESK):
        page = browser.person(width)
        _log_in(page, server, "supervisor")
        page.goto(f"{server.url}/staff/analytics?month=2026-03")
        for chart in ("trend", "department", "region", "category"):
            expect(page.locator(f"#chart-{chart} svg")).to_be_visible(timeout=10_000)
        shot(page, f"analytics-dashboard-{width}")
        page.goto(f"{server.url}/staff/analytics?month=2031-01")
        expect(page.locator("#chart-department .chart-note")).to_be_visible()
        page.goto(f"{server.url}/open-data?month=2026-03")
        expect(page.locator("#chart-regions svg")).to_be_visible(timeout=10_000)
        shot(page, f"open-data-{width}")
        page.context.close()
    assert not browser.errors, browser.errors
