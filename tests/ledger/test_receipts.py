"""Receipts: built from the database, verified offline, and refused when any byte of them changes."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import update

from gongzhi import worker
from gongzhi.cases.lookup import case_by_code
from gongzhi.config import Settings
from gongzhi.errors import GongzhiError
from gongzhi.ledger import caselog, publish
from gongzhi.ledger.checkpoint import CosignatureSigner, generate_cosigner_key
from gongzhi.ledger.errors import (
    CommitmentError,
    InvalidSignatureError,
    ReceiptError,
    RootMismatchError,
    UnverifiedNoteError,
    WitnessQuorumError,
)
from gongzhi.ledger.models import LedgerCheckpoint
from gongzhi.ledger.note import add_signatures, generate_key
from gongzhi.ledger.receipts import Receipt, parse_receipt
from gongzhi.ledger.verify import verify_receipt
from tests.cases.steps import Desk
from tests.ledger.conftest import VKEY
from tests.ledger.test_log import append, records

WITNESS_1 = generate_cosigner_key("witness.one.example", seed=bytes([1] * 32))
WITNESS_2 = generate_cosigner_key("witness.two.example", seed=bytes([2] * 32))


def logged_case(desk: Desk, settings: Settings) -> str:
    """A submission among 300 other entries, integrated and signed; returns its tracking code."""
    append(desk.db, records(150))
    code, _ = desk.submit(category="A0101")
    append(desk.db, records(150, start=150))
    worker.run_ledger(desk.db, settings, now=desk.clock.now)
    return code


def receipt_of(desk: Desk, code: str) -> Receipt:
    with desk.db.reading() as session:
        return caselog.case_receipt(session, case_by_code(session, code))


def citizen_receipt(desk: Desk, settings: Settings) -> Receipt:
    return receipt_of(desk, logged_case(desk, settings))


def test_a_receipt_verifies_offline(desk: Desk, settings: Settings) -> None:
    receipt = citizen_receipt(desk, settings)
    result = verify_receipt(receipt.to_json(), log_key=VKEY)
    assert (result.index, result.checkpoint.size, result.opened) == (150, 302, True)
    assert result.entry["type"] == "case.submitted"
    assert parse_receipt(receipt.to_json()) == receipt


def test_changing_any_byte_of_a_receipt_makes_it_fail(desk: Desk, settings: Settings) -> None:
    document = citizen_receipt(desk, settings).to_json().encode()
    for position in range(len(document)):
        altered = bytearray(document)
        altered[position] ^= 0x01
        with pytest.raises(GongzhiError):
            verify_receipt(bytes(altered), log_key=VKEY)
            pytest.fail(f"byte {position} ({document[max(0, position - 20) : position + 20]!r}) changed unnoticed")


@pytest.mark.parametrize(
    ("part", "error", "words"),
    [
        ("entry", RootMismatchError, "the entry, its index or the proof was altered"),
        ("index", RootMismatchError, "was altered"),
        ("proof", RootMismatchError, "was altered"),
        ("checkpoint", InvalidSignatureError, "altered after signing"),
        ("salt", CommitmentError, "not what was recorded"),
        ("committed", CommitmentError, "not what was recorded"),
    ],
)
def test_each_part_names_what_is_wrong(
    desk: Desk, settings: Settings, part: str, error: type[Exception], words: str
) -> None:
    raw = json.loads(citizen_receipt(desk, settings).to_json())
    if part == "entry":
        raw["entry"] = raw["entry"].replace(raw["entry"][10], "A" if raw["entry"][10] != "A" else "B", 1)
    elif part == "index":
        raw["index"] += 1
    elif part == "proof":
        raw["proof"][3], raw["proof"][4] = raw["proof"][4], raw["proof"][3]
    elif part == "checkpoint":
        raw["checkpoint"] = raw["checkpoint"].replace("\n302\n", "\n303\n")
    elif part == "salt":
        raw["salt"] = "A" * 43 + "="
    else:
        raw["committed"]["contact_phone"] = "13900000000"
    with pytest.raises(error, match=words):
        verify_receipt(json.dumps(raw), log_key=VKEY)


def test_the_wrong_log_key_is_refused(desk: Desk, settings: Settings) -> None:
    receipt = citizen_receipt(desk, settings).to_json()
    _, other = generate_key("test.gongzhi.example/ledger", seed=bytes(32))
    with pytest.raises(UnverifiedNoteError):
        verify_receipt(receipt, log_key=other)
    with pytest.raises(ReceiptError, match="not a receipt"):
        verify_receipt('{"hello": 1}', log_key=VKEY)


def test_witness_cosignatures_are_required_k_of_n(desk: Desk, settings: Settings) -> None:
    code = logged_case(desk, settings)
    with desk.db.transaction() as session:
        latest = publish.latest_checkpoint(session)
        cosigned = add_signatures(latest.note, [CosignatureSigner.from_skey(WITNESS_1[0], 1_772_413_200)])
        session.execute(update(LedgerCheckpoint).where(LedgerCheckpoint.id == latest.id).values(note=cosigned))
    receipt = receipt_of(desk, code).to_json()
    assert verify_receipt(receipt, log_key=VKEY, witness_keys=[WITNESS_1[1]]).witnesses == ("witness.one.example",)
    assert verify_receipt(receipt, log_key=VKEY, witness_keys=[WITNESS_1[1], WITNESS_2[1]], quorum=1).witnesses
    with pytest.raises(WitnessQuorumError, match="needs 2; missing: witness.two.example"):
        verify_receipt(receipt, log_key=VKEY, witness_keys=[WITNESS_1[1], WITNESS_2[1]])
