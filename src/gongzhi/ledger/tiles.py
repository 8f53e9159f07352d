"""Tiles (c2sp.org/tlog-tiles): the tree and its entries as immutable static files.

A tile at level L, index N holds up to 256 consecutive Merkle hashes of subtrees with 256**L
leaves each, i.e. the stored nodes (8L, 256N) … (8L, 256N + 255); it is served at
``tile/<L>/<N>``, or ``tile/<L>/<N>.p/<W>`` while only W < 256 of them exist. Entry bundles hold
the entries behind a level-0 tile, each prefixed with its big-endian uint16 length, at
``tile/entries/<N>[.p/<W>]``. N is written in 3-digit groups, all but the last prefixed with
``x`` (1234067 → ``x001/x234/067``) so that no directory grows beyond 1000 names.

Everything here is a pure function: tile storage (database or directory) lives elsewhere.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from gongzhi.ledger.errors import TileError
from gongzhi.ledger.merkle import HASH_SIZE, HashReader, Node

TILE_HEIGHT = 8  # levels of the Merkle tree per tile level
TILE_WIDTH = 1 << TILE_HEIGHT  # hashes in a full tile
ENTRIES = -1  # the ``level`` of an entry bundle, which sits below level-0 hash tiles
MAX_LEVEL = 63
MAX_ENTRY_SIZE = 0xFFFF  # the length prefix is a uint16

_PATH = re.compile(r"tile/(entries|0|[1-9][0-9]?)/((?:x[0-9]{3}/)*[0-9]{3})(?:\.p/([1-9][0-9]{0,2}))?")


@dataclass(frozen=True)
class Tile:
    """One tile (``level`` 0-63) or entry bundle (``level == ENTRIES``), full or partial."""

    level: int
    index: int
    width: int = TILE_WIDTH

    def __post_init__(self) -> None:
        if not (self.level == ENTRIES or 0 <= self.level <= MAX_LEVEL):
            raise TileError(f"tile level {self.level} is outside 0 to {MAX_LEVEL}")
        if self.index < 0:
            raise TileError(f"tile index {self.index} is negative")
        if not 1 <= self.width <= TILE_WIDTH:
            raise TileError(f"tile width {self.width} is outside 1 to {TILE_WIDTH}")

    @property
    def is_partial(self) -> bool:
        return self.width < TILE_WIDTH

    @property
    def path(self) -> str:
        """Where the tile is served, below the log's URL prefix."""
        level = "entries" if self.level == ENTRIES else str(self.level)
        suffix = f".p/{self.width}" if self.is_partial else ""
        return f"tile/{level}/{encode_index(self.index)}{suffix}"

    def nodes(self) -> list[Node]:
        """The Merkle nodes whose hashes this tile holds, in order."""
        if self.level == ENTRIES:
            raise TileError("an entry bundle holds entries, not Merkle hashes")
        first = self.index * TILE_WIDTH
        return [Node(self.level * TILE_HEIGHT, first + i) for i in range(self.width)]


def encode_index(index: int) -> str:
    """Write a tile index as 3-digit path elements, all but the last prefixed with ``x``."""
    groups = [f"{index % 1000:03d}"]
    index //= 1000
    while index:
        groups.append(f"x{index % 1000:03d}")
        index //= 1000
    return "/".join(reversed(groups))


def parse_tile_path(path: str) -> Tile:
    """Read a tile or entry-bundle path; only the one canonical spelling of each tile is accepted."""
    found = _PATH.fullmatch(path)
    if not found:
        raise TileError(
            f"{path!r} is not a tile path: expected tile/<L>/<N>[.p/<W>] or tile/entries/<N>[.p/<W>], "
            "with N in 3-digit groups like x001/x234/067"
        )
    level_text, index_text, width_text = found.groups()
    level = ENTRIES if level_text == "entries" else int(level_text)
    tile = Tile(level, int(index_text.replace("x", "").replace("/", "")), int(width_text or TILE_WIDTH))
    if tile.path != path:
        raise TileError(f"{path!r} is not canonical; the same tile is {tile.path!r}")
    return tile


def changed_tiles(old_size: int, new_size: int) -> list[Tile]:
    """The hash tiles, all levels, that must be (re)written when the tree grows from old to new size.

    From size 0 this is every tile of the tree. Tiles are listed level by level, left to right.
    """
    if not 0 <= old_size <= new_size:
        raise TileError(f"tree cannot grow from size {old_size} to size {new_size}")
    tiles: list[Tile] = []
    level = 0
    while new_size >> (TILE_HEIGHT * level):
        tiles += _changed_at(level, old_size >> (TILE_HEIGHT * level), new_size >> (TILE_HEIGHT * level))
        level += 1
    return tiles


def changed_bundles(old_size: int, new_size: int) -> list[Tile]:
    """The entry bundles to (re)write when the tree grows: they follow the level-0 tiles."""
    if not 0 <= old_size <= new_size:
        raise TileError(f"tree cannot grow from size {old_size} to size {new_size}")
    return [Tile(ENTRIES, tile.index, tile.width) for tile in _changed_at(ENTRIES, old_size, new_size)]


def read_tile(reader: HashReader, tile: Tile) -> bytes:
    """The bytes of a hash tile, from the stored subtree hashes (one batched read)."""
    return b"".join(reader.read_nodes(tile.nodes()))


def split_tile(data: bytes, tile: Tile) -> list[bytes]:
    """The hashes in a tile's bytes, after checking the size matches the tile's width."""
    if tile.level == ENTRIES:
        raise TileError("split_tile reads hash tiles; use parse_entry_bundle for entry bundles")
    if len(data) != tile.width * HASH_SIZE:
        raise TileError(f"{tile.path} is {len(data)} bytes; a tile of width {tile.width} is {tile.width * HASH_SIZE}")
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def format_entry_bundle(entries: Sequence[bytes]) -> bytes:
    """Concatenate entries, each behind its big-endian uint16 length."""
    parts = []
    for position, entry in enumerate(entries):
        if len(entry) > MAX_ENTRY_SIZE:
            raise TileError(f"entry {position} is {len(entry)} bytes; entry bundles hold at most 65535")
        parts.append(len(entry).to_bytes(2, "big") + entry)
    return b"".join(parts)


def parse_entry_bundle(data: bytes, *, count: int | None = None) -> list[bytes]:
    """Split an entry bundle into its entries; ``count``, when given, is the width it must have."""
    entries: list[bytes] = []
    offset = 0
    while offset < len(data):
        if offset + 2 > len(data):
            raise TileError(f"entry bundle ends inside the length prefix of entry {len(entries)}")
        size = int.from_bytes(data[offset : offset + 2], "big")
        offset += 2
        if offset + size > len(data):
            raise TileError(
                f"entry {len(entries)} claims {size} bytes but only {len(data) - offset} remain in the bundle"
            )
        entries.append(data[offset : offset + size])
        offset += size
    if count is not None and len(entries) != count:
        raise TileError(f"entry bundle holds {len(entries)} entries, expected {count}")
    return entries


def _changed_at(level: int, old_count: int, new_count: int) -> list[Tile]:
    """Tiles of one level holding any of the hashes old_count … new_count - 1."""
    if new_count == old_count:
        return []
    first, last = old_count // TILE_WIDTH, (new_count - 1) // TILE_WIDTH
    return [Tile(level, n, min(TILE_WIDTH, new_count - n * TILE_WIDTH)) for n in range(first, last + 1)]
