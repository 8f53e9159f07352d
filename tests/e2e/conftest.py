"""A real server and a real browser: uvicorn in a thread on a fresh SQLite database, Debian's chromium.

Skipped, with the reason, when Playwright or /usr/bin/chromium is missing (``apt-get install chromium``;
Playwright's own browser download is not used). Screenshots go to ``test-artifacts/e2e/`` (git-ignored).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.migrate import upgrade
from gongzhi.web.app import create_app
from tests.conftest import Clock
from tests.factories import build_world

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium() -> str | None:
    """Debian's chromium, which Playwright drives (its own browser download does not work here)."""
    return str(CHROMIUM) if CHROMIUM.exists() else shutil.which("chromium")


@dataclass
class Server:
    url: str
    clock: Clock
    db: Database


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    import uvicorn

    path = tmp_path_factory.mktemp("e2e") / "e2e.db"
    upgrade(f"sqlite:///{path}")
    db, clock = Database(f"sqlite:///{path}"), Clock()
    build_world(db, now=clock.now)
    settings = Settings(database_url=db.url, secret_key="e2e-secret-not-for-production", demo=False)
    port = _free_port()
    config = uvicorn.Config(create_app(settings, db=db, clock=clock), host="127.0.0.1", port=port, log_level="warning")
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.started, "uvicorn did not start"
    yield Server(f"http://127.0.0.1:{port}", clock, db)
    running.should_exit = True
    thread.join(timeout=10)
    db.dispose()


@dataclass
class Browser:
    """One chromium; each person of the journey gets a context of their own, console errors collected."""

    handle: object
    errors: list[str] = field(default_factory=list)

    def person(self, width: int, height: int = 900):  # type: ignore[no-untyped-def]
        context = self.handle.new_context(viewport={"width": width, "height": height}, locale="zh-CN")  # type: ignore[attr-defined]
        page = context.new_page()
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(f"{page.url}: {msg.text}"))
        page.on("pageerror", lambda exc: self.errors.append(f"{page.url}: {exc}"))
        return page


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        handle = playwright.chromium.launch(executable_path=chromium(), args=ARGS)
        yield Browser(handle)
        handle.close()


def shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
