"""``gongzhi ledger export-tiles DIR``: the log as static files, for any web server or object store.

The files are exactly what ``/ledger/…`` serves, for the newest published checkpoint: ``checkpoint``,
``tile/<L>/<N>[.p/<W>]`` and ``tile/entries/<N>[.p/<W>]``. Each file is written to a temporary
name and renamed, and the checkpoint goes last, so a reader of the directory never sees a
checkpoint whose tiles are not there yet, even if the export is killed half-way.

Exporting again into the same directory writes only what changed since the checkpoint found
there (tiles are immutable); a directory holding another log, or a larger tree, is rewritten.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from gongzhi.errors import NotFound
from gongzhi.ledger.checkpoint import parse_checkpoint
from gongzhi.ledger.errors import LedgerError
from gongzhi.ledger.note import parse_note
from gongzhi.ledger.publish import latest_checkpoint
from gongzhi.ledger.storage import served_bytes
from gongzhi.ledger.tiles import Tile, changed_bundles, changed_tiles

CHECKPOINT = "checkpoint"


@dataclass(frozen=True)
class ExportReport:
    """How far the directory's copy of the log went before, and how many files were written now."""

    old_size: int
    size: int
    files: int


def plan_export(session: Session, directory: Path) -> tuple[int, int, list[Tile]]:
    """(size already exported, size to export, tiles and bundles to write) for ``directory``."""
    checkpoint = latest_checkpoint(session)
    if checkpoint is None:
        raise NotFound("the log has no checkpoint yet; run `gongzhi worker --once` to sign one")
    origin = parse_checkpoint(parse_note(checkpoint.note).text).origin
    old = _exported_size(directory, origin)
    if old > checkpoint.size:
        old = 0
    return old, checkpoint.size, changed_tiles(old, checkpoint.size) + changed_bundles(old, checkpoint.size)


def export_tiles(session: Session, directory: Path, *, progress: Callable[[int], None] | None = None) -> ExportReport:
    """Write the newest checkpoint's tree into ``directory``; ``progress`` is called once per file."""
    checkpoint = latest_checkpoint(session)
    old, size, tiles = plan_export(session, directory)
    assert checkpoint is not None  # plan_export raised otherwise
    for tile in tiles:
        _write_atomically(directory / tile.path, served_bytes(session, tile))
        if progress:
            progress(1)
    _write_atomically(directory / CHECKPOINT, checkpoint.note.encode())
    return ExportReport(old, size, len(tiles) + 1)


def _exported_size(directory: Path, origin: str) -> int:
    """The tree size of the checkpoint already in ``directory`` if it is this log's, else 0."""
    try:
        exported = parse_checkpoint(parse_note((directory / CHECKPOINT).read_text()).text)
    except (OSError, UnicodeDecodeError, LedgerError):
        return 0
    return exported.size if exported.origin == origin else 0


def _write_atomically(path: Path, data: bytes) -> None:
    """Write to a temporary file next to ``path`` and rename it: readers see the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
