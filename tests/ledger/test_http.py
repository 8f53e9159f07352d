"""The ledger over HTTP, read the way a standard tlog-tiles client reads it; receipts; export-tiles."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from fastapi.testclient import TestClient

from gongzhi import worker
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.ledger.checkpoint import open_checkpoint
from gongzhi.ledger.export import export_tiles
from gongzhi.ledger.merkle import leaf_hash, root_from_leaf_hashes, tree_root
from gongzhi.ledger.note import Ed25519Verifier
from gongzhi.ledger.storage import TileHashReader
from gongzhi.ledger.tiles import (
    ENTRIES,
    TILE_WIDTH,
    Tile,
    changed_bundles,
    changed_tiles,
    parse_entry_bundle,
    split_tile,
)
from gongzhi.ledger.verify import verify_receipt
from tests.conftest import Clock
from tests.factories import World, submission
from tests.ledger.conftest import ORIGIN, VKEY
from tests.ledger.test_log import append, records


class HttpTiles:
    """A TileSource fetching /ledger/tile/… like any c2sp.org/tlog-tiles client would."""

    def __init__(self, client: TestClient, size: int) -> None:
        self.client, self.size = client, size

    def read_tiles(self, keys: Sequence[tuple[int, int]]) -> dict[tuple[int, int], bytes]:
        found = {}
        for level, index in keys:
            width = min(TILE_WIDTH, (self.size >> (8 * level)) - index * TILE_WIDTH)
            response = self.client.get(f"/ledger/{Tile(level, index, width).path}")
            if response.status_code == 200:
                found[(level, index)] = response.content
        return found


def grown_log(client: TestClient, db: Database, settings: Settings, clock: Clock) -> list[str]:
    """Two cases through the API, 600 other entries, integrated and signed: returns the cases' codes."""
    codes = [client.post("/api/v1/cases", json=submission()).json()["tracking_code"] for _ in range(2)]
    append(db, records(600))
    worker.run_ledger(db, settings, now=clock.now)
    return codes


def test_a_client_rebuilds_the_signed_root_from_checkpoint_and_tiles(
    client: TestClient, db: Database, settings: Settings, world: World, clock: Clock
) -> None:
    grown_log(client, db, settings, clock)
    key = client.get("/ledger/key")
    assert key.status_code == 200 and key.text == VKEY + "\n"
    response = client.get("/ledger/checkpoint")
    assert response.headers["content-type"].startswith("text/plain")
    checkpoint = open_checkpoint(response.text, [Ed25519Verifier.from_vkey(VKEY)], origin=ORIGIN).checkpoint
    size = checkpoint.size
    assert size == 604  # two submissions and their dispatches, then 600 records
    assert tree_root(TileHashReader(HttpTiles(client, size)), size) == checkpoint.root_hash
    entries = []
    for bundle in changed_bundles(0, size):
        entries += parse_entry_bundle(client.get(f"/ledger/{bundle.path}").content, count=bundle.width)
    assert root_from_leaf_hashes(leaf_hash(entry) for entry in entries) == checkpoint.root_hash
    tile = client.get("/ledger/tile/0/000").content
    assert split_tile(tile, Tile(0, 0)) == [leaf_hash(entry) for entry in entries[:TILE_WIDTH]]
    assert json.loads(entries[0])["type"] == "case.submitted"


def test_full_tiles_are_immutable_partial_ones_and_the_checkpoint_short_lived(
    client: TestClient, db: Database, settings: Settings, world: World, clock: Clock
) -> None:
    grown_log(client, db, settings, clock)
    cache = {
        path: client.get(f"/ledger/{path}").headers["cache-control"]
        for path in (
            "tile/0/000",
            "tile/0/002.p/92",
            "tile/1/000.p/2",
            "tile/entries/001",
            "tile/entries/002.p/92",
            "checkpoint",
        )
    }
    assert cache["tile/0/000"] == cache["tile/entries/001"] == "public, max-age=31536000, immutable"
    assert {cache["tile/0/002.p/92"], cache["tile/1/000.p/2"], cache["tile/entries/002.p/92"]} == {"public, max-age=5"}
    assert cache["checkpoint"] == "public, max-age=5"
    assert client.get("/ledger/tile/0/002.p/5").content == client.get("/ledger/tile/0/002.p/92").content[: 5 * 32]


def test_tiles_that_do_not_exist_are_404(
    client: TestClient, db: Database, settings: Settings, world: World, clock: Clock
) -> None:
    assert client.get("/ledger/checkpoint").status_code == 404
    grown_log(client, db, settings, clock)
    for path in (
        "tile/0/002",
        "tile/0/002.p/93",
        "tile/0/003.p/1",
        "tile/entries/002",
        "tile/2/000.p/1",
        "tile/0/2",
        "tile/0/002.p/0",
        "tile/0/002.p/256",
        "tile/x/000",
        "tile/0/x000/002",
    ):
        response = client.get(f"/ledger/{path}")
        assert response.status_code == 404, path
        assert response.json()["error"]


def test_the_citizen_downloads_a_receipt_that_verifies_offline(
    client: TestClient, db: Database, settings: Settings, world: World, clock: Clock
) -> None:
    created = client.post("/api/v1/cases", json=submission()).json()
    code, secret = created["tracking_code"], created["secret"]
    path = f"/api/v1/cases/{code}/receipt"
    assert client.get(path, headers={"X-Tracking-Secret": secret}).status_code == 409  # not yet in a checkpoint
    worker.run_ledger(db, settings, now=clock.now)
    assert client.get(path).status_code == 401
    assert client.get(path, headers={"X-Tracking-Secret": "wrong"}).status_code == 403
    response = client.get(path, headers={"X-Tracking-Secret": secret})
    assert response.status_code == 200
    assert response.headers["content-disposition"] == f'attachment; filename="receipt-{code}.json"'
    result = verify_receipt(response.content, log_key=VKEY)
    assert result.opened and result.entry["case"] == code and result.entry["type"] == "case.submitted"
    assert json.loads(response.content)["committed"]["content"] == submission()["content"]


def test_export_tiles_writes_what_http_serves(
    client: TestClient, db: Database, settings: Settings, world: World, clock: Clock, tmp_path: Path
) -> None:
    grown_log(client, db, settings, clock)
    tmp_path = tmp_path / "export"
    with db.reading() as session:
        report = export_tiles(session, tmp_path)
    assert (report.old_size, report.size) == (0, 604)
    files = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    expected = [t.path for t in changed_tiles(0, 604) + changed_bundles(0, 604)] + ["checkpoint"]
    assert files == sorted(expected)
    for name in files:
        assert (tmp_path / name).read_bytes() == client.get(f"/ledger/{name}").content, name
    append(db, records(100, start=600))  # grow and export again: only what changed is written
    worker.run_ledger(db, settings, now=clock.now)
    with db.reading() as session:
        again = export_tiles(session, tmp_path)
    assert (again.old_size, again.size) == (604, 704)
    assert again.files == len(changed_tiles(604, 704) + changed_bundles(604, 704)) + 1
    assert (tmp_path / Tile(ENTRIES, 2, 192).path).read_bytes() == client.get("/ledger/tile/entries/002.p/192").content
    assert (tmp_path / "tile/entries/002.p/92").is_file()  # older partial files stay valid
