"""`gongzhi serve --workers N`: N processes on one port, each with its own socket, stopped together."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from gongzhi.migrate import upgrade
from gongzhi.web import processes

pytestmark = pytest.mark.skipif(not processes.available(), reason="no SO_REUSEPORT on this system")
GONGZHI = str(Path(sys.executable).parent / "gongzhi")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _children(parent: int) -> list[int]:
    """Processes whose parent is ``parent``, from /proc (no procps needed)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == parent:
            found.append(int(stat.parent.name))
    return found


def _answers(url: str, deadline: float) -> bool:
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                return answer.status == 200
        except OSError:
            time.sleep(0.2)
    return False


def test_two_processes_serve_one_port_and_stop_together(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    upgrade(url)
    port = _free_port()
    env = {**os.environ, "GONGZHI_SECRET_KEY": "serve-test-" + "x" * 20, "GONGZHI_DEMO": "false"}
    server = subprocess.Popen(
        [GONGZHI, "serve", "--db", url, "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        assert _answers(f"http://127.0.0.1:{port}/api/v1/public/cases", time.monotonic() + 60), "no answer"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/public/cases", timeout=5) as answer:
            assert json.load(answer)["total"] == 0
        children = _children(server.pid)
        assert len(children) >= 2  # the two servers (and multiprocessing's resource tracker)
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        for pid in children:  # none left behind holding the port
            with pytest.raises(ProcessLookupError):
                for _ in range(50):
                    os.kill(pid, 0)
                    time.sleep(0.1)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)


def test_a_port_in_use_is_refused_with_a_message(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    upgrade(url)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        env = {**os.environ, "GONGZHI_SECRET_KEY": "serve-test-" + "x" * 20, "GONGZHI_DEMO": "false"}
        done = subprocess.run(
            [GONGZHI, "serve", "--db", url, "--port", str(port), "--workers", "2"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}" in done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
