"""Notarisation (存证): put a document's SHA-256 in the log, so that anyone can later prove it existed then.

Only the hash goes in, never the document: entry type ``notarized``, schema version 1::

    {"type": "notarized", "v": 1, "sha256": "<64 hex digits>", "size": <bytes or null>, "at": "<UTC instant>"}

``size`` is known when the document itself was sent (``hash_upload``), null when only its hash
was. The entry is appended in the caller's transaction like any other; its receipt (the
ordinary ``gongzhi-receipt/v1``) can be fetched once the worker has integrated it and signed a
checkpoint, a few seconds later. Verifying a document against a receipt (``check_document``)
needs only the document's hash, which a browser computes itself: the document never leaves it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from gongzhi.errors import InvalidInput, NotFound, PayloadTooLarge
from gongzhi.ledger import log
from gongzhi.ledger.entries import decode_entry, encode_entry
from gongzhi.ledger.errors import ReceiptError
from gongzhi.ledger.models import LedgerEntry
from gongzhi.ledger.receipts import Receipt, build_receipt
from gongzhi.ledger.verify import VerifiedReceipt

NOTARIZED = "notarized"
VERSION = 1
MAX_DOCUMENT_BYTES = 20 * 1024 * 1024  # documents sent whole; for larger ones send the SHA-256 instead
_HEX64 = re.compile("[0-9a-f]{64}")


@dataclass(frozen=True)
class Notarised:
    """A document's hash in the log: the entry's id (to fetch its receipt) and what the entry says."""

    entry_id: int
    sha256: str
    size: int | None
    at: str


def parse_digest(text: str) -> str:
    """A SHA-256 as 64 hexadecimal digits (any case, surrounding spaces ignored), in lower case."""
    digest = text.strip().lower()
    if not _HEX64.fullmatch(digest):
        raise InvalidInput(
            f"a SHA-256 is 64 hexadecimal digits (0-9, a-f); got {len(digest)} characters. "
            "Compute it with `sha256sum FILE` or send the document itself",
            field="sha256",
        )
    return digest


def hash_upload(chunks: Iterable[bytes], *, limit: int | None = None) -> tuple[str, int]:
    """SHA-256 and size of a document read in chunks; PayloadTooLarge as soon as it passes ``limit``."""
    limit = MAX_DOCUMENT_BYTES if limit is None else limit
    digest, size = hashlib.sha256(), 0
    for chunk in chunks:
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge(
                f"the document is larger than {limit // (1024 * 1024)} MB; send its SHA-256 instead "
                "(`sha256sum FILE`), which proves exactly as much",
                field="document",
            )
        digest.update(chunk)
    if size == 0:
        raise InvalidInput("the document is empty; choose the file to notarise", field="document")
    return digest.hexdigest(), size


def notarise(session: Session, *, sha256: str, size: int | None, now: datetime) -> Notarised:
    """Append the ``notarized`` entry for this hash in the caller's transaction."""
    digest = parse_digest(sha256)
    at = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    entry = log.append(session, encode_entry(NOTARIZED, VERSION, {"sha256": digest, "size": size, "at": at}))
    session.flush()
    return Notarised(entry.id, digest, size, at)


def notarised(session: Session, entry_id: int) -> Notarised:
    """What notarised document number ``entry_id`` records."""
    fields = decode_entry(_entry(session, entry_id).data)
    return Notarised(entry_id, str(fields["sha256"]), fields.get("size"), str(fields["at"]))


def notary_receipt(session: Session, entry_id: int) -> Receipt:
    """The receipt of a notarised document; Conflict until the entry is in a signed checkpoint."""
    return build_receipt(session, _entry(session, entry_id))


def _entry(session: Session, entry_id: int) -> LedgerEntry:
    entry = session.get(LedgerEntry, entry_id)
    if entry is None or not entry.data.startswith(b"{") or f'"type":"{NOTARIZED}"'.encode() not in entry.data:
        raise NotFound(f"there is no notarised document number {entry_id}")
    return entry


def check_document(verified: VerifiedReceipt, sha256: str) -> dict[str, Any]:
    """The verified receipt's entry, if it notarises exactly this hash; ReceiptError otherwise."""
    entry = verified.entry
    if entry.get("type") != NOTARIZED:
        raise ReceiptError(f"this receipt records a {entry.get('type')!r} entry, not a notarised document")
    if entry.get("sha256") != parse_digest(sha256):
        raise ReceiptError(
            "the document's SHA-256 is not the one notarised in this receipt: it is another document, "
            "or it was changed (even one byte) since it was notarised"
        )
    return entry
