"""``gongzhi ledger keygen | verify-receipt | export-tiles``."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path

from typer.testing import CliRunner

from gongzhi import worker
from gongzhi.cli import app
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.ledger.checkpoint import CosignatureSigner, generate_cosigner_key
from gongzhi.ledger.cosign import append_cosignatures
from gongzhi.ledger.note import Ed25519Signer, Ed25519Verifier, Signature, parse_note
from gongzhi.ledger.policy import FUTURE_SKEW_SECONDS
from tests.cases.steps import Desk
from tests.conftest import Clock
from tests.ledger.conftest import VKEY
from tests.ledger.test_log import append, records
from tests.ledger.test_receipts import citizen_receipt

runner = CliRunner()


def test_keygen_prints_a_signer_key_and_its_verifier_key() -> None:
    result = runner.invoke(app, ["ledger", "keygen", "--origin", "city.gov.example/ledger"])
    assert result.exit_code == 0, result.output
    skey, vkey = result.stdout.splitlines()[:2]
    assert skey.startswith("PRIVATE+KEY+city.gov.example/ledger+")
    assert Ed25519Signer.from_skey(skey).verifier() == Ed25519Verifier.from_vkey(vkey)
    assert Settings(ledger_signer_key=skey).ledger_origin == "city.gov.example/ledger"


def test_keygen_refuses_a_name_that_cannot_be_a_key_name() -> None:
    result = runner.invoke(app, ["ledger", "keygen", "--origin", "has space"])
    assert result.exit_code == 2 and "contains a space" in result.output


def test_verify_receipt_passes_and_fails_naming_the_problem(desk: Desk, settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "receipt.json"
    path.write_text(citizen_receipt(desk, settings).to_json())
    good = runner.invoke(app, ["ledger", "verify-receipt", str(path), "--vkey", VKEY])
    assert good.exit_code == 0, good.output
    assert "receipt verifies" in good.output and "commitment" in good.output

    raw = json.loads(path.read_text())
    raw["committed"]["content"] += "（后来改过）"
    path.write_text(json.dumps(raw, ensure_ascii=False))
    bad = runner.invoke(app, ["ledger", "verify-receipt", str(path), "--vkey", VKEY])
    assert bad.exit_code == 1
    assert "does NOT verify" in bad.output and "not what was recorded" in bad.output

    witness = generate_cosigner_key("witness.example")[1]
    unwitnessed = runner.invoke(app, ["ledger", "verify-receipt", str(path), "--vkey", VKEY, "--witness", witness])
    assert unwitnessed.exit_code == 1 and "missing: witness.example" in unwitnessed.output
    missing = runner.invoke(app, ["ledger", "verify-receipt", str(tmp_path / "nope.json"), "--vkey", VKEY])
    assert missing.exit_code == 2 and "cannot read" in missing.output


def test_verify_receipt_refuses_a_cosignature_dated_in_the_future(
    desk: Desk, settings: Settings, tmp_path: Path
) -> None:
    receipt = citizen_receipt(desk, settings)
    text = parse_note(receipt.checkpoint).text.encode()

    def cosigned_at(timestamp: int) -> Path:
        witness = CosignatureSigner("w.witness.example", bytes([5] * 32), timestamp)
        line = Signature(witness.name, witness.key_id, witness.sign(text))
        path = tmp_path / f"receipt-{timestamp}.json"
        note = append_cosignatures(receipt.checkpoint, [line])
        path.write_text(dataclasses.replace(receipt, checkpoint=note).to_json())
        return path

    key = CosignatureSigner("w.witness.example", bytes([5] * 32), 0).verifier().vkey()
    args = ["ledger", "verify-receipt", "--vkey", VKEY, "--witness", key]
    now = int(time.time())
    within_skew = runner.invoke(app, [*args, str(cosigned_at(now + FUTURE_SKEW_SECONDS // 2))])
    assert within_skew.exit_code == 0, within_skew.output
    assert "cosigned by w.witness.example" in within_skew.output
    future = runner.invoke(app, [*args, str(cosigned_at(now + 86_400))])
    assert future.exit_code == 1, future.output
    assert "w.witness.example is dated" in future.output and "in the future" in future.output


def test_export_tiles_writes_the_tree(db: Database, settings: Settings, clock: Clock, tmp_path: Path) -> None:
    out = tmp_path / "tiles"
    empty = runner.invoke(app, ["ledger", "export-tiles", str(out), "--db", db.url])
    assert empty.exit_code == 2 and "no checkpoint yet" in empty.output
    append(db, records(300))
    worker.run_ledger(db, settings, now=clock.now)
    result = runner.invoke(app, ["ledger", "export-tiles", str(out), "--db", db.url])
    assert result.exit_code == 0, result.output
    assert "tree of 300 entries" in result.output
    assert (out / "checkpoint").read_text().split("\n")[1] == "300"
    assert len((out / "tile/0/000").read_bytes()) == 256 * 32
    assert (out / "tile/entries/001.p/44").is_file()
