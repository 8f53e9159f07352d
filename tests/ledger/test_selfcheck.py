"""``check_stored_log`` names what was tampered with in the database: entry, tile, state or checkpoint."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import delete, update
from sqlalchemy.orm import Session

from gongzhi.db import Database
from gongzhi.ledger import log, publish
from gongzhi.ledger.errors import StoredLogError
from gongzhi.ledger.models import LedgerCheckpoint, LedgerEntry, LedgerState, LedgerTile
from gongzhi.ledger.note import Ed25519Signer
from gongzhi.ledger.selfcheck import check_stored_log
from tests.conftest import Clock
from tests.ledger.test_log import append, records


def alter_entry(session: Session) -> None:
    session.execute(update(LedgerEntry).where(LedgerEntry.leaf_index == 41).values(data=b'{"n":999}'))


def delete_entry(session: Session) -> None:
    session.execute(delete(LedgerEntry).where(LedgerEntry.leaf_index == 300))


def swap_entries(session: Session) -> None:
    session.execute(update(LedgerEntry).where(LedgerEntry.leaf_index == 7).values(leaf_index=-1))
    session.execute(update(LedgerEntry).where(LedgerEntry.leaf_index == 8).values(leaf_index=7))
    session.execute(update(LedgerEntry).where(LedgerEntry.leaf_index == -1).values(leaf_index=8))


def alter_upper_tile(session: Session) -> None:
    session.execute(update(LedgerTile).where(LedgerTile.level == 1).values(data=bytes(32)))


def cut_tile(session: Session) -> None:
    session.execute(update(LedgerTile).where(LedgerTile.level == 0, LedgerTile.index == 1).values(data=bytes(32)))


def alter_root(session: Session) -> None:
    session.execute(update(LedgerState).values(root=bytes(32)))


def alter_checkpoint(session: Session) -> None:
    session.execute(update(LedgerCheckpoint).values(note=LedgerCheckpoint.note + "x"))


@pytest.mark.parametrize(
    ("tamper", "words"),
    [
        (alter_entry, "entry 41 does not match its leaf hash"),
        (delete_entry, "entry index 300 is missing"),
        (swap_entries, "entry 7 does not match its leaf hash"),
        (alter_upper_tile, "tile 1/0 hash 0 is not the root of tile 0/0"),
        (cut_tile, "tile 0/1 holds 1 hashes"),
        (alter_root, "root for size 400"),
        (alter_checkpoint, r"checkpoint 1 \(size 400\) does not verify"),
    ],
)
def test_tampering_is_named(
    db: Database, signer: Ed25519Signer, clock: Clock, tamper: Callable[[Session], None], words: str
) -> None:
    append(db, records(400))
    log.sequence(db)
    with db.transaction() as session:
        publish.publish(session, signer=signer, now=clock.now)
    with db.reading() as session:
        assert check_stored_log(session, verifiers=[signer.verifier()]).size == 400
    with db.transaction() as session:
        tamper(session)
    with db.reading() as session, pytest.raises(StoredLogError, match=words):
        check_stored_log(session, verifiers=[signer.verifier()])
