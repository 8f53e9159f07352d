"""The log on a real database: appending, the sequencer, tiles and signed checkpoints."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlalchemy import select, update

from gongzhi.db import Database
from gongzhi.ledger import log, publish
from gongzhi.ledger.errors import EntryError, StoredLogError
from gongzhi.ledger.merkle import MemoryHashes, inclusion_proof, tree_root
from gongzhi.ledger.models import LedgerEntry, LedgerTile
from gongzhi.ledger.note import Ed25519Signer
from gongzhi.ledger.selfcheck import check_stored_log
from gongzhi.ledger.storage import database_reader, served_bytes
from gongzhi.ledger.tiles import ENTRIES, MAX_ENTRY_SIZE, Tile, changed_bundles, changed_tiles, read_tile
from tests.conftest import Clock

TESSERA = Path(__file__).resolve().parents[1] / "fixtures" / "tlog" / "tessera-testdata-log"
TESSERA_SKEY = "PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg"
TESSERA_ENTRIES = "one two three four five six seven eit nain ten ileven twelf threeten fourten fivten".split()


def records(count: int, start: int = 0) -> list[bytes]:
    return [f'{{"n":{i},"type":"test","v":1}}'.encode() for i in range(start, start + count)]


def append(db: Database, entries: list[bytes]) -> None:
    with db.transaction() as session:
        log.append_many(session, entries)


def assert_tree_is(db: Database, entries: list[bytes]) -> None:
    """Every stored tile, bundle and the root are what an in-memory tree of ``entries`` gives."""
    memory = MemoryHashes.from_entries(entries)
    with db.reading() as session:
        assert log.read_state(session) == (len(entries), tree_root(memory, len(entries)))
        for tile in changed_tiles(0, len(entries)):
            assert served_bytes(session, tile) == read_tile(memory, tile), tile.path
        for bundle in changed_bundles(0, len(entries)):
            first = bundle.index * 256
            assert served_bytes(session, bundle) == served_bundle(entries[first : first + bundle.width])
        check_stored_log(session)


def served_bundle(entries: list[bytes]) -> bytes:
    return b"".join(len(entry).to_bytes(2, "big") + entry for entry in entries)


def test_tessera_test_log_is_reproduced_byte_for_byte(db: Database, clock: Clock) -> None:
    """After each of the 15 entries: the same checkpoint, partial tile and entry bundle as Tessera wrote."""
    signer = Ed25519Signer.from_skey(TESSERA_SKEY)
    for size in range(len(TESSERA_ENTRIES) + 1):
        if size:
            append(db, [TESSERA_ENTRIES[size - 1].encode()])
            log.sequence(db)
        with db.transaction() as session:
            checkpoint = publish.publish(session, signer=signer, now=clock.now)
            assert checkpoint is not None
            assert checkpoint.note == (TESSERA / f"checkpoint.{size}").read_text()
            if size:
                for tile in (Tile(0, 0, size), Tile(ENTRIES, 0, size)):
                    assert served_bytes(session, tile) == (TESSERA / tile.path).read_bytes(), tile.path


@pytest.mark.parametrize("batch", [1, 7, 256, 10_000])
def test_any_batch_size_builds_the_same_tree(db: Database, batch: int) -> None:
    entries = records(300 if batch == 1 else 1100)
    chunks = random.Random(batch).choices(range(1, 300), k=20)
    start = 0
    for chunk in chunks:
        append(db, entries[start : start + chunk])
        start += chunk
        log.sequence(db, batch=batch)
        if start >= len(entries):
            break
    append(db, entries[start:])
    log.sequence(db, batch=batch)
    assert_tree_is(db, entries)


def test_a_tree_two_tile_levels_deep(db: Database) -> None:
    """Past 65,536 entries the level-2 tile appears; proofs from the tiles match the in-memory tree."""
    entries = records(65_536 + 300)
    for start in range(0, len(entries), 20_000):
        append(db, entries[start : start + 20_000])
    assert log.sequence(db) == len(entries)
    assert_tree_is(db, entries)
    memory = MemoryHashes.from_entries(entries)
    with db.reading() as session:
        for index in random.Random(1).sample(range(len(entries)), 50):
            assert inclusion_proof(database_reader(session), index, len(entries)) == inclusion_proof(
                memory, index, len(entries)
            )


def test_an_entry_committed_late_gets_a_later_index(db: Database) -> None:
    """Row ids are not the log's order: an entry whose transaction ended last is integrated last."""
    with db.transaction() as session:
        session.add_all(LedgerEntry(id=row_id, data=f"row {row_id}".encode()) for row_id in (10, 11, 12, 20))
    log.sequence(db)
    with db.transaction() as session:
        session.add_all(LedgerEntry(id=row_id, data=f"row {row_id}".encode()) for row_id in (3, 15))
    log.sequence(db)
    with db.reading() as session:
        order = session.execute(select(LedgerEntry.leaf_index, LedgerEntry.id).order_by(LedgerEntry.leaf_index))
        assert [tuple(row) for row in order] == [(0, 10), (1, 11), (2, 12), (3, 20), (4, 3), (5, 15)]
    assert_tree_is(db, [f"row {row_id}".encode() for row_id in (10, 11, 12, 20, 3, 15)])


def test_pending_entries_wait_for_the_sequencer(db: Database) -> None:
    append(db, records(5))
    with db.reading() as session:
        assert (log.pending_count(session), log.read_state(session)[0]) == (5, 0)
    assert log.sequence(db, batch=2) == 5
    with db.reading() as session:
        assert (log.pending_count(session), log.read_state(session)[0]) == (0, 5)


def test_oversized_entries_are_refused(db: Database) -> None:
    with db.transaction() as session, pytest.raises(EntryError, match="at most 65535"):
        log.append(session, b"x" * (MAX_ENTRY_SIZE + 1))


def test_a_checkpoint_is_signed_once_per_tree_size(db: Database, signer: Ed25519Signer, clock: Clock) -> None:
    with db.transaction() as session:
        first = publish.publish(session, signer=signer, now=clock.now)
        assert first is not None and first.size == 0
        assert publish.publish(session, signer=signer, now=clock.now) is None
    append(db, records(3))
    log.sequence(db)
    with db.transaction() as session:
        second = publish.publish(session, signer=signer, now=clock.now)
        assert second is not None and second.size == 3
        assert publish.latest_checkpoint(session).id == second.id


def test_the_log_refuses_to_sign_a_tree_that_does_not_extend_its_last_checkpoint(
    db: Database, signer: Ed25519Signer, clock: Clock
) -> None:
    append(db, records(300))
    log.sequence(db)
    with db.transaction() as session:
        publish.publish(session, signer=signer, now=clock.now)
    with db.transaction() as session:  # someone rewrites history in the database
        tile = update(LedgerTile).where(LedgerTile.level == 0, LedgerTile.index == 1)
        session.execute(tile.values(data=bytes(44 * 32)))
    append(db, records(5, start=300))
    log.sequence(db)
    with db.transaction() as session, pytest.raises(StoredLogError, match="not signing"):
        publish.publish(session, signer=signer, now=clock.now)
