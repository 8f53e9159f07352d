"""Tampering with the stored log behind the application's back is caught, naming the entry.

Each case alters the database the way an operator with SQL access could (an entry's bytes, a
deletion, a reordering, an insertion, a node hash at level 0 or 1, a checkpoint, a rollback, a
rewritten history re-signed with the log's own key) and checks three verdicts:

- the outside audit over HTTP fails, naming the first entry that differs;
- a receipt the citizen downloaded *before* the tampering, checked against the log of today
  (``standing``), fails naming its entry;
- where the tampered data reaches a receipt made *after* it, that receipt fails offline.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.ledger import log, publish
from gongzhi.ledger.audit import AuditError, audit
from gongzhi.ledger.audit_state import load_state, save_state
from gongzhi.ledger.errors import LedgerError, StoredLogError
from gongzhi.ledger.merkle import EMPTY_ROOT
from gongzhi.ledger.models import LedgerEntry
from gongzhi.ledger.note import Ed25519Signer
from gongzhi.ledger.receipts import Receipt, build_receipt
from gongzhi.ledger.standing import check_standing
from gongzhi.ledger.tiles import format_entry_bundle, parse_entry_bundle
from gongzhi.ledger.verify import verify_receipt
from tests.conftest import Clock
from tests.ledger.audit_helpers import ClientFetcher, execute, flip_hash_byte, signed_log
from tests.ledger.conftest import VKEY

FORGED = b'{"n":-1,"type":"test","v":1}'


def receipt_for(db: Database, index: int) -> Receipt:
    with db.reading() as session:
        entry = session.scalars(select(LedgerEntry).where(LedgerEntry.leaf_index == index)).one()
        return build_receipt(session, entry)


def standing_of(db: Database, receipt: Receipt) -> None:
    with db.reading() as session:
        check_standing(session, receipt)


def alter_entry(db: Database) -> None:
    execute(db, "UPDATE ledger_entry SET data = :d WHERE leaf_index = 300", d=FORGED)


def delete_entry(db: Database) -> None:
    execute(db, "DELETE FROM ledger_entry WHERE leaf_index = 300")


def swap_entries(db: Database) -> None:
    execute(db, "UPDATE ledger_entry SET leaf_index = -1 WHERE leaf_index = 300")
    execute(db, "UPDATE ledger_entry SET leaf_index = 300 WHERE leaf_index = 301")
    execute(db, "UPDATE ledger_entry SET leaf_index = 301 WHERE leaf_index = -1")


def insert_entry(db: Database) -> None:
    execute(db, "UPDATE ledger_entry SET leaf_index = leaf_index + 1000000 WHERE leaf_index >= 300")
    execute(db, "UPDATE ledger_entry SET leaf_index = leaf_index - 999999 WHERE leaf_index >= 1000000")
    execute(db, "INSERT INTO ledger_entry (leaf_index, data) VALUES (300, :d)", d=FORGED)


def alter_leaf_hash(db: Database) -> None:
    flip_hash_byte(db, 0, 1, 300 - 256)


def alter_level_one_hash(db: Database) -> None:
    flip_hash_byte(db, 1, 0, 1)  # the root of tile 0/1: entries 256-511


CASES: dict[str, tuple[Callable[[Database], None], str, int]] = {
    "altered entry": (alter_entry, "entry 300 does not match", 300),
    "deleted entry": (delete_entry, "entry 300 is missing: entry bundle tile/entries/001 is not served", 300),
    "reordered entries": (swap_entries, "entry 300 does not match", 300),
    "inserted entry": (insert_entry, "entry 300 does not match", 300),
    "altered leaf hash": (alter_leaf_hash, "entry 300 does not match", 300),
    "altered level-1 hash": (alter_level_one_hash, "hash 1 is not the root of tile 0/1", 256),
}


@pytest.mark.parametrize("case", list(CASES))
def test_tampering_is_caught_by_audit_and_receipts_naming_the_entry(
    case: str, client: TestClient, db: Database, settings: Settings, clock: Clock
) -> None:
    tamper, message, index = CASES[case]
    signed_log(db, settings, clock)
    before = receipt_for(db, 300)
    standing_of(db, before)  # all is well before
    audit(ClientFetcher(client), vkey=VKEY, now=clock.now)

    tamper(db)

    with pytest.raises(AuditError, match=message) as caught:
        audit(ClientFetcher(client), vkey=VKEY, now=clock.now)
    assert caught.value.index == index
    with pytest.raises(StoredLogError, match="entry 300"):
        standing_of(db, before)
    verify_receipt(before.to_json(), log_key=VKEY)  # the old receipt still proves what the log signed then


@pytest.mark.parametrize("case", ["altered entry", "altered leaf hash", "altered level-1 hash", "inserted entry"])
def test_a_receipt_made_after_tampering_fails_offline(
    case: str, db: Database, settings: Settings, clock: Clock
) -> None:
    signed_log(db, settings, clock)
    CASES[case][0](db)
    index = 301 if case == "altered leaf hash" else 300  # 301's proof climbs through leaf 300's stored hash
    if case == "altered level-1 hash":
        index = 10  # its proof uses the root of entries 256-511 as a sibling
    with pytest.raises(LedgerError, match=f"index {index}"):
        verify_receipt(receipt_for(db, index).to_json(), log_key=VKEY)


def test_an_altered_checkpoint_is_caught_by_audit_and_receipt(
    client: TestClient, db: Database, settings: Settings, clock: Clock
) -> None:
    signed_log(db, settings, clock)
    execute(db, "UPDATE ledger_checkpoint SET note = replace(note, '\n604\n', '\n603\n')")
    with pytest.raises(AuditError, match="checkpoint does not verify"):
        audit(ClientFetcher(client), vkey=VKEY, now=clock.now)
    with pytest.raises(LedgerError, match="does not verify"):
        verify_receipt(receipt_for(db, 5).to_json(), log_key=VKEY)


def test_a_rolled_back_log_is_caught_with_the_auditors_state(
    client: TestClient, db: Database, settings: Settings, clock: Clock, tmp_path: Path
) -> None:
    signed_log(db, settings, clock, 100)
    signed_log(db, settings, clock, 504, start=100)
    state = load_state(tmp_path / "state.json", VKEY)
    audit(ClientFetcher(client), vkey=VKEY, now=clock.now, state=state)
    save_state(tmp_path / "state.json", state)
    before = receipt_for(db, 300)
    execute(db, "DELETE FROM ledger_checkpoint WHERE size = 604")

    with pytest.raises(AuditError, match="rolled back") as caught:
        audit(ClientFetcher(client), vkey=VKEY, now=clock.now, state=load_state(tmp_path / "state.json", VKEY))
    assert caught.value.index == 100
    with pytest.raises(StoredLogError, match="entry 300"):
        standing_of(db, before)


def test_a_history_rewritten_and_re_signed_with_the_log_key_is_caught_by_the_auditors_state(
    client: TestClient, db: Database, settings: Settings, clock: Clock, signer: Ed25519Signer, tmp_path: Path
) -> None:
    signed_log(db, settings, clock)
    state = load_state(tmp_path / "state.json", VKEY)
    audit(ClientFetcher(client), vkey=VKEY, now=clock.now, state=state)
    save_state(tmp_path / "state.json", state)
    before = receipt_for(db, 300)

    # whoever holds the key rebuilds a consistent tree with entry 300 changed, and signs it anew
    alter_entry(db)
    execute(db, "DELETE FROM ledger_checkpoint")
    execute(db, "DELETE FROM ledger_tile")
    execute(db, "UPDATE ledger_entry SET leaf_index = NULL")
    execute(db, "UPDATE ledger_state SET size = 0, root = :r", r=EMPTY_ROOT)
    log.sequence(db)
    with db.transaction() as session:
        publish.publish(session, signer=signer, now=clock.now)

    audit(ClientFetcher(client), vkey=VKEY, now=clock.now)  # a first-time auditor cannot tell
    with pytest.raises(AuditError, match=r"history was rewritten.*first difference is at entry 300 ") as caught:
        audit(ClientFetcher(client), vkey=VKEY, now=clock.now, state=load_state(tmp_path / "state.json", VKEY))
    assert caught.value.index == 300
    with pytest.raises(StoredLogError, match="entry 300"):
        standing_of(db, before)

    # a state file written before leaf prints were kept still places the change, to its 256 entries
    old_state = load_state(tmp_path / "state.json", VKEY)
    old_state.leaf_prints = b""
    save_state(tmp_path / "old-state.json", old_state)
    assert "leaf_prints" in (tmp_path / "old-state.json").read_text()
    raw = json.loads((tmp_path / "old-state.json").read_text())
    del raw["leaf_prints"]
    (tmp_path / "old-state.json").write_text(json.dumps(raw))
    with pytest.raises(AuditError, match=r"history was rewritten.*entries 256–511") as caught:
        audit(ClientFetcher(client), vkey=VKEY, now=clock.now, state=load_state(tmp_path / "old-state.json", VKEY))
    assert caught.value.index == 256


class BundleTamperer(ClientFetcher):
    """The log as a dishonest server could serve it: one entry bundle changed on the way out."""

    def __init__(self, client: TestClient, path: str, change: Callable[[bytes], bytes | None]) -> None:
        super().__init__(client)
        self.path, self.change = path, change

    def fetch(self, path: str) -> bytes | None:
        data = super().fetch(path)
        return self.change(data) if path.startswith(self.path) and data is not None else data


def drop_entry(data: bytes, position: int) -> bytes:
    """The bundle without its entry at ``position`` (length prefixes kept for the others)."""
    entries = parse_entry_bundle(data)
    return format_entry_bundle(entries[:position] + entries[position + 1 :])


@pytest.mark.parametrize(
    ("change", "index"),
    [
        (lambda data: drop_entry(data, 44), 300),  # entry 300 left out: 301 now sits where 300 should
        (lambda data: data[: len(data) - 7], 511),  # cut inside the last entry
        (lambda data: data + b"\x00\x01x", 512),  # an extra entry after the 256th
        (lambda data: format_entry_bundle([FORGED, *parse_entry_bundle(data)[1:]]), 256),
        (lambda data: None, 256),  # not served at all, nor any partial bundle: the first entry is named
    ],
)
def test_a_malformed_or_withheld_bundle_is_narrowed_to_its_first_wrong_entry(
    change: Callable[[bytes], bytes | None],
    index: int,
    client: TestClient,
    db: Database,
    settings: Settings,
    clock: Clock,
) -> None:
    signed_log(db, settings, clock)
    with pytest.raises(AuditError) as caught:
        audit(BundleTamperer(client, "tile/entries/001", change), vkey=VKEY, now=clock.now)
    assert caught.value.index == index, caught.value.message
    assert f"entry {index}" in caught.value.message
