"""The public receipt verifier in a real chromium: WebCrypto Ed25519 passes a real receipt, fails a tampered one."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
from collections.abc import Iterator

import pytest

from gongzhi import worker
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.migrate import upgrade
from gongzhi.web.app import create_app
from tests.conftest import Clock
from tests.e2e.conftest import Browser, Server, _free_port, chromium, shot
from tests.factories import build_world, submission
from tests.ledger.conftest import SKEY

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: pip install playwright")
if chromium() is None:
    pytest.skip("chromium is missing: apt-get install chromium (.ci/run does it)", allow_module_level=True)

from fastapi.testclient import TestClient  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

DOCUMENT = "业主大会决议（2026年3月1日）".encode()


@pytest.fixture(scope="module")
def ledger_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Settings]]:
    """Like the journey's server, with a ledger key so that checkpoints are signed."""
    import uvicorn

    path = tmp_path_factory.mktemp("e2e-ledger") / "e2e.db"
    upgrade(f"sqlite:///{path}")
    db, clock = Database(f"sqlite:///{path}"), Clock()
    build_world(db, now=clock.now)
    settings = Settings(
        database_url=db.url, secret_key="e2e-secret-not-for-production", demo=False, ledger_signer_key=SKEY
    )
    port = _free_port()
    running = uvicorn.Server(
        uvicorn.Config(create_app(settings, db=db, clock=clock), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert running.started, "uvicorn did not start"
    yield Server(f"http://127.0.0.1:{port}", clock, db), settings
    running.should_exit = True
    thread.join(timeout=10)
    db.dispose()


def receipts(server: Server, settings: Settings) -> tuple[str, str]:
    """A citizen's receipt and a notarised document's receipt, fetched as their owners would."""
    app = create_app(settings, db=server.db, clock=server.clock)
    with TestClient(app) as client:
        case = client.post("/api/v1/cases", json=submission()).json()
        notarised = client.post("/api/v1/notary", json={"sha256": hashlib.sha256(DOCUMENT).hexdigest()}).json()
        worker.run_ledger(server.db, settings, now=server.clock.now)
        citizen = client.get(
            f"/api/v1/cases/{case['tracking_code']}/receipt", headers={"X-Tracking-Secret": case["secret"]}
        )
        document = client.get(notarised["receipt_url"])
    assert citizen.status_code == document.status_code == 200
    return citizen.text, document.text


def verify_in_browser(page, text: str) -> str:  # type: ignore[no-untyped-def]
    """Paste the receipt, press "verify in this browser", wait for the verdict."""
    page.evaluate("() => { delete document.querySelector('#browser-steps').dataset.verdict; }")
    page.fill("#receipt", text)
    page.click("[data-browser-verify]")
    steps = page.locator("#browser-steps")
    expect(steps).to_have_attribute("data-verdict", re.compile("valid|invalid"), timeout=10_000)
    return str(steps.get_attribute("data-verdict"))


def test_a_real_receipt_verifies_in_chromium_and_a_tampered_one_fails(
    ledger_server: tuple[Server, Settings], browser: Browser
) -> None:
    server, settings = ledger_server
    citizen, document = receipts(server, settings)
    page = browser.person(375)
    page.goto(f"{server.url}/verify")
    assert verify_in_browser(page, citizen) == "valid", page.inner_text("#browser-steps")
    names = page.locator("#browser-steps li").evaluate_all(
        "items => items.map(i => i.dataset.step + ':' + i.className)"
    )
    assert names == [
        "receipt:ok",
        "leaf:ok",
        "path:ok",
        "signature:ok",
        "root:ok",
        "witnesses:ok",
        "commitment:ok",
        "verdict:ok",
    ]
    shot(page, "ledger-verify-375")

    tampered = json.loads(citizen)
    entry = bytearray(base64.b64decode(tampered["entry"]))
    entry[-3] ^= 0x01  # one bit of the entry
    tampered["entry"] = base64.b64encode(bytes(entry)).decode()
    page.goto(f"{server.url}/verify")
    assert verify_in_browser(page, json.dumps(tampered)) == "invalid"
    expect(page.locator("#browser-steps li.failed")).to_have_attribute("data-step", "root")

    forged = json.loads(citizen)
    forged["checkpoint"] = forged["checkpoint"].replace("\n", "\n ", 1)  # the signed text altered
    page.goto(f"{server.url}/verify")
    assert verify_in_browser(page, json.dumps(forged)) == "invalid"

    page.click("button[type=submit]")  # the server agrees
    expect(page.locator("#server-verdict")).to_have_class("verdict failed")

    page.goto(f"{server.url}/notary/verify")
    page.set_input_files("#document", files=[{"name": "决议.txt", "mimeType": "text/plain", "buffer": DOCUMENT}])
    assert verify_in_browser(page, document) == "valid", page.inner_text("#browser-steps")
    expect(page.locator("#browser-steps li[data-step=document]")).to_have_class("ok")
    page.set_input_files("#document", files=[{"name": "x.txt", "mimeType": "text/plain", "buffer": DOCUMENT + b"!"}])
    assert verify_in_browser(page, document) == "invalid"
    assert not browser.errors, browser.errors
