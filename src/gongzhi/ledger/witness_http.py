"""The witness over HTTP (c2sp.org/tlog-witness): its own small Starlette app, apart from the platform's.

``POST /add-checkpoint`` hands the body to ``Witness.add_checkpoint`` and turns its errors into the
spec's answers (a 409 carries the held size as ``text/x.tlog.size``). ``GET /`` says who the
witness is and what it holds, for people and monitoring. The body is read with a hard limit, so
an oversized request is refused before it is buffered.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from gongzhi.ledger.witness import MAX_REQUEST_BYTES, RequestTooLarge, SizeConflict, Witness, WitnessError

SIZE_TYPE = "text/x.tlog.size"
TEXT = "text/plain; charset=utf-8"


def create_witness_app(witness: Witness, *, clock: Callable[[], float] = time.time) -> Starlette:
    """An ASGI app serving one witness identity; ``clock`` gives the cosignatures' POSIX time."""

    async def add_checkpoint(request: Request) -> Response:
        try:
            body = await _read_limited(request)
            lines = await run_in_threadpool(witness.add_checkpoint, body, now=int(clock()))
        except SizeConflict as exc:
            # Exactly this type, no charset parameter: clients compare it as the spec writes it.
            return Response(f"{exc.known_size}\n", status_code=409, headers={"Content-Type": SIZE_TYPE})
        except WitnessError as exc:
            return PlainTextResponse(exc.message + "\n", status_code=exc.status_code, media_type=TEXT)
        return PlainTextResponse(lines, media_type=TEXT)

    async def status(request: Request) -> Response:
        heads = await run_in_threadpool(witness.store.heads)
        rows = [f"{origin} {head.size}" for origin, head in heads.items() if origin in witness.logs]
        text = "\n".join(
            [
                f"witness {witness.name}",
                f"vkey {witness.vkey()}",
                "submit checkpoints with POST /add-checkpoint (c2sp.org/tlog-witness)",
                f"known logs: {', '.join(sorted(witness.logs)) or 'none'}",
                *rows,
            ]
        )
        return PlainTextResponse(text + "\n", media_type=TEXT)

    return Starlette(
        routes=[Route("/add-checkpoint", add_checkpoint, methods=["POST"]), Route("/", status, methods=["GET"])]
    )


async def _read_limited(request: Request) -> bytes:
    """The body, refused with 413 as soon as it passes the limit (or says it will)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_REQUEST_BYTES:
        raise RequestTooLarge(f"request is {declared} bytes; add-checkpoint requests are at most {MAX_REQUEST_BYTES}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_REQUEST_BYTES:
            raise RequestTooLarge(
                f"request is over {MAX_REQUEST_BYTES} bytes, more than an add-checkpoint request needs"
            )
        chunks.append(chunk)
    return b"".join(chunks)


@dataclass
class BackgroundServer:
    """An HTTP server running in a daemon thread of this process (the demo's witnesses, tests)."""

    url: str
    server: Any  # uvicorn.Server
    thread: threading.Thread

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=5)


def serve_in_background(app: Starlette, *, host: str = "127.0.0.1", port: int = 0) -> BackgroundServer:
    """Serve ``app`` on ``host:port`` (0: any free port) from a thread; raises OSError if the port is taken."""
    import uvicorn

    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True, name=f"witness-{port}")
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.01)
    bound = sock.getsockname()[1]
    return BackgroundServer(f"http://{host}:{bound}", server, thread)
