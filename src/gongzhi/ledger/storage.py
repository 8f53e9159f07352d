"""Where the tree's hashes live: tiles in the database or in a directory, read as a ``HashReader``.

Only the hashes of tile levels (Merkle levels 0, 8, 16 …) are stored, exactly the bytes that
c2sp.org/tlog-tiles serves. A node between those levels, say level 8L + k, is the root of 2**k
consecutive hashes inside one tile, so ``TileHashReader`` folds it on demand: at most 255 hashes
per tile level, about 0.2 ms (and cached per tile), which keeps proof generation well below its
2 ms budget while the sequencer writes about one row per 256 entries instead of two per entry.

``TileSource`` is the seam with two implementations: ``DatabaseTiles`` (the log itself) and
``DirectoryTiles`` (an export, or a mirror an auditor downloaded).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Protocol

from sqlalchemy import Select, and_, bindparam, or_, select
from sqlalchemy.orm import Session

from gongzhi.errors import NotFound
from gongzhi.ledger.merkle import HASH_SIZE, Node
from gongzhi.ledger.models import LedgerEntry, LedgerTile
from gongzhi.ledger.tiles import ENTRIES, TILE_HEIGHT, TILE_WIDTH, Tile, format_entry_bundle

TileKey = tuple[int, int]  # (tile level, tile index)


class TileSource(Protocol):
    """Anything that hands out stored hash tiles (full or as far as they go)."""

    def read_tiles(self, keys: Sequence[TileKey]) -> dict[TileKey, bytes]:
        """The bytes of each tile that exists; missing tiles are simply absent from the answer."""
        ...


class TileHashReader:
    """A ``merkle.HashReader`` over tiles: each asked node is read or folded from its tile."""

    def __init__(self, source: TileSource) -> None:
        self.source = source

    def read_nodes(self, nodes: Sequence[Node]) -> list[bytes]:
        """Hashes of complete subtrees, with one ``read_tiles`` call for the whole batch."""
        spans = [_span(node) for node in nodes]
        tiles = self.source.read_tiles(list(dict.fromkeys(key for key, _, _ in spans)))
        return [
            _subtree_root(node, tiles.get(key), first, count)
            for node, (key, first, count) in zip(nodes, spans, strict=True)
        ]


class DatabaseTiles:
    """Tiles from the ``ledger_tile`` table."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def read_tiles(self, keys: Sequence[TileKey]) -> dict[TileKey, bytes]:
        if not keys:
            return {}
        values = {}
        for position, (level, index) in enumerate(keys):
            values[f"l{position}"], values[f"i{position}"] = level, index
        rows = self.session.execute(_tiles_query(len(keys)), values)
        return {(level, index): data for level, index, data in rows}


@lru_cache(maxsize=64)
def _tiles_query(count: int) -> Select[tuple[int, int, bytes]]:
    """The query for ``count`` tiles, built once per count with bound parameters ``l0, i0, l1, i1 …``.

    An OR of (level, index) pairs rather than a row-value IN, which SQLite answers with a table scan.
    Built once and reused because building the expression took longer than PostgreSQL takes to
    answer it: about half of a proof's time.
    """
    table = LedgerTile.__table__
    wanted = or_(*(and_(table.c.level == bindparam(f"l{n}"), table.c.idx == bindparam(f"i{n}")) for n in range(count)))
    return select(table.c.level, table.c.idx, table.c.data).where(wanted)


class DirectoryTiles:
    """Tiles from files laid out as c2sp.org/tlog-tiles, for a tree of ``size`` leaves."""

    def __init__(self, root: Path, size: int) -> None:
        self.root = root
        self.size = size

    def read_tiles(self, keys: Sequence[TileKey]) -> dict[TileKey, bytes]:
        found = {}
        for level, index in keys:
            width = min(TILE_WIDTH, (self.size >> (TILE_HEIGHT * level)) - index * TILE_WIDTH)
            if width > 0:
                path = self.root / Tile(level, index, width).path
                if path.is_file():
                    found[(level, index)] = path.read_bytes()
        return found


def database_reader(session: Session) -> TileHashReader:
    """The log's own tree, as the Merkle core wants it."""
    return TileHashReader(DatabaseTiles(session))


def tile_bytes(session: Session, tile: Tile) -> bytes:
    """What ``tile/<L>/<N>[.p/<W>]`` serves: the first W hashes of the stored tile, once they exist."""
    data = DatabaseTiles(session).read_tiles([(tile.level, tile.index)]).get((tile.level, tile.index), b"")
    if len(data) < tile.width * HASH_SIZE:
        raise NotFound(f"{tile.path} does not exist yet: the tree does not reach that far")
    return data[: tile.width * HASH_SIZE]


def bundle_bytes(session: Session, tile: Tile) -> bytes:
    """What ``tile/entries/<N>[.p/<W>]`` serves: the W entries from leaf 256·N on, length-prefixed."""
    first = tile.index * TILE_WIDTH
    entries = list(
        session.scalars(
            select(LedgerEntry.data)
            .where(LedgerEntry.leaf_index >= first, LedgerEntry.leaf_index < first + tile.width)
            .order_by(LedgerEntry.leaf_index)
        )
    )
    if len(entries) < tile.width:
        raise NotFound(f"{tile.path} does not exist yet: the tree does not reach that far")
    return format_entry_bundle(entries)


def served_bytes(session: Session, tile: Tile) -> bytes:
    """A hash tile or an entry bundle, whichever the path names."""
    return bundle_bytes(session, tile) if tile.level == ENTRIES else tile_bytes(session, tile)


def _span(node: Node) -> tuple[TileKey, int, int]:
    """Which tile holds the hashes under ``node``, and which of them: (tile, first, how many)."""
    level, height = divmod(node.level, TILE_HEIGHT)
    first = node.index << height
    return (level, first // TILE_WIDTH), first % TILE_WIDTH, 1 << height


def _subtree_root(node: Node, tile: bytes | None, first: int, count: int) -> bytes:
    """The root of ``count`` (a power of two) consecutive hashes of ``tile`` starting at ``first``."""
    height = count.bit_length() - 1
    levels = _tile_levels(tile or b"")
    if len(levels[height]) <= first >> height:
        raise LookupError(f"no stored hash for {node}: its tile is missing or too short")
    return levels[height][first >> height]


@lru_cache(maxsize=256)
def _tile_levels(tile: bytes) -> tuple[tuple[bytes, ...], ...]:
    """Every complete subtree inside a tile, level by level: its hashes, then pairs of them, … up to 128.

    Computing all of them costs no more than the ~255 hashes one proof folds from a full tile
    anyway, and caching by the tile's bytes (never by its address, so two databases in one process
    cannot mix) makes every later proof through the same tile, e.g. the few upper-level tiles, free.
    The hashing is inlined rather than calling ``merkle.node_hash``: it is this module's hot loop.
    """
    level = tuple(tile[offset : offset + HASH_SIZE] for offset in range(0, len(tile), HASH_SIZE))
    levels = [level]
    sha256 = hashlib.sha256
    for _ in range(TILE_HEIGHT - 1):
        level = tuple(sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level) - 1, 2))
        levels.append(level)
    return tuple(levels)
