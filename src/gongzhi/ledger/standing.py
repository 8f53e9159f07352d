"""Does the log still stand behind a receipt? A receipt checked against the stored log of today.

A receipt verifies offline forever: it proves what the log signed then. What it cannot show
offline is whether the log has since been tampered with. This module asks the database:

1. the entry stored at the receipt's index is still exactly the receipt's entry (not altered,
   deleted, or moved by a reordering or an insertion);
2. today's stored hashes still lead that entry to the root the receipt's checkpoint signed (no
   node hash on its path was altered);
3. the newest checkpoint extends the receipt's one (the history was not rewritten).

Each failure raises ``StoredLogError`` naming the entry index. Also used to place a case's entries
in the log on the citizen's page (``entry_positions``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongzhi.ledger.checkpoint import Checkpoint, parse_checkpoint
from gongzhi.ledger.errors import LedgerError, StoredLogError
from gongzhi.ledger.log import read_state
from gongzhi.ledger.merkle import (
    Node,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    tree_root,
    verify_consistency,
    verify_inclusion,
)
from gongzhi.ledger.models import LedgerCheckpoint, LedgerEntry
from gongzhi.ledger.note import parse_note
from gongzhi.ledger.publish import latest_checkpoint
from gongzhi.ledger.receipts import Receipt
from gongzhi.ledger.storage import TileHashReader, database_reader


@dataclass(frozen=True)
class Standing:
    """The log today still holds the receipt's entry; ``size`` is its newest checkpoint's tree size."""

    index: int
    size: int


def check_standing(session: Session, receipt: Receipt) -> Standing:
    """Check the receipt's entry and checkpoint against the stored log; StoredLogError names what is wrong."""
    index = receipt.index
    signed = _receipt_checkpoint(receipt)
    stored = session.scalar(select(LedgerEntry.data).where(LedgerEntry.leaf_index == index))
    if stored is None:
        raise StoredLogError(f"the log no longer holds an entry at index {index}: entry {index} was deleted")
    if stored != receipt.entry:
        raise StoredLogError(
            f"entry {index} in the log today differs from the receipt's: it was altered, or entries were "
            "reordered, inserted or deleted before it"
        )
    size, _ = read_state(session)
    if size < signed.size:
        raise StoredLogError(f"the log holds {size} entries, fewer than the {signed.size} of the receipt's checkpoint")
    reader = database_reader(session)
    try:
        if reader.read_nodes([Node(0, index)])[0] != leaf_hash(stored):
            raise StoredLogError(f"the stored leaf hash of entry {index} is not the hash of the entry: it was altered")
        verify_inclusion(
            leaf_hash(stored), index, signed.size, inclusion_proof(reader, index, signed.size), signed.root_hash
        )
    except StoredLogError:
        raise
    except (LookupError, LedgerError) as exc:
        raise StoredLogError(
            f"the log's stored hashes no longer lead entry {index} to the root its checkpoint signed: "
            f"node hashes on its path were altered ({exc})"
        ) from exc
    if tree_root(reader, signed.size) != signed.root_hash:
        raise StoredLogError(
            f"the stored tree of size {signed.size} no longer gives the root its checkpoint signed over entry {index}: "
            "node hashes of the tree were altered"
        )
    latest = latest_checkpoint(session)
    _check_extends(reader, signed, latest, index)
    return Standing(index, latest.size if latest else signed.size)


def _receipt_checkpoint(receipt: Receipt) -> Checkpoint:
    try:
        return parse_checkpoint(parse_note(receipt.checkpoint).text)
    except LedgerError as exc:
        raise StoredLogError(f"the receipt's checkpoint cannot be read: {exc.message}") from exc


def _check_extends(reader: TileHashReader, signed: Checkpoint, latest: LedgerCheckpoint | None, index: int) -> None:
    if latest is None or latest.size < signed.size:
        raise StoredLogError(
            f"the log's newest checkpoint does not reach the receipt's tree size {signed.size}, which holds "
            f"entry {index}: the log was rolled back"
        )
    try:
        proof = consistency_proof(reader, signed.size, latest.size)
        verify_consistency(signed.size, latest.size, proof, signed.root_hash, latest.root)
    except (LookupError, LedgerError) as exc:
        raise StoredLogError(
            f"the log's newest checkpoint (size {latest.size}) does not extend the receipt's (size {signed.size}) "
            f"that holds entry {index}: its history was rewritten ({exc})"
        ) from exc
