"""Helpers of the audit and tamper tests: the log read through the app, a log of known size, raw tampering."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi.testclient import TestClient
from sqlalchemy import text

from gongzhi import worker
from gongzhi.config import Settings
from gongzhi.db import Database
from tests.conftest import Clock
from tests.ledger.test_log import append, records

SIZE = 604  # two full tiles, a partial one, and a level-1 tile of width 2


class ClientFetcher:
    """The app's /ledger/… routes, through the test client: an outside party's view without a socket."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.requests = 0

    def fetch(self, path: str) -> bytes | None:
        self.requests += 1
        response = self.client.get(f"/ledger/{path}")
        if response.status_code == 404:
            return None
        assert response.status_code == 200, (path, response.status_code, response.text)
        return response.content


def signed_log(db: Database, settings: Settings, clock: Clock, count: int = SIZE, start: int = 0) -> None:
    """Append ``count`` test records, integrate them and sign a checkpoint."""
    append(db, records(count, start))
    worker.run_ledger(db, settings, now=clock.now)


def execute(db: Database, sql: str, **values: object) -> None:
    """Tamper with the database behind the application's back, as an operator with SQL access could."""
    with db.transaction() as session:
        session.execute(text(sql), values)


def flip_hash_byte(db: Database, level: int, index: int, position: int) -> None:
    """Alter one stored node hash: byte 0 of hash ``position`` in tile ``level``/``index``."""
    with db.transaction() as session:
        data = session.execute(
            text("SELECT data FROM ledger_tile WHERE level = :l AND idx = :i"), {"l": level, "i": index}
        ).scalar_one()
        altered = bytearray(data)
        altered[position * 32] ^= 0xFF
        session.execute(
            text("UPDATE ledger_tile SET data = :d WHERE level = :l AND idx = :i"),
            {"d": bytes(altered), "l": level, "i": index},
        )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def served(app: object) -> Iterator[str]:
    """Run the app on a real socket (uvicorn, in a thread); yields the ledger's base URL."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))  # type: ignore[arg-type]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start within 10 s")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}/ledger"
    finally:
        server.should_exit = True
        thread.join(10)
