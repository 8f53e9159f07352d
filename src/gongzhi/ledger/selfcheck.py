"""Check the stored log against itself: entries, tiles, state and every checkpoint ever signed.

This is what the crash tests run after each injected failure, and what an operator can run on a
database: it recomputes the tree from the entries, level by level, in one streaming pass (memory
does not grow with the log), and raises ``StoredLogError`` naming the first thing that is wrong:
a missing or duplicated index, an entry whose bytes no longer match its leaf hash, a tile that
does not fold into the tile above it, a root or checkpoint that does not belong to the tree.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gongzhi.ledger.checkpoint import open_checkpoint, parse_checkpoint
from gongzhi.ledger.errors import LedgerError, StoredLogError
from gongzhi.ledger.log import read_state
from gongzhi.ledger.merkle import HASH_SIZE, leaf_hash, node_hash, tree_root
from gongzhi.ledger.models import LedgerCheckpoint, LedgerEntry, LedgerTile
from gongzhi.ledger.note import Verifier, parse_note
from gongzhi.ledger.storage import DatabaseTiles, database_reader
from gongzhi.ledger.tiles import TILE_HEIGHT, TILE_WIDTH, changed_tiles


@dataclass(frozen=True)
class LogCheck:
    """A stored log that checked out: its size, root, and how many checkpoints were confirmed."""

    size: int
    root: bytes
    checkpoints: int


def check_stored_log(session: Session, *, verifiers: Sequence[Verifier] = ()) -> LogCheck:
    """Verify the whole stored log; ``verifiers`` (the log's key) also checks each checkpoint's signature."""
    size, root = read_state(session)
    _check_tile_shapes(session, size)
    _check_level_zero(session, size)
    level = 1
    while size >> (TILE_HEIGHT * level):
        _check_level(session, level, size)
        level += 1
    if tree_root(database_reader(session), size) != root:
        raise StoredLogError(f"ledger_state records a root for size {size} that the stored tiles do not give")
    count = _check_checkpoints(session, size, verifiers)
    return LogCheck(size, root, count)


def _check_tile_shapes(session: Session, size: int) -> None:
    """Exactly the tiles a tree of ``size`` has, each exactly as wide as it should be."""
    expected = {(tile.level, tile.index): tile.width * HASH_SIZE for tile in changed_tiles(0, size)}
    rows = session.execute(select(LedgerTile.level, LedgerTile.index, func.length(LedgerTile.data)))
    stored = {(level, index): length for level, index, length in rows}
    for key in sorted(expected.keys() | stored.keys()):
        if expected.get(key) != stored.get(key):
            raise StoredLogError(
                f"tile {key[0]}/{key[1]} holds {stored.get(key, 0) // HASH_SIZE} hashes; a tree of size {size} "
                f"needs {expected.get(key, 0) // HASH_SIZE} there: a tile was removed, added or cut"
            )


def _check_level_zero(session: Session, size: int) -> None:
    """Every index 0 … size - 1 present once, and each entry's leaf hash where its tile says."""
    beyond = session.scalar(select(func.count()).where(LedgerEntry.leaf_index >= size))
    if beyond:
        raise StoredLogError(f"{beyond} entries have an index at or beyond the tree size {size}")
    tiles = DatabaseTiles(session)
    for tile_index, chunk in _entry_chunks(session, size):
        stored = tiles.read_tiles([(0, tile_index)]).get((0, tile_index), b"")
        for offset, data in enumerate(chunk):
            position = offset * HASH_SIZE
            if stored[position : position + HASH_SIZE] != leaf_hash(data):
                raise StoredLogError(
                    f"entry {tile_index * TILE_WIDTH + offset} does not match its leaf hash in tile 0/{tile_index}: "
                    "the entry (or the tile) was altered after it was integrated"
                )


def _entry_chunks(session: Session, size: int) -> Iterator[tuple[int, list[bytes]]]:
    """The entries in index order, 256 at a time, after checking no index is missing or repeated."""
    query = (
        select(LedgerEntry.leaf_index, LedgerEntry.data)
        .where(LedgerEntry.leaf_index.is_not(None))
        .order_by(LedgerEntry.leaf_index)
        .execution_options(yield_per=4096)
    )
    chunk: list[bytes] = []
    expected = 0
    for index, data in session.execute(query):
        if index != expected:
            raise StoredLogError(f"entry index {expected} is missing from the log (next stored index is {index})")
        chunk.append(data)
        expected += 1
        if len(chunk) == TILE_WIDTH:
            yield expected // TILE_WIDTH - 1, chunk
            chunk = []
    if expected != size:
        raise StoredLogError(f"the log holds entries 0 to {expected - 1}, but ledger_state says {size}")
    if chunk:
        yield expected // TILE_WIDTH, chunk


def _check_level(session: Session, level: int, size: int) -> None:
    """Each hash of a level-``level`` tile is the root of the full tile below it."""
    tiles = DatabaseTiles(session)
    for below in range(size >> (TILE_HEIGHT * level)):
        child = tiles.read_tiles([(level - 1, below)])[(level - 1, below)]
        parent_key = (level, below // TILE_WIDTH)
        parent = tiles.read_tiles([parent_key])[parent_key]
        offset = (below % TILE_WIDTH) * HASH_SIZE
        if parent[offset : offset + HASH_SIZE] != _fold(child):
            raise StoredLogError(
                f"tile {level}/{parent_key[1]} hash {below % TILE_WIDTH} is not the root of tile {level - 1}/{below}: "
                "a stored hash was altered"
            )


def _check_checkpoints(session: Session, size: int, verifiers: Sequence[Verifier]) -> int:
    """Each signed checkpoint fits the tree: its size within it, its root the tree's root at that size."""
    reader = database_reader(session)
    count = 0
    for row in session.scalars(select(LedgerCheckpoint).order_by(LedgerCheckpoint.id)):
        try:
            text = open_checkpoint(row.note, verifiers).note.text if verifiers else parse_note(row.note).text
            signed = parse_checkpoint(text)
        except LedgerError as exc:
            raise StoredLogError(f"checkpoint {row.id} (size {row.size}) does not verify: {exc}") from exc
        if (signed.size, signed.root_hash) != (row.size, row.root):
            raise StoredLogError(f"checkpoint {row.id}: its signed text does not say size {row.size} and its root")
        if row.size > size or tree_root(reader, row.size) != row.root:
            raise StoredLogError(
                f"checkpoint {row.id} (size {row.size}) was signed for a tree the stored log no longer has: "
                "the log's history was rewritten"
            )
        count += 1
    return count


def _fold(tile: bytes) -> bytes:
    hashes = [tile[i : i + HASH_SIZE] for i in range(0, len(tile), HASH_SIZE)]
    while len(hashes) > 1:
        hashes = [node_hash(hashes[i], hashes[i + 1]) for i in range(0, len(hashes), 2)]
    return hashes[0]
