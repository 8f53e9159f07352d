"""Intake benchmark: submissions through the HTTP API, then reads of the public case list.

Starts `gongzhi serve` on a fresh database seeded with the demo jurisdiction (no cases), sends N
submissions from C concurrent keep-alive connections, and prints submissions/s and p50/p95/p99
latency; then the same for GET /api/v1/public/cases. Runs on SQLite, and on PostgreSQL when a
server is reachable (GONGZHI_BENCH_PG_URL, default postgresql://postgres@127.0.0.1:5432/postgres,
in which a scratch database `gongzhi_bench` is created).

    python benchmarks/intake.py [--n 3000] [--concurrency 16] [--workers 2] [--backend sqlite|postgresql|all]

The load generator is a minimal asyncio HTTP/1.1 client so that the client's own CPU cost stays
small beside the server's on a 2-core machine.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
GONGZHI = str(Path(sys.executable).parent / "gongzhi")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare(url: str, env: dict[str, str]) -> None:
    subprocess.run(
        [GONGZHI, "demo", "--no-serve", "--cases", "0", "--db", url], check=True, env=env, stdout=subprocess.DEVNULL
    )


def start_server(url: str, port: int, workers: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    log = open(Path(tempfile.gettempdir()) / f"gongzhi-bench-{port}.log", "wb")  # noqa: SIM115 - lives with the server
    proc = subprocess.Popen(
        [GONGZHI, "serve", "--db", url, "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stopping it stops its worker processes too
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/categories?level=3", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            time.sleep(0.3)
    stop_server(proc)
    raise SystemExit(f"server did not start; see {log.name}")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def categories(port: int) -> list[str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/categories?level=3") as r:
        return [c["code"] for c in json.load(r)]


async def request(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes) -> int:
    writer.write(raw)
    await writer.drain()
    status_line = await reader.readline()
    length = 0
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    await reader.readexactly(length)
    return int(status_line.split()[1])


def post(path: str, body: dict[str, object]) -> bytes:
    data = json.dumps(body, ensure_ascii=False).encode()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(data)}\r\n\r\n"
    )
    return head.encode() + data


def get(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode()


async def load(port: int, payloads: list[bytes], concurrency: int) -> tuple[float, list[float], dict[int, int]]:
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for p in payloads:
        queue.put_nowait(p)
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    async def client() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        while not queue.empty():
            raw = queue.get_nowait()
            t0 = time.perf_counter()
            status = await request(reader, writer, raw)
            latencies.append(time.perf_counter() - t0)
            statuses[status] = statuses.get(status, 0) + 1
        writer.close()

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return time.perf_counter() - started, latencies, statuses


def report(label: str, elapsed: float, latencies: list[float], statuses: dict[int, int]) -> None:
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=100)
    print(
        f"  {label:<28} {len(ms) / elapsed:8.1f} req/s   p50 {q[49]:6.1f} ms   p95 {q[94]:6.1f} ms   "
        f"p99 {q[98]:6.1f} ms   statuses {statuses}"
    )


def messages(n: int, codes: list[str]) -> list[bytes]:
    body = "小区门口的路灯已经坏了两个星期，晚上出行很不方便，老人孩子容易摔倒，请有关部门尽快维修。第{}号留言。"
    return [
        post(
            "/api/v1/cases",
            {
                "title": f"路灯损坏请尽快维修 {i}",
                "content": body.format(i),
                "type": "help",
                "category": codes[i % len(codes)],
                "contact_phone": "13800000000",
                "is_public": i % 2 == 0,
            },
        )
        for i in range(n)
    ]


def run(backend: str, url: str, args: argparse.Namespace) -> None:
    env = {**os.environ, "GONGZHI_SECRET_KEY": "benchmark-secret-" + "x" * 16, "GONGZHI_DEMO": "false"}
    prepare(url, env)
    port = free_port()
    server = start_server(url, port, args.workers, env)
    try:
        codes = categories(port)
        print(f"{backend}: {args.n} requests, concurrency {args.concurrency}, {args.workers} server process(es)")
        asyncio.run(load(port, messages(50, codes), args.concurrency))  # warm-up
        report("POST /api/v1/cases", *asyncio.run(load(port, messages(args.n, codes), args.concurrency)))
        reads = [get(f"/api/v1/public/cases?page={1 + i % 20}&per_page=20") for i in range(args.n)]
        report("GET /api/v1/public/cases", *asyncio.run(load(port, reads, args.concurrency)))
    finally:
        stop_server(server)


def pg_url() -> str | None:
    admin = os.environ.get("GONGZHI_BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        with psycopg.connect(admin, autocommit=True, connect_timeout=3) as conn:
            conn.execute("DROP DATABASE IF EXISTS gongzhi_bench")
            conn.execute("CREATE DATABASE gongzhi_bench")
    except psycopg.Error as exc:
        print(f"postgresql: skipped ({exc.__class__.__name__}: {str(exc).strip()[:100]})")
        return None
    return admin.rsplit("/", 1)[0] + "/gongzhi_bench"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "all"], default="all")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}  python: {sys.version.split()[0]}")
    if args.backend in ("sqlite", "all"):
        with tempfile.TemporaryDirectory() as tmp:
            run("sqlite", f"sqlite:///{tmp}/bench.db", args)
    if args.backend in ("postgresql", "all") and (url := pg_url()):
        run("postgresql", url, args)


if __name__ == "__main__":
    main()
