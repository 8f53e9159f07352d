"""Screenshots of the main pages for the README, from a running demo (`gongzhi demo --port 8010`).

.venv/bin/python -m tests.e2e.readme_screenshots http://127.0.0.1:8010 docs/screenshots
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from tests.e2e.conftest import ARGS, chromium

PAGES = [  # (file name, path, who logs in first, width)
    ("home-375", "/", None, 375),
    ("submit-375", "/submit", None, 375),
    ("board-375", "/board", None, 375),
    ("board-1280", "/board", None, 1280),
    ("departments-1280", "/departments", None, 1280),
    ("queue-1280", "/staff/queue?tab=unclassified", "dispatcher", 1280),
    ("supervisor-1280", "/staff/supervisor", "supervisor", 1280),
    ("hot-issues-375", "/staff/hot-issues?days=30", "supervisor", 375),
]


def main(base: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=ARGS)
        for name, path, user, width in PAGES:
            page = browser.new_context(viewport={"width": width, "height": 900 if width > 400 else 812}).new_page()
            if user:
                page.goto(base + "/login")
                page.fill("#username", user)
                page.fill("#password", "gongzhi-demo")
                page.click("form[action='/login'] button[type=submit]")
            page.goto(base + path)
            page.screenshot(path=str(folder / f"{name}.png"))
            page.context.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], Path(sys.argv[2]))
