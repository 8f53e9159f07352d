"""A submission's commitment covers its attachments' SHA-256 hashes, so a receipt proves the files too."""

from __future__ import annotations

import hashlib
import json

import pytest
from fastapi.testclient import TestClient

from gongzhi import worker
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.ledger.errors import CommitmentError
from gongzhi.ledger.verify import verify_receipt
from tests.conftest import Clock
from tests.factories import World, submission
from tests.ledger.conftest import VKEY

PHOTO = b"\x89PNG\r\n\x1a\n" + bytes(range(200))
NOTE = "路灯编号 LA-0317".encode()


def test_the_receipt_opens_a_commitment_to_each_attachments_hash(
    client: TestClient, db: Database, settings: Settings, world: World, clock: Clock
) -> None:
    fields = {key: str(value) for key, value in submission().items() if value is not None}
    files = [("files", ("photo.png", PHOTO, "image/png")), ("files", ("note.txt", NOTE, "text/plain"))]
    created = client.post("/api/v1/cases/with-attachments", data=fields, files=files)
    assert created.status_code == 201, created.text
    case = created.json()
    worker.run_ledger(db, settings, now=clock.now)
    receipt = client.get(
        f"/api/v1/cases/{case['tracking_code']}/receipt", headers={"X-Tracking-Secret": case["secret"]}
    )
    document = json.loads(receipt.content)
    assert document["committed"]["attachments"] == [
        {"sha256": hashlib.sha256(PHOTO).hexdigest(), "size": len(PHOTO)},
        {"sha256": hashlib.sha256(NOTE).hexdigest(), "size": len(NOTE)},
    ]
    assert verify_receipt(receipt.content, log_key=VKEY).opened

    document["committed"]["attachments"][0]["sha256"] = hashlib.sha256(PHOTO + b"edited").hexdigest()
    with pytest.raises(CommitmentError, match="do not hash to the entry's commitment"):
        verify_receipt(json.dumps(document), log_key=VKEY)


def test_without_attachments_the_commitment_is_as_before(
    client: TestClient, db: Database, settings: Settings, world: World, clock: Clock
) -> None:
    case = client.post("/api/v1/cases", json=submission()).json()
    worker.run_ledger(db, settings, now=clock.now)
    receipt = client.get(
        f"/api/v1/cases/{case['tracking_code']}/receipt", headers={"X-Tracking-Secret": case["secret"]}
    )
    assert "attachments" not in json.loads(receipt.content)["committed"]
