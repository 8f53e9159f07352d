"""Several server processes on one port, each with its own listening socket (``SO_REUSEPORT``).

With uvicorn's own ``--workers`` every process accepts from one shared socket, and whichever wakes
first takes the connection: keep-alive clients (a proxy's pool, a benchmark's connections) can all
end up on one process while the others idle. With a socket per process and ``SO_REUSEPORT`` the
kernel spreads new connections over the processes evenly. Where the option does not exist
(Windows, some BSDs) ``serve`` falls back to uvicorn's workers.
"""

from __future__ import annotations

import multiprocessing
import signal
import socket
from types import FrameType

APP = "gongzhi.web.asgi:create"


def available() -> bool:
    return hasattr(socket, "SO_REUSEPORT")


def listening_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _one(host: str, port: int) -> None:
    """One server process: its own socket on the shared port, its own app built from the environment."""
    import uvicorn

    sock = listening_socket(host, port)
    server = uvicorn.Server(uvicorn.Config(APP, factory=True, log_level="warning"))
    server.run(sockets=[sock])


def run(host: str, port: int, workers: int) -> int:
    """Start ``workers`` processes and wait; a signal to this one stops them all. Returns the exit code."""
    listening_socket(host, port).close()  # a port taken by another program: say so here, not in N children
    context = multiprocessing.get_context("spawn")  # a fresh interpreter each: no state copied by fork
    processes = [context.Process(target=_one, args=(host, port), name=f"gongzhi-web-{i}") for i in range(workers)]
    for process in processes:
        process.start()

    def stop(signum: int, _frame: FrameType | None) -> None:
        for process in processes:
            if process.is_alive():
                process.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for process in processes:
        process.join()
    failed = [p.exitcode for p in processes if p.exitcode not in (0, -signal.SIGTERM)]
    return 1 if failed else 0
