"""Reading a published log the way an outside party does: over HTTP, or from a directory of static tiles.

A ``Fetcher`` answers a path relative to the log's prefix (``checkpoint``, ``tile/0/000``,
``tile/entries/x001/234.p/7``) with its bytes, or ``None`` when the server says it does not exist
(404). Anything else (a refused connection, a 500, a timeout) is a ``FetchError``: the auditor
could not look, which is not the same verdict as "the log is wrong".

``HttpFetcher`` keeps one persistent HTTP/1.1 connection per thread (``http.client`` from the
standard library, so an auditor needs nothing beyond this package), because an audit makes one
request per 256 entries and reconnecting for each would cost more than the hashing.
"""

from __future__ import annotations

import http.client
import threading
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from gongzhi.ledger.errors import LedgerError

TIMEOUT_S = 30.0
MAX_RESPONSE_BYTES = 256 * 65_537  # the largest entry bundle: 256 entries of at most 65,535 bytes


class FetchError(LedgerError):
    """The published log could not be read (network, server error, unreadable file)."""


class Fetcher(Protocol):
    """A published log, read by path."""

    def fetch(self, path: str) -> bytes | None:
        """The bytes at ``path`` (relative to the log's prefix), or None when it does not exist."""
        ...


class DirectoryFetcher:
    """A log exported with ``gongzhi ledger export-tiles`` (or mirrored from a web server)."""

    def __init__(self, root: Path) -> None:
        if not root.is_dir():
            raise FetchError(f"{root} is not a directory holding a checkpoint and tile/…")
        self.root = root

    def fetch(self, path: str) -> bytes | None:
        target = self.root / path
        try:
            return target.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise FetchError(f"cannot read {target}: {exc.strerror}") from exc


class HttpFetcher:
    """A log served over HTTP(S) at ``base_url`` (for this project: ``https://host/ledger``)."""

    def __init__(self, base_url: str, *, timeout: float = TIMEOUT_S) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"{base_url!r} is not an http(s) URL like https://city.example/ledger")
        self.base_url = base_url.rstrip("/")
        self.scheme, self.host, self.port = parts.scheme, parts.hostname, parts.port
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout
        self._local = threading.local()

    def fetch(self, path: str) -> bytes | None:
        url = f"{self.base_url}/{path}"
        for attempt in (1, 2):  # a kept-alive connection the server closed meanwhile is retried once, fresh
            try:
                return self._get(path, url)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as exc:
                self._local.connection = None
                if attempt == 2:
                    raise FetchError(f"cannot fetch {url}: {exc}") from exc
            except (OSError, http.client.HTTPException) as exc:
                self._local.connection = None
                raise FetchError(f"cannot fetch {url}: {exc}") from exc
            except FetchError:
                self._local.connection = None  # the rest of that answer may still be on the wire
                raise
        raise AssertionError("unreachable")

    def _get(self, path: str, url: str) -> bytes | None:
        connection = self._connection()
        connection.request("GET", f"{self.prefix}/{path}", headers={"User-Agent": "gongzhi-ledger-audit"})
        response = connection.getresponse()
        body = response.read(MAX_RESPONSE_BYTES + 1)
        if response.status == 404:
            return None
        if response.status != 200:
            raise FetchError(f"{url} answered HTTP {response.status}: {body[:200].decode('utf-8', 'replace')}")
        if len(body) > MAX_RESPONSE_BYTES:
            raise FetchError(f"{url} is larger than any tile or entry bundle can be")
        return body

    def _connection(self) -> http.client.HTTPConnection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            kind = http.client.HTTPSConnection if self.scheme == "https" else http.client.HTTPConnection
            connection = kind(self.host, self.port, timeout=self.timeout)
            self._local.connection = connection
        return connection


def fetcher_for(location: str) -> Fetcher:
    """An http(s) URL, or a local directory of static tiles."""
    if location.startswith(("http://", "https://")):
        return HttpFetcher(location)
    return DirectoryFetcher(Path(location.removeprefix("file://")))
