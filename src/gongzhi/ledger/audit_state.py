"""What an auditor remembers between runs: every checkpoint it verified, and a fingerprint of the tree.

A log that shows one auditor a tree today and a different history tomorrow is caught only if the
auditor remembers today's tree. The state file keeps, for a log (its verifier key):

- every checkpoint verified so far (size, root, when), each of which the next tree must extend;
- the largest verified tree's fingerprint: the root of each full 256-entry tile (level-8 hashes),
  the first ``PRINT_SIZE`` bytes of every leaf hash of those full tiles, and the leaf hashes of its
  last partial tile. When a later tree does not extend an earlier checkpoint, the tile roots say
  which 256 entries first differ and the leaf prints which entry among them (the tail, which entry
  of the partial tile). 1,000,000 entries take about 11 MB (170 KB of tile roots, the rest prints).

Why 8-byte prints and not whole leaf hashes: they only *place* a difference the full roots have
already proved. An entry whose print differs certainly changed; for an earlier changed entry to
hide behind an equal print, someone would need a 64-bit second preimage of SHA-256, about 2^64
hashes. A state file written before prints were kept (``leaf_prints`` absent) places the
difference to its 256 entries, as before.

The file is JSON, written to a temporary file and renamed, so a killed audit leaves the old state
or the new one, never half of either. It is only written after an audit passes.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from gongzhi.ledger.errors import LedgerError
from gongzhi.ledger.merkle import HASH_SIZE

FORMAT = "gongzhi-audit-state/v1"
PRINT_SIZE = 8  # bytes of each leaf hash kept to name a rewritten entry


class AuditStateError(LedgerError):
    """The state file cannot be read, or belongs to another log."""


@dataclass(frozen=True)
class SeenCheckpoint:
    """A checkpoint this auditor verified: the log committed to this root at this size."""

    size: int
    root: bytes
    seen: str  # when, as ISO 8601 UTC text, for the reader of the report


@dataclass
class AuditState:
    """Checkpoints seen so far, oldest first, and the fingerprint of the largest verified tree."""

    vkey: str
    checkpoints: list[SeenCheckpoint] = field(default_factory=list)
    size: int = 0
    tile_roots: bytes = b""  # the level-8 hash of every full tile of the tree of ``size``
    tail: bytes = b""  # leaf hashes of that tree's last, partial tile
    leaf_prints: bytes = b""  # the first PRINT_SIZE bytes of each leaf hash of the full tiles

    def remember(self, checkpoint: SeenCheckpoint) -> None:
        """Add a verified checkpoint unless one of that size is already kept (it then has the same root)."""
        if all(seen.size != checkpoint.size for seen in self.checkpoints):
            self.checkpoints.append(checkpoint)
            self.checkpoints.sort(key=lambda seen: seen.size)


def load_state(path: Path, vkey: str) -> AuditState:
    """The state kept in ``path`` for the log with ``vkey``; a fresh state when the file does not exist."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return AuditState(vkey)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise AuditStateError(f"cannot read the audit state {path}: {exc}; move it away to start afresh") from exc
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise AuditStateError(f"{path} is not an audit state file ({FORMAT})")
    if raw.get("vkey") != vkey:
        raise AuditStateError(
            f"{path} holds the state of the log with key {raw.get('vkey')!r}, not {vkey!r}; use one state file per log"
        )
    try:
        return AuditState(
            vkey=vkey,
            checkpoints=[
                SeenCheckpoint(int(item["size"]), _hashes(item["root"], "root"), str(item["seen"]))
                for item in raw["checkpoints"]
            ],
            size=int(raw["size"]),
            tile_roots=_hashes(raw["tile_roots"], "tile_roots"),
            tail=_hashes(raw["tail"], "tail"),
            leaf_prints=_hashes(raw.get("leaf_prints", ""), "leaf_prints", PRINT_SIZE),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise AuditStateError(f"the audit state {path} is damaged ({exc}); move it away to start afresh") from exc


def save_state(path: Path, state: AuditState) -> None:
    """Write the state atomically: a reader (or a crash) sees the old file or the new one."""
    document = {
        "format": FORMAT,
        "vkey": state.vkey,
        "size": state.size,
        "checkpoints": [{"size": c.size, "root": _b64(c.root), "seen": c.seen} for c in state.checkpoints],
        "tile_roots": _b64(state.tile_roots),
        "tail": _b64(state.tail),
        "leaf_prints": _b64(state.leaf_prints),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(document, out, indent=1)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _hashes(value: object, name: str, unit: int = HASH_SIZE) -> bytes:
    if not isinstance(value, str):
        raise ValueError(f"{name} is not base64 text")
    try:
        raw = base64.b64decode(value, validate=True)
    except binascii.Error as exc:
        raise ValueError(f"{name} is not base64") from exc
    if len(raw) % unit:
        raise ValueError(f"{name} is not a whole number of {unit}-byte hashes")
    return raw
