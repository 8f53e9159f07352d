"""Witness benchmark: how long add-checkpoint takes, in the domain function and over real HTTP.

A log of N entries is built in memory and N/step checkpoints are signed beforehand (not timed).
Then a fresh witness (SQLite state in a temporary directory, synchronous=FULL, so every accepted
checkpoint is on disk before the answer) receives them in order, each with its consistency proof:
first by calling ``Witness.add_checkpoint`` directly, then through ``gongzhi witness``'s ASGI app
served by uvicorn on a local port, one request at a time (urllib, a new connection per request,
as the log's worker does).

    python benchmarks/witness.py [--n 200000] [--step 200]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from gongzhi.ledger.checkpoint import Checkpoint, CosignatureSigner, sign_checkpoint
from gongzhi.ledger.merkle import MemoryHashes, consistency_proof, tree_root
from gongzhi.ledger.note import Ed25519Signer, generate_key
from gongzhi.ledger.witness import Witness, WitnessStore, format_add_checkpoint, known_logs
from gongzhi.ledger.witness_client import http_post
from gongzhi.ledger.witness_http import create_witness_app, serve_in_background

ORIGIN = "bench.gongzhi.example/ledger"


def requests(n: int, step: int) -> list[bytes]:
    """Add-checkpoint bodies for sizes step, 2·step, … n, each proving consistency with the previous one."""
    skey, _ = generate_key(ORIGIN, seed=bytes(32))
    log = Ed25519Signer.from_skey(skey)
    tree = MemoryHashes.from_entries(b"entry %d" % i for i in range(n))
    bodies, old = [], 0
    for size in range(step, n + 1, step):
        note = sign_checkpoint(Checkpoint(ORIGIN, size, tree_root(tree, size)), [log])
        bodies.append(format_add_checkpoint(old, consistency_proof(tree, old, size), note))
        old = size
    return bodies


def witness(state: Path) -> Witness:
    _, vkey = generate_key(ORIGIN, seed=bytes(32))
    return Witness(
        CosignatureSigner("bench.witness.example", bytes([7] * 32), 0), known_logs([vkey]), WitnessStore(state)
    )


def timed(bodies: list[bytes], submit: Callable[[bytes], None]) -> list[float]:
    times = []
    for request in bodies:
        start = time.perf_counter()
        submit(request)
        times.append(time.perf_counter() - start)
    return times


def report(label: str, times: list[float]) -> None:
    ordered = sorted(times)
    p95 = ordered[int(0.95 * (len(ordered) - 1))]
    print(
        f"{label:<28} {len(times):>6} checkpoints  median {statistics.median(times) * 1000:6.2f} ms  "
        f"p95 {p95 * 1000:6.2f} ms  {len(times) / sum(times):7.0f} checkpoints/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="entries in the log")
    parser.add_argument("--step", type=int, default=200, help="entries between checkpoints")
    args = parser.parse_args()
    bodies = requests(args.n, args.step)
    with tempfile.TemporaryDirectory() as tmp:
        direct = witness(Path(tmp) / "direct.db")

        def call(request: bytes) -> None:
            direct.add_checkpoint(request, now=int(time.time()))

        report("domain (Witness.add_checkpoint)", timed(bodies, call))
        server = serve_in_background(create_witness_app(witness(Path(tmp) / "http.db")))
        try:

            def post(request: bytes) -> None:
                answer = http_post(server.url + "/add-checkpoint", request, 10)
                assert answer.status == 200, answer.body

            report("HTTP (POST /add-checkpoint)", timed(bodies, post))
        finally:
            server.stop()


if __name__ == "__main__":
    main()
