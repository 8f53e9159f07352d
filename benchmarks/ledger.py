"""Ledger benchmark: append + integrate throughput, inclusion proofs and receipt checks, against raw SHA-256.

On a fresh database (SQLite in a temporary directory; PostgreSQL when a server is reachable at
GONGZHI_BENCH_PG_URL, default postgresql://postgres@127.0.0.1:5432/postgres, in which a scratch
database `gongzhi_ledger_bench` is created), appends N case-event-like entries (10,000 per
transaction), integrates them with the production sequencer, signs a checkpoint, then times
inclusion-proof generation and offline receipt verification for random entries. In the same run
it measures hashlib.sha256 on 65-byte inputs (a Merkle node: 0x01 ‖ left ‖ right), the limit of
any RFC 6962 log in this interpreter; integrating an entry costs about two such hashes.

    python benchmarks/ledger.py [--n 100000] [--backend sqlite|postgresql|all] [--batch 10000]

Goals (issue 4): integrate >= 20,000 entries/s; proof generation < 2 ms.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
from sqlalchemy import select

from gongzhi.db import Database, normalise_url, utcnow
from gongzhi.ledger import log, publish
from gongzhi.ledger.entries import encode_entry
from gongzhi.ledger.merkle import inclusion_proof
from gongzhi.ledger.models import LedgerEntry
from gongzhi.ledger.note import Ed25519Signer, generate_key
from gongzhi.ledger.receipts import build_receipt
from gongzhi.ledger.storage import database_reader
from gongzhi.ledger.verify import verify_receipt
from gongzhi.migrate import upgrade

PG_URL = os.environ.get("GONGZHI_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
SCRATCH = "gongzhi_ledger_bench"
CHUNK = 10_000
KINDS = ["dispatch", "accept", "reply", "close", "return", "reopen", "warning"]


@dataclass
class Figures:
    backend: str
    n: int
    append_s: float
    integrate_s: float
    proof_ms: list[float]
    verify_ms: list[float]


def entry(i: int) -> bytes:
    """An entry shaped like a case.event: about 250 bytes of canonical JSON."""
    fields = {
        "case": f"20260302-{i:06X}",
        "at": "2026-03-02T01:00:00Z",
        "kind": KINDS[i % len(KINDS)],
        "from": "dispatched",
        "to": "accepted",
        "actor": "handler",
        "department": f"dept-{i % 67:02d}",
        "data": {"by_rule": bool(i % 2), "resolution_due": "2026-03-11T09:00:00Z"},
        "commitment": hashlib.sha256(i.to_bytes(8, "big")).hexdigest(),
    }
    return encode_entry("case.event", 1, fields)


def append_all(db: Database, n: int) -> float:
    """Append n entries, CHUNK per transaction; returns the seconds spent in the database only."""
    spent = 0.0
    for start in range(0, n, CHUNK):
        chunk = [entry(i) for i in range(start, min(n, start + CHUNK))]
        began = time.perf_counter()
        with db.transaction() as session:
            log.append_many(session, chunk)
        spent += time.perf_counter() - began
    return spent


def proof_latencies(db: Database, size: int, samples: int) -> list[float]:
    """Milliseconds per inclusion proof of a random leaf (each one a fresh read of the tiles)."""
    rng = random.Random(7)
    latencies = []
    with db.reading() as session:
        reader = database_reader(session)
        for _ in range(samples):
            index = rng.randrange(size)
            began = time.perf_counter()
            inclusion_proof(reader, index, size)
            latencies.append((time.perf_counter() - began) * 1000)
    return latencies


def verify_latencies(db: Database, size: int, vkey: str, samples: int) -> list[float]:
    """Milliseconds per offline receipt verification (parse, signature, proof, entry)."""
    rng = random.Random(11)
    with db.reading() as session:
        indices = [rng.randrange(size) for _ in range(samples)]
        rows = session.scalars(select(LedgerEntry).where(LedgerEntry.leaf_index.in_(indices)))
        receipts = [build_receipt(session, row).to_json() for row in rows]
    latencies = []
    for text in receipts:
        began = time.perf_counter()
        verify_receipt(text, log_key=vkey)
        latencies.append((time.perf_counter() - began) * 1000)
    return latencies


def run(backend: str, url: str, n: int, batch: int) -> Figures:
    upgrade(url)
    db = Database(url)
    skey, vkey = generate_key("bench.gongzhi.example/ledger")
    append_s = append_all(db, n)
    began = time.perf_counter()
    integrated = log.sequence(db, batch=batch)
    integrate_s = time.perf_counter() - began
    assert integrated == n, (integrated, n)
    with db.transaction() as session:
        publish.publish(session, signer=Ed25519Signer.from_skey(skey), now=utcnow())
    figures = Figures(
        backend, n, append_s, integrate_s, proof_latencies(db, n, 2000), verify_latencies(db, n, vkey, 500)
    )
    db.dispose()
    return figures


def sha256_rate(seconds: float = 1.0) -> float:
    """hashlib.sha256 digests per second on 65-byte inputs."""
    data = b"\x01" + bytes(range(64))
    sha256 = hashlib.sha256
    count = 0
    began = time.perf_counter()
    while time.perf_counter() - began < seconds:
        for _ in range(10_000):
            sha256(data).digest()
        count += 10_000
    return count / (time.perf_counter() - began)


@contextmanager
def sqlite_url() -> Iterator[str]:
    with tempfile.TemporaryDirectory() as directory:
        yield f"sqlite:///{Path(directory) / 'ledger.db'}"


@contextmanager
def postgres_url() -> Iterator[str | None]:
    admin = normalise_url(PG_URL).replace("postgresql+psycopg://", "postgresql://")
    try:
        connection = psycopg.connect(admin, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        print(f"postgresql: not reachable at {PG_URL} ({exc}); skipped")
        yield None
        return
    with connection:
        connection.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {SCRATCH}")
        try:
            yield admin.rsplit("/", 1)[0] + "/" + SCRATCH
        finally:
            connection.execute(f"DROP DATABASE IF EXISTS {SCRATCH} WITH (FORCE)")


def report(figures: Figures, hashes_per_s: float) -> None:
    n = figures.n
    integrate_rate = n / figures.integrate_s
    both_rate = n / (figures.append_s + figures.integrate_s)
    proofs, checks = sorted(figures.proof_ms), sorted(figures.verify_ms)
    print(f"\n{figures.backend}: {n:,} entries")
    print(f"  append (10,000 per transaction) {n / figures.append_s:>12,.0f} entries/s   {figures.append_s:7.2f} s")
    print(f"  integrate (sequencer)           {integrate_rate:>12,.0f} entries/s   {figures.integrate_s:7.2f} s")
    print(f"  append + integrate              {both_rate:>12,.0f} entries/s")
    print(f"  inclusion proof   median {statistics.median(proofs):.3f} ms   p95 {_p95(proofs):.3f} ms")
    print(f"  receipt verify    median {statistics.median(checks):.3f} ms   p95 {_p95(checks):.3f} ms")
    print(
        f"  integrate vs hashing limit: {integrate_rate / hashes_per_s:.1%} of sha256/s, "
        f"{integrate_rate / (hashes_per_s / 2):.1%} of the ~2 hashes per entry bound"
    )


def _p95(values: list[float]) -> float:
    return values[min(len(values) - 1, int(len(values) * 0.95))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="entries to append and integrate")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "all"], default="all")
    parser.add_argument("--batch", type=int, default=log.DEFAULT_BATCH, help="entries per sequencer transaction")
    args = parser.parse_args()
    hashes_per_s = sha256_rate()
    print(f"hashlib.sha256, 65-byte inputs: {hashes_per_s:,.0f} hashes/s (the limit: ~2 per integrated entry)")
    if args.backend in ("sqlite", "all"):
        with sqlite_url() as url:
            report(run("sqlite", url, args.n, args.batch), hashes_per_s)
    if args.backend in ("postgresql", "all"):
        with postgres_url() as url:
            if url:
                report(run("postgresql", url, args.n, args.batch), hashes_per_s)


if __name__ == "__main__":
    main()
