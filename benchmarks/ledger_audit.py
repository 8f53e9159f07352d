"""Ledger audit benchmark: how long an outside party takes to rebuild and check a 1,000,000-entry log.

Builds the log with the production code (``benchmarks/ledger.py``'s entries, appended and
integrated in SQLite, a checkpoint signed, ``export-tiles`` to a directory), then times
``gongzhi.ledger.audit.audit`` (checkpoint signature, every entry bundle hashed against its level-0
tile, every higher tile, the root, and consistency with an earlier checkpoint from the state):

- from the static tile directory (what a mirror or an object store holds);
- over HTTP, from that directory served by a threaded HTTP/1.1 server (its own process) on localhost.

In the same run: inclusion-proof generation and offline receipt verification latency (the
functions of ``benchmarks/ledger.py``), the server-side "still in the log today" check of a
receipt, and hashlib.sha256 on 65-byte inputs, the limit (an audit hashes each entry about twice).

    python benchmarks/ledger_audit.py [--n 1000000] [--tiles DIR] [--threads 16]

``--tiles DIR`` keeps the built log (database and tiles) in DIR and reuses it on the next run.
Goal (issue 4): audit of 1,000,000 entries <= 10 s.
"""

from __future__ import annotations

import argparse
import functools
import multiprocessing
import random
import socket
import statistics
import sys
import tempfile
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from sqlalchemy import select

from gongzhi.db import Database, utcnow
from gongzhi.ledger import log, publish
from gongzhi.ledger.audit import DEFAULT_THREADS, audit
from gongzhi.ledger.audit_state import AuditState, SeenCheckpoint
from gongzhi.ledger.export import export_tiles
from gongzhi.ledger.fetch import DirectoryFetcher, Fetcher, HttpFetcher
from gongzhi.ledger.models import LedgerCheckpoint, LedgerEntry
from gongzhi.ledger.note import Ed25519Signer, generate_key
from gongzhi.ledger.receipts import build_receipt, parse_receipt
from gongzhi.ledger.standing import check_standing
from gongzhi.migrate import upgrade

sys.path.insert(0, str(Path(__file__).parent))
import ledger as ledger_bench  # noqa: E402 - the sibling benchmark: entries, appending, latencies

SEED = bytes(range(32))  # a fixed key, so that a kept --tiles directory stays verifiable across runs
ORIGIN = "bench.gongzhi.example/ledger"


def build(directory: Path, n: int) -> tuple[Database, str]:
    """The log of n entries in directory/ledger.db with its tiles in directory/tiles (reused when present)."""
    skey, vkey = generate_key(ORIGIN, seed=SEED)
    url = f"sqlite:///{directory / 'ledger.db'}"
    fresh = not (directory / "ledger.db").exists()
    upgrade(url)
    db = Database(url)
    with db.reading() as session:
        size = log.read_state(session)[0]
    if fresh or size != n:
        if not fresh:
            raise SystemExit(f"{directory} holds a log of {size} entries, not {n}: use another --tiles directory")
        began = time.perf_counter()
        with db.transaction() as session:  # an earlier checkpoint, for the consistency check from the state
            log.append_many(session, [ledger_bench.entry(i) for i in range(n // 2)])
        log.sequence(db)
        with db.transaction() as session:
            publish.publish(session, signer=Ed25519Signer.from_skey(skey), now=utcnow())
        _append(db, n)
        log.sequence(db)
        with db.transaction() as session:
            publish.publish(session, signer=Ed25519Signer.from_skey(skey), now=utcnow())
        with db.reading() as session:
            export_tiles(session, directory / "tiles")
        print(f"built and exported a log of {n:,} entries in {time.perf_counter() - began:.1f} s")
    return db, vkey


def _append(db: Database, n: int) -> None:
    for start in range(n // 2, n, ledger_bench.CHUNK):
        with db.transaction() as session:
            log.append_many(session, [ledger_bench.entry(i) for i in range(start, min(n, start + ledger_bench.CHUNK))])


def timed_audit(fetcher: Fetcher, vkey: str, n: int, half_root: bytes, threads: int) -> float:
    """Seconds for a full audit by an auditor who saw the half-size checkpoint on an earlier run."""
    state = AuditState(vkey, checkpoints=[SeenCheckpoint(n // 2, half_root, "an earlier run")])
    began = time.perf_counter()
    report = audit(fetcher, vkey=vkey, now=utcnow(), state=state, threads=threads)
    spent = time.perf_counter() - began
    assert report.checkpoint.size == n and report.earlier == 1
    return spent


class _Quiet(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as any real web server or CDN offers

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        pass


def _serve_forever(directory: str, port: int) -> None:
    ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_Quiet, directory=directory)).serve_forever()


def serve(directory: Path) -> tuple[multiprocessing.Process, str]:
    """A static HTTP/1.1 server over the tile directory, in its own process (as a web server would be)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = multiprocessing.Process(target=_serve_forever, args=(str(directory), port), daemon=True)
    process.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.05)
    return process, f"http://127.0.0.1:{port}"


def standing_latencies(db: Database, n: int, samples: int) -> list[float]:
    """Milliseconds per server-side check that the log of today still holds a receipt's entry."""
    rng = random.Random(13)
    with db.reading() as session:
        rows = session.scalars(select(LedgerEntry).where(LedgerEntry.leaf_index.in_(rng.sample(range(n), samples))))
        receipts = [parse_receipt(build_receipt(session, row).to_json()) for row in rows]
        latencies = []
        for receipt in receipts:
            began = time.perf_counter()
            check_standing(session, receipt)
            latencies.append((time.perf_counter() - began) * 1000)
    return latencies


def run(directory: Path, n: int, threads: int) -> None:
    db, vkey = build(directory, n)
    with db.reading() as session:
        half = session.scalars(select(LedgerCheckpoint.root).where(LedgerCheckpoint.size == n // 2)).first()
    assert half is not None, "the half-size checkpoint is missing"
    hashes_per_s = ledger_bench.sha256_rate()
    local = timed_audit(DirectoryFetcher(directory / "tiles"), vkey, n, half, threads)
    server, url = serve(directory / "tiles")
    try:
        remote = timed_audit(HttpFetcher(url), vkey, n, half, threads)
    finally:
        server.terminate()
        server.join()
    proofs = sorted(ledger_bench.proof_latencies(db, n, 2000))
    checks = sorted(ledger_bench.verify_latencies(db, n, vkey, 500))
    standing = sorted(standing_latencies(db, n, 200))
    db.dispose()
    print(f"\nhashlib.sha256, 65-byte inputs: {hashes_per_s:,.0f} hashes/s")
    print(f"audit of {n:,} entries ({threads} fetch threads; signature, every entry and tile, root, consistency)")
    for name, seconds in (("from a tile directory", local), ("over HTTP (localhost)", remote)):
        rate = n / seconds
        print(
            f"  {name:<24} {seconds:6.2f} s   {rate:>10,.0f} entries/s   "
            f"{2 * rate / hashes_per_s:.0%} of the hashing limit (~2 hashes per entry)"
        )
    print(f"  inclusion proof        median {statistics.median(proofs):.3f} ms   p95 {_p95(proofs):.3f} ms")
    print(f"  receipt verify         median {statistics.median(checks):.3f} ms   p95 {_p95(checks):.3f} ms")
    print(f"  receipt still in log   median {statistics.median(standing):.3f} ms   p95 {_p95(standing):.3f} ms")


def _p95(values: list[float]) -> float:
    return values[min(len(values) - 1, int(len(values) * 0.95))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1_000_000, help="entries in the log")
    parser.add_argument("--tiles", type=Path, help="keep (and reuse) the built log in this directory")
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS, help="fetch threads of the auditor")
    args = parser.parse_args()
    if args.tiles:
        args.tiles.mkdir(parents=True, exist_ok=True)
        run(args.tiles, args.n, args.threads)
        return
    with tempfile.TemporaryDirectory() as directory:
        run(Path(directory), args.n, args.threads)


if __name__ == "__main__":
    main()
