"""A witness (c2sp.org/tlog-witness): checks that a log only grows, and cosigns its checkpoints.

A witness knows some logs by origin and verifier key. For each it remembers the latest checkpoint
it cosigned (size and root). A log submits a new checkpoint with ``add-checkpoint``: the size the
log believes the witness holds ("old"), a consistency proof from that size, and the checkpoint.
The witness checks, in the spec's order, and answers with the spec's status codes:

    400  the request is malformed, or the old size is above the checkpoint's size
    404  the checkpoint's origin is not a log this witness knows
    403  no signature by the log's known key verifies (or one by it is invalid)
    409  the old size is not the size the witness holds (the answer carries that size), or the
         sizes are equal and the roots differ
    422  the consistency proof from the held tree to the new one does not verify
    413  the body is larger than any honest request (our limit; the spec sets none)

Only when every check passes does it store the new tree head and return ``cosignature/v1``
signature lines (c2sp.org/tlog-cosignature). Checking the old size and storing the new head
happen in one SQLite transaction (``WitnessStore.advance``), so two racing requests cannot roll
the witness back, a rejected request changes nothing, and the state survives a crash: SQLite in
WAL mode with ``synchronous=FULL`` has the commit on disk before the cosignature is sent.

Everything here is plain functions over a store; ``witness_http`` is the thin HTTP layer.

    GongzhiError
    └── WitnessError (status chosen per subclass)
        ├── BadWitnessRequest        400
        ├── UnknownLog               404
        ├── UntrustedCheckpoint      403
        ├── SizeConflict             409   .known_size: the size the witness holds
        ├── InconsistentCheckpoint   422
        └── RequestTooLarge          413
"""

from __future__ import annotations

import base64
import os
import re
import sqlite3
import stat
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from gongzhi.errors import GongzhiError
from gongzhi.ledger.checkpoint import CosignatureSigner, SignedCheckpoint, open_checkpoint
from gongzhi.ledger.errors import (
    InvalidSignatureError,
    LedgerError,
    MalformedKeyError,
    ProofError,
    UnverifiedNoteError,
)
from gongzhi.ledger.merkle import EMPTY_ROOT, HASH_SIZE, verify_consistency
from gongzhi.ledger.note import Ed25519Verifier, Signature, Verifier, b64decode_canonical

MAX_PROOF_LINES = 63  # tlog-witness: "The client MUST NOT send more than 63 consistency proof lines"
MAX_REQUEST_BYTES = 64 * 1024  # 63 proof lines and a checkpoint with 100 signatures fit with room to spare
_DECIMAL = re.compile("0|[1-9][0-9]{0,19}")


class WitnessError(GongzhiError):
    """A request the witness refuses; ``status_code`` is the spec's HTTP answer."""


class BadWitnessRequest(WitnessError):
    status_code = 400


class UnknownLog(WitnessError):
    status_code = 404


class UntrustedCheckpoint(WitnessError):
    status_code = 403


class SizeConflict(WitnessError):
    """The log's idea of the witness's state is wrong (or the log forked at the same size)."""

    status_code = 409

    def __init__(self, message: str, *, known_size: int) -> None:
        super().__init__(message)
        self.known_size = known_size


class InconsistentCheckpoint(WitnessError):
    status_code = 422


class RequestTooLarge(WitnessError):
    status_code = 413


@dataclass(frozen=True)
class TreeHead:
    """What the witness holds for one log: the size and root of the latest checkpoint it cosigned."""

    size: int
    root: bytes


EMPTY_HEAD = TreeHead(0, EMPTY_ROOT)


@dataclass(frozen=True)
class AddCheckpoint:
    """A parsed add-checkpoint request body: old size, consistency proof, the checkpoint note."""

    old_size: int
    proof: tuple[bytes, ...]
    note: bytes

    @property
    def origin(self) -> str:
        """The checkpoint's first line; the witness looks the log up by it before checking anything else."""
        return self.note.split(b"\n", 1)[0].decode("utf-8", "replace")


def format_add_checkpoint(old_size: int, proof: Sequence[bytes], note: str | bytes) -> bytes:
    """The request body a log sends: ``old N``, one base64 hash per line, a blank line, the note."""
    lines = [f"old {old_size}", *(base64.b64encode(value).decode() for value in proof)]
    return ("".join(line + "\n" for line in lines) + "\n").encode() + (note.encode() if isinstance(note, str) else note)


def parse_add_checkpoint(body: bytes) -> AddCheckpoint:
    """Split a request body into its parts, strictly (syntax only: nothing is verified here)."""
    if len(body) > MAX_REQUEST_BYTES:
        raise RequestTooLarge(f"request is {len(body)} bytes; add-checkpoint requests are at most {MAX_REQUEST_BYTES}")
    head, sep, note = body.partition(b"\n\n")
    if not sep:
        raise BadWitnessRequest(
            "request has no blank line: send 'old <size>', the proof lines, an empty line, then the checkpoint"
        )
    try:
        lines = head.decode("ascii").split("\n")
    except UnicodeDecodeError:
        raise BadWitnessRequest("the old size and proof lines must be ASCII") from None
    old = lines[0].removeprefix("old ")
    if old == lines[0] or not _DECIMAL.fullmatch(old) or int(old) >= 2**64:
        raise BadWitnessRequest(
            f"first line {lines[0][:40]!r} must be 'old <size>': a decimal tree size without leading zeroes"
        )
    if not note:
        raise BadWitnessRequest("request has no checkpoint after its blank line")
    proof_lines = lines[1:]
    if len(proof_lines) > MAX_PROOF_LINES:
        raise BadWitnessRequest(f"request has {len(proof_lines)} proof lines; at most {MAX_PROOF_LINES} are allowed")
    return AddCheckpoint(int(old), tuple(_proof_hash(i, line) for i, line in enumerate(proof_lines)), note)


def _proof_hash(position: int, line: str) -> bytes:
    try:
        value = b64decode_canonical(line)
    except ValueError as exc:
        raise BadWitnessRequest(f"proof line {position + 1} {exc}") from None
    if len(value) != HASH_SIZE:
        raise BadWitnessRequest(f"proof line {position + 1} holds {len(value)} bytes; a hash is {HASH_SIZE}")
    return value


class WitnessStore:
    """The witness's durable state: one SQLite file, one row per log, changed only in a transaction.

    SQLite rather than a JSON file rewritten by rename: a transaction gives check-and-update in one
    step across threads *and* processes (``BEGIN IMMEDIATE`` takes the write lock up front), and
    a crash leaves either the old row or the new one. One connection is kept open and shared under
    a lock: closing the last connection checkpoints the WAL, which would add fsyncs to every request.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()  # threads queue here rather than spin in SQLite's busy handler
        path.parent.mkdir(parents=True, exist_ok=True)
        self._conn = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")  # COMMIT returns once the WAL is on disk
        # Sizes are text: SQLite integers are signed 64-bit, tree sizes go up to 2^64 - 1.
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS log (origin TEXT PRIMARY KEY, size TEXT NOT NULL, "
            "root BLOB NOT NULL, note TEXT NOT NULL)"
        )

    def latest(self, origin: str) -> TreeHead:
        """The head held for ``origin``; the empty tree when none was cosigned yet."""
        with self._lock:
            return _read_head(self._conn, origin)

    def advance(self, origin: str, decide: Callable[[TreeHead], TreeHead], *, note: str) -> TreeHead:
        """Replace the head of ``origin`` with ``decide(current)``, atomically; ``decide`` raises to refuse."""
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                new = decide(_read_head(self._conn, origin))
                self._conn.execute(
                    "INSERT INTO log (origin, size, root, note) VALUES (?, ?, ?, ?) ON CONFLICT (origin) "
                    "DO UPDATE SET size = excluded.size, root = excluded.root, note = excluded.note",
                    (origin, str(new.size), new.root, note),
                )
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            return new

    def heads(self) -> dict[str, TreeHead]:
        """Every log's held head, for the status page."""
        with self._lock:
            rows = self._conn.execute("SELECT origin, size, root FROM log ORDER BY origin").fetchall()
        return {origin: TreeHead(int(size), root) for origin, size, root in rows}

    def close(self) -> None:
        with self._lock:
            self._conn.close()


def _read_head(conn: sqlite3.Connection, origin: str) -> TreeHead:
    row = conn.execute("SELECT size, root FROM log WHERE origin = ?", (origin,)).fetchone()
    return EMPTY_HEAD if row is None else TreeHead(int(row[0]), row[1])


@dataclass(frozen=True)
class Witness:
    """A witness identity (its cosigning key), the logs it knows, and where it keeps their state."""

    signer: CosignatureSigner
    logs: Mapping[str, Sequence[Verifier]]
    store: WitnessStore

    @property
    def name(self) -> str:
        return self.signer.name

    def vkey(self) -> str:
        return self.signer.verifier().vkey()

    def add_checkpoint(self, body: bytes, *, now: int) -> str:
        """Handle one add-checkpoint request; returns the cosignature line(s) for a 200 answer."""
        request = parse_add_checkpoint(body)
        verifiers = self.logs.get(request.origin)
        if verifiers is None:
            raise UnknownLog(f"this witness does not know the log {request.origin[:100]!r}; ask its operator to add it")
        signed = _open(request, verifiers)
        checkpoint = signed.checkpoint
        if request.old_size > checkpoint.size:
            raise BadWitnessRequest(
                f"old size {request.old_size} is larger than the checkpoint's size {checkpoint.size}"
            )
        new = TreeHead(checkpoint.size, checkpoint.root_hash)
        self.store.advance(
            checkpoint.origin, lambda held: check_advance(held, request, new), note=request.note.decode()
        )
        return _cosignature_line(replace(self.signer, timestamp=now), signed.note.text)


def _open(request: AddCheckpoint, verifiers: Sequence[Verifier]) -> SignedCheckpoint:
    """The checkpoint, once a signature by the log's known key verifies (403 otherwise)."""
    try:
        return open_checkpoint(request.note, verifiers, origin=request.origin)
    except (UnverifiedNoteError, InvalidSignatureError) as exc:
        raise UntrustedCheckpoint(f"checkpoint is not signed by a key this witness trusts for the log: {exc}") from exc
    except LedgerError as exc:
        raise BadWitnessRequest(f"checkpoint is malformed: {exc.message}") from exc


def check_advance(held: TreeHead, request: AddCheckpoint, new: TreeHead) -> TreeHead:
    """The spec's 409 and 422 checks against the head the witness holds; returns the head to store."""
    if request.old_size != held.size:
        raise SizeConflict(
            f"old size {request.old_size} is not the size this witness holds for the log ({held.size}); "
            f"send the consistency proof from size {held.size}",
            known_size=held.size,
        )
    if new.size == held.size and new.root != held.root:
        raise SizeConflict(
            f"the witness already cosigned size {held.size} with another root: the log has forked",
            known_size=held.size,
        )
    try:
        verify_consistency(held.size, new.size, request.proof, held.root, new.root)
    except ProofError as exc:
        raise InconsistentCheckpoint(f"consistency proof does not verify: {exc.message}") from exc
    return new


def _cosignature_line(signer: CosignatureSigner, text: str) -> str:
    return Signature(signer.name, signer.key_id, signer.sign(text.encode())).line()


def load_witness_key(skey: str) -> CosignatureSigner:
    """A witness's signer key (type 0x04, from ``gongzhi witness keygen``); the timestamp is set per request."""
    try:
        return CosignatureSigner.from_skey(skey.strip(), 0)
    except MalformedKeyError as exc:
        raise MalformedKeyError(f"witness key: {exc.message}") from exc


def parse_known_log(text: str) -> tuple[str, Ed25519Verifier]:
    """``ORIGIN=VKEY`` (or just ``VKEY``, when the key is named after the origin, as logs' keys usually are)."""
    head, sep, tail = text.strip().partition("=")
    origin, vkey = (head, tail) if sep and "+" not in head else (None, text.strip())
    verifier = Ed25519Verifier.from_vkey(vkey)
    return origin or verifier.name, verifier


def known_logs(entries: Sequence[str]) -> dict[str, list[Verifier]]:
    """The witness's log table from ``--log`` options: every origin with its trusted keys."""
    logs: dict[str, list[Verifier]] = {}
    for entry in entries:
        origin, verifier = parse_known_log(entry)
        logs.setdefault(origin, []).append(verifier)
    return logs


def write_secret(path: Path, text: str) -> None:
    """Write a key file readable by its owner only, created that way (never briefly world-readable)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, stat.S_IRUSR | stat.S_IWUSR)
    with os.fdopen(fd, "w") as handle:
        handle.write(text + "\n")
