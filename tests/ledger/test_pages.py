"""The ledger's public pages: the receipt verifier, notarisation, and the case page's place in the ledger."""

from __future__ import annotations

import hashlib
import re

from fastapi.testclient import TestClient

from gongzhi import worker
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.ledger.verify import verify_receipt
from tests.conftest import Clock
from tests.factories import World
from tests.ledger.conftest import VKEY
from tests.ledger.test_log import append, records
from tests.web.pages_support import HTML, csrf, submit


def a_case_with_receipt(client: TestClient, db: Database, settings: Settings, clock: Clock) -> tuple[str, str]:
    """A case submitted through the form among other entries, signed: (tracking code, receipt JSON)."""
    append(db, records(20))
    code, _ = submit(client)
    append(db, records(20, start=20))
    worker.run_ledger(db, settings, now=clock.now)
    receipt = client.get(f"/track/{code}/receipt")
    assert receipt.status_code == 200, receipt.text
    return code, receipt.text


def test_the_case_page_says_where_the_case_stands_and_offers_the_receipt(
    client: TestClient, db: Database, settings: Settings, world: World, clock: Clock
) -> None:
    code, _ = submit(client)
    page = client.get(f"/track/{code}")
    assert 'id="ledger-place"' in page.text and "/receipt" not in page.text  # not signed yet
    worker.run_ledger(db, settings, now=clock.now)
    page = client.get(f"/track/{code}")
    place = page.text[page.text.index('id="ledger-place"') :]
    assert "#0" in place and "#1" in place and f"/track/{code}/receipt" in place
    receipt = client.get(f"/track/{code}/receipt")
    assert receipt.headers["content-disposition"] == f'attachment; filename="receipt-{code}.json"'
    assert verify_receipt(receipt.content, log_key=VKEY).opened

    stranger = TestClient(client.app)
    assert stranger.get(f"/track/{code}/receipt", headers=HTML).status_code == 403


def test_the_verifier_page_checks_a_pasted_or_uploaded_receipt_on_the_server(
    client: TestClient, db: Database, settings: Settings, world: World, clock: Clock
) -> None:
    _, receipt = a_case_with_receipt(client, db, settings, clock)
    page = client.get("/verify")
    assert VKEY in page.text and "/static/ledger-verify.js" in page.text and 'href="/verify"' in page.text
    token = csrf(client, "/verify")
    done = client.post("/verify", data={"csrf_token": token, "receipt": receipt})
    assert done.status_code == 200
    steps = re.findall(r'<li class="(ok|failed)" data-step="(\w+)"', done.text)
    assert [name for _, name in steps] == [
        "receipt",
        "leaf",
        "path",
        "signature",
        "root",
        "witnesses",
        "commitment",
        "standing",
    ]
    assert all(state == "ok" for state, _ in steps)

    uploaded = client.post(
        "/verify", data={"csrf_token": token}, files={"receipt_file": ("r.json", receipt.encode(), "application/json")}
    )
    assert uploaded.status_code == 200 and 'id="server-verdict"' in uploaded.text

    altered = receipt.replace('"index": 20', '"index": 21')
    failed = client.post("/verify", data={"csrf_token": token, "receipt": altered})
    assert failed.status_code == 200 and 'class="verdict failed"' in failed.text
    assert re.findall(r'<li class="(ok|failed)" data-step="(\w+)"', failed.text)[-1] == ("failed", "root")


def test_the_verifier_page_answers_bad_input_with_a_message(client: TestClient, world: World) -> None:
    token = csrf(client, "/verify")
    empty = client.post("/verify", data={"csrf_token": token, "receipt": " "}, headers=HTML)
    assert empty.status_code == 400 and "paste the receipt" in empty.text
    junk = client.post("/verify", data={"csrf_token": token, "receipt": "{}"}, headers=HTML)
    assert junk.status_code == 200 and "not a receipt" in junk.text


def test_notarising_through_the_page_and_downloading_the_receipt(
    client: TestClient, db: Database, settings: Settings, world: World, clock: Clock
) -> None:
    digest = hashlib.sha256(b"minutes of the residents' meeting").hexdigest()
    token = csrf(client, "/notary")
    posted = client.post("/notary", data={"csrf_token": token, "sha256": digest}, follow_redirects=False)
    assert posted.status_code == 303 and re.fullmatch(r"/notary/\d+", posted.headers["location"])
    done = client.get(posted.headers["location"])
    assert done.status_code == 200 and digest in done.text
    number = re.search(r'id="notary-number">(\d+)<', done.text)
    assert number
    worker.run_ledger(db, settings, now=clock.now)
    receipt = client.get(f"/notary/{number.group(1)}/receipt")
    assert receipt.status_code == 200 and verify_receipt(receipt.content, log_key=VKEY).entry["sha256"] == digest

    sent = client.post(
        "/notary",
        data={"csrf_token": token, "send_document": "yes"},
        files={"document": ("m.txt", b"abc", "text/plain")},
    )
    assert sent.status_code == 200 and hashlib.sha256(b"abc").hexdigest() in sent.text
    bad = client.post("/notary", data={"csrf_token": token, "sha256": "12"}, headers=HTML)
    assert bad.status_code == 400 and "64 hexadecimal digits" in bad.text
    assert client.get("/notary/verify").status_code == 200
    assert client.get("/notary/999999", headers=HTML).status_code == 404

    checked = client.post("/verify", data={"csrf_token": token, "receipt": receipt.text, "sha256": digest})
    assert checked.status_code == 200 and 'data-step="document"' in checked.text
    other = client.post("/verify", data={"csrf_token": token, "receipt": receipt.text, "sha256": "0" * 64})
    assert 'class="failed" data-step="document"' in other.text
