"""Tiles and entry bundles: paths, and the Tessera and Skylight logs rebuilt byte for byte."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gongzhi.ledger.errors import TileError
from gongzhi.ledger.merkle import MemoryHashes, Node, leaf_hash, root_from_leaf_hashes, tree_root
from gongzhi.ledger.tiles import (
    ENTRIES,
    TILE_WIDTH,
    Tile,
    changed_bundles,
    changed_tiles,
    encode_index,
    format_entry_bundle,
    parse_entry_bundle,
    parse_tile_path,
    read_tile,
    split_tile,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tlog"
TESSERA = FIXTURES / "tessera-testdata-log"
MIRROR = (
    FIXTURES
    / "sunlight-skylight-testdata/witness/mirror/000de184301123b9278c086a7d9f68c9577e83872224c197058fd90784ea9706"
)
C2SP = json.loads((FIXTURES / "transcribed" / "c2sp-spec-examples.json").read_text())["tile_path_examples"]
GO = json.loads((FIXTURES / "transcribed" / "go-sumdb-note-and-tlog.json").read_text())["tlog"]["sumdb_tile_paths"]
TESSERA_ENTRIES = [
    word.encode()
    for word in "one two three four five six seven eit nain ten ileven twelf threeten fourten fivten".split()
]
RECORDS = [f"record {i}".encode() for i in range(300)]


# --- paths ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "text"),
    [
        (0, "000"),
        (1, "001"),
        (999, "999"),
        (1000, "x001/000"),
        (1234067, "x001/x234/067"),
        (123456789, "x123/x456/789"),
    ],
)
def test_encode_index(index: int, text: str) -> None:
    assert encode_index(index) == text


def test_c2sp_path_examples() -> None:
    assert encode_index(1234067) == C2SP["index_1234067"]
    assert Tile(0, 0).path == C2SP["full_level0_tile_0"]
    assert Tile(0, 1, 44).path == C2SP["partial_level0_tile_1_width_44"]
    assert Tile(ENTRIES, 0).path == C2SP["entries_bundle_0"]


def test_go_sumdb_indices_encode_the_same_way() -> None:
    """Go's sumdb paths add a height element, but N is written identically."""
    for case in GO["cases"]:
        if not case.get("invalid"):  # tile/<H>/<L>/<N>[.p/<W>]
            assert case["path"].split("/", 3)[3].split(".p/")[0] == encode_index(case["N"])


@pytest.mark.parametrize(
    "tile",
    [Tile(0, 0), Tile(0, 1, 44), Tile(63, 1234067, 255), Tile(ENTRIES, 3057500, 2), Tile(5, 123456078, 1)],
)
def test_paths_round_trip(tile: Tile) -> None:
    assert parse_tile_path(tile.path) == tile


@pytest.mark.parametrize(
    "path",
    [
        "tile/0/1",  # not 3 digits
        "tile/0/0001",
        "tile/00/000",  # leading zero in level
        "tile/64/000",  # level above 63
        "tile/-1/000",
        "tile/0/123/456",  # non-final element without x
        "tile/0/x123/x456",  # final element with x
        "tile/0/x000/001",  # not canonical: leading zero group
        "tile/0/000.p/0",  # empty tiles are never served
        "tile/0/000.p/256",  # a full tile has no .p suffix
        "tile/0/000.p/01",
        "tile/0/000.p/",
        "tile/3/5/x123/x456/078",  # Go sumdb layout with a height element
        "tile/data/000",
        "/tile/0/000",
        "tile/0/000/",
        "tile/entries/x001",
    ],
)
def test_invalid_paths(path: str) -> None:
    with pytest.raises(TileError):
        parse_tile_path(path)


def test_invalid_tiles() -> None:
    for level, index, width in [(64, 0, 1), (-2, 0, 1), (0, -1, 1), (0, 0, 0), (0, 0, 257)]:
        with pytest.raises(TileError):
            Tile(level, index, width)


# --- which tiles a tree has ------------------------------------------------------------------------


def test_c2sp_tree_of_70000() -> None:
    tiles = changed_tiles(0, 70000)
    level0 = [t for t in tiles if t.level == 0]
    assert [t.path for t in level0[:2]] == ["tile/0/000", "tile/0/001"]
    assert len([t for t in level0 if not t.is_partial]) == 273
    assert [t.path for t in tiles if t.is_partial or t.level > 0] == [
        "tile/0/273.p/112",
        "tile/1/000",
        "tile/1/001.p/17",
        "tile/2/000.p/1",
    ]


def test_c2sp_tree_of_256() -> None:
    assert [t.path for t in changed_tiles(0, 256)] == ["tile/0/000", "tile/1/000.p/1"]


def test_tiles_to_rewrite_when_the_tree_grows() -> None:
    assert changed_tiles(5, 5) == []
    assert [t.path for t in changed_tiles(100, 101)] == ["tile/0/000.p/101"]
    assert [t.path for t in changed_tiles(1023, 1025)] == ["tile/0/003", "tile/0/004.p/1", "tile/1/000.p/4"]
    assert [t.path for t in changed_bundles(1023, 1025)] == ["tile/entries/003", "tile/entries/004.p/1"]
    with pytest.raises(TileError):
        changed_tiles(10, 9)


# --- Tessera: tiles and bundles byte for byte ------------------------------------------------------


@pytest.mark.parametrize("size", range(1, 16))
def test_tessera_tiles_and_bundles_are_reproduced(size: int) -> None:
    entries = TESSERA_ENTRIES[:size]
    (tile,) = changed_tiles(0, size)
    (bundle,) = changed_bundles(0, size)
    assert read_tile(MemoryHashes.from_entries(entries), tile) == (TESSERA / tile.path).read_bytes()
    assert format_entry_bundle(entries) == (TESSERA / bundle.path).read_bytes()
    assert parse_entry_bundle((TESSERA / bundle.path).read_bytes(), count=size) == entries


# --- Skylight: a 300-entry tree served as tiles ----------------------------------------------------


def test_skylight_tiles_are_reproduced_and_give_the_root() -> None:
    tree = MemoryHashes.from_entries(RECORDS)
    tiles = changed_tiles(0, 300)
    assert [t.path for t in tiles] == ["tile/0/000", "tile/0/001.p/44", "tile/1/000.p/1"]
    for tile in tiles:
        assert read_tile(tree, tile) == (MIRROR / tile.path).read_bytes()
    leaves = [h for t in tiles[:2] for h in split_tile((MIRROR / t.path).read_bytes(), t)]
    assert leaves == [leaf_hash(r) for r in RECORDS]
    (level8,) = split_tile((MIRROR / tiles[2].path).read_bytes(), tiles[2])
    assert level8 == tree.read_nodes([Node(8, 0)])[0] == root_from_leaf_hashes(leaves[:TILE_WIDTH])
    assert root_from_leaf_hashes(leaves) == tree_root(tree, 300)


def test_split_tile_checks_the_size() -> None:
    data = (MIRROR / "tile/0/001.p/44").read_bytes()
    with pytest.raises(TileError, match="1408 bytes; a tile of width 45 is 1440"):
        split_tile(data, Tile(0, 1, 45))
    with pytest.raises(TileError):
        split_tile(data, Tile(ENTRIES, 1, 44))
    with pytest.raises(TileError):
        Tile(ENTRIES, 0).nodes()


# --- entry bundles -----------------------------------------------------------------------------------


def test_entry_bundle_round_trip_with_empty_and_largest_entries() -> None:
    entries = [b"", b"x", bytes(65535)]
    data = format_entry_bundle(entries)
    assert data[:2] == b"\x00\x00" and data[2:5] == b"\x00\x01x"
    assert parse_entry_bundle(data) == entries
    assert parse_entry_bundle(b"") == []


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"\x00", "inside the length prefix"),
        (b"\x00\x03on", "claims 3 bytes but only 2 remain"),
        (b"\x00\x03one\x00", "inside the length prefix of entry 1"),
    ],
)
def test_malformed_entry_bundles(data: bytes, why: str) -> None:
    with pytest.raises(TileError, match=why):
        parse_entry_bundle(data)


def test_entry_bundle_count_and_size_limits() -> None:
    with pytest.raises(TileError, match="holds 1 entries, expected 2"):
        parse_entry_bundle(b"\x00\x03one", count=2)
    with pytest.raises(TileError, match="at most 65535"):
        format_entry_bundle([bytes(65536)])
