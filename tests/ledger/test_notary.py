"""Notarisation (存证): a document's SHA-256 in the log, its receipt, and checking a document against it later."""

from __future__ import annotations

import hashlib
import json

import pytest
from fastapi.testclient import TestClient

from gongzhi import worker
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.errors import InvalidInput, PayloadTooLarge
from gongzhi.ledger.checkpoint import CosignatureSigner
from gongzhi.ledger.cosign import append_cosignatures
from gongzhi.ledger.entries import decode_entry
from gongzhi.ledger.errors import ReceiptError
from gongzhi.ledger.notary import check_document, hash_upload, parse_digest
from gongzhi.ledger.note import Signature, parse_note
from gongzhi.ledger.receipts import parse_receipt
from gongzhi.ledger.verify import verify_receipt
from tests.conftest import Clock
from tests.ledger.conftest import VKEY

DOCUMENT = "《柳岸社区停车管理公约》第三版，2026年3月1日业主大会通过。".encode()
DIGEST = hashlib.sha256(DOCUMENT).hexdigest()


def test_digests_are_64_hex_digits_whatever_their_case() -> None:
    assert parse_digest(f"  {DIGEST.upper()}\n") == DIGEST
    for bad in ("", "abc", DIGEST + "0", "g" * 64, DIGEST[:-1] + " "):
        with pytest.raises(InvalidInput, match="64 hexadecimal digits"):
            parse_digest(bad)


def test_documents_are_hashed_in_chunks_within_the_limit() -> None:
    assert hash_upload([DOCUMENT[:10], DOCUMENT[10:]]) == (DIGEST, len(DOCUMENT))
    with pytest.raises(PayloadTooLarge, match="send its SHA-256 instead"):
        hash_upload([b"x" * 600, b"x" * 600], limit=1000)
    with pytest.raises(InvalidInput, match="empty"):
        hash_upload([])


def test_a_document_sent_whole_is_notarised_and_its_receipt_proves_it(
    client: TestClient, db: Database, settings: Settings, clock: Clock
) -> None:
    response = client.post("/api/v1/notary", files={"document": ("公约.txt", DOCUMENT, "text/plain")})
    assert response.status_code == 201, response.text
    done = response.json()
    assert (done["sha256"], done["size"], done["at"]) == (DIGEST, len(DOCUMENT), "2026-03-02T01:00:00Z")
    early = client.get(done["receipt_url"])
    assert early.status_code == 409 and "within a few seconds" in early.json()["error"]

    worker.run_ledger(db, settings, now=clock.now)
    receipt = client.get(done["receipt_url"])
    assert receipt.status_code == 200 and "attachment" in receipt.headers["content-disposition"]
    verified = verify_receipt(receipt.content, log_key=VKEY)
    assert check_document(verified, DIGEST) == {
        "type": "notarized",
        "v": 1,
        "sha256": DIGEST,
        "size": len(DOCUMENT),
        "at": "2026-03-02T01:00:00Z",
    }
    with pytest.raises(ReceiptError, match="not the one notarised"):
        check_document(verified, hashlib.sha256(DOCUMENT + b" ").hexdigest())


def test_a_hash_alone_is_notarised_by_form_or_json(
    client: TestClient, db: Database, settings: Settings, clock: Clock
) -> None:
    by_form = client.post("/api/v1/notary", data={"sha256": DIGEST.upper()})
    by_json = client.post("/api/v1/notary", json={"sha256": DIGEST})
    assert by_form.status_code == by_json.status_code == 201
    assert by_form.json()["size"] is None and by_json.json()["entry"] != by_form.json()["entry"]
    worker.run_ledger(db, settings, now=clock.now)
    receipt = parse_receipt(client.get(by_json.json()["receipt_url"]).content)
    assert decode_entry(receipt.entry)["sha256"] == DIGEST


def test_bad_notarisation_requests_get_4xx_with_a_message(client: TestClient) -> None:
    bad = client.post("/api/v1/notary", data={"sha256": "not-a-hash"})
    assert bad.status_code == 400 and "64 hexadecimal digits" in bad.json()["error"]
    empty = client.post("/api/v1/notary", data={})
    assert empty.status_code == 400 and "'document'" in empty.json()["error"]
    broken = client.post("/api/v1/notary", content=b"{", headers={"content-type": "application/json"})
    assert broken.status_code == 400
    nothing = client.post("/api/v1/notary", files={"document": ("empty.txt", b"", "text/plain")})
    assert nothing.status_code == 400 and "empty" in nothing.json()["error"]
    assert client.get("/api/v1/notary/999999/receipt").status_code == 404


def test_a_document_over_the_limit_is_refused_with_413(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("gongzhi.ledger.notary.MAX_DOCUMENT_BYTES", 100_000)
    response = client.post("/api/v1/notary", files={"document": ("big.bin", b"\0" * 200_000, "application/pdf")})
    assert response.status_code == 413 and "SHA-256 instead" in response.json()["error"]


def test_the_server_verifies_a_receipt_step_by_step(
    client: TestClient, db: Database, settings: Settings, clock: Clock
) -> None:
    entry = client.post("/api/v1/notary", json={"sha256": DIGEST}).json()
    worker.run_ledger(db, settings, now=clock.now)
    receipt = json.loads(client.get(entry["receipt_url"]).content)
    answer = client.post("/api/v1/ledger/verify", json={"receipt": receipt, "sha256": DIGEST}).json()
    assert answer["ok"] is True
    names = [step["name"] for step in answer["steps"]]
    assert names == ["receipt", "leaf", "path", "signature", "root", "witnesses", "document", "standing"]

    receipt["entry"] = receipt["entry"][:-4] + "AAA="
    answer = client.post("/api/v1/ledger/verify", json={"receipt": receipt}).json()
    assert answer["ok"] is False and answer["steps"][-1]["ok"] is False
    assert client.post("/api/v1/ledger/verify", content=b"nope").status_code == 400
    assert client.post("/api/v1/ledger/verify", json={"receipt": receipt, "witnesses": "key"}).status_code == 400
    assert client.post("/api/v1/ledger/verify", json={"receipt": {"receipt": "x"}}).status_code == 400


def test_server_verification_refuses_a_cosignature_dated_in_the_future(
    client: TestClient, db: Database, settings: Settings, clock: Clock
) -> None:
    entry = client.post("/api/v1/notary", json={"sha256": DIGEST}).json()
    worker.run_ledger(db, settings, now=clock.now)
    receipt = json.loads(client.get(entry["receipt_url"]).content)
    now = int(clock.now.timestamp())

    def verdict(timestamp: int) -> dict[str, object]:
        witness = CosignatureSigner("w.witness.example", bytes([5] * 32), timestamp)
        line = Signature(witness.name, witness.key_id, witness.sign(parse_note(receipt["checkpoint"]).text.encode()))
        cosigned = {**receipt, "checkpoint": append_cosignatures(receipt["checkpoint"], [line])}
        body = {"receipt": cosigned, "witnesses": [witness.verifier().vkey()]}
        return client.post("/api/v1/ledger/verify", json=body).json()

    assert verdict(now)["ok"] is True
    late = verdict(now + 86_400)  # the server's clock (the app's) is a day behind the cosignature
    assert late["ok"] is False
    assert late["steps"][-1]["name"] == "verdict" and "in the future" in late["steps"][-1]["detail"]
