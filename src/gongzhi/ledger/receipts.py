"""Receipts: everything needed to prove, offline, that an entry is in the log.

A receipt is a JSON document::

    {"receipt": "gongzhi-receipt/v1",
     "index": 41,                                  leaf index of the entry
     "entry": "<base64 of the entry's bytes>",     exactly what was hashed (canonical JSON)
     "proof": ["<base64 hash>", …],                RFC 9162 inclusion proof in the checkpoint's tree
     "checkpoint": "<signed note>",                the log's checkpoint, with any witness cosignatures
     "salt": "<base64>" | null,                    for the citizen: opens the entry's commitment …
     "committed": {…} | null}                      … to these fields (their message and contact)

Verification (``verify.verify_receipt``) needs only this file and the log's verifier key. Base64
keeps the entry's bytes exact whatever a text editor does to the JSON around them.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from gongzhi.errors import Conflict
from gongzhi.ledger.errors import ReceiptError
from gongzhi.ledger.merkle import inclusion_proof
from gongzhi.ledger.models import LedgerEntry
from gongzhi.ledger.publish import latest_checkpoint
from gongzhi.ledger.storage import database_reader

FORMAT = "gongzhi-receipt/v1"
MAX_RECEIPT_BYTES = 1 << 20  # a receipt is a few kilobytes; refuse to parse anything absurd


@dataclass(frozen=True)
class Receipt:
    """An entry, where it sits in the tree, the signed checkpoint of that tree, and the opening of its commitment."""

    index: int
    entry: bytes
    proof: tuple[bytes, ...]
    checkpoint: str
    salt: bytes | None = None
    committed: dict[str, Any] | None = field(default=None)

    def to_json(self) -> str:
        """The receipt as the citizen downloads it: indented JSON, one field per line."""
        return json.dumps(
            {
                "receipt": FORMAT,
                "index": self.index,
                "entry": _b64(self.entry),
                "proof": [_b64(value) for value in self.proof],
                "checkpoint": self.checkpoint,
                "salt": None if self.salt is None else _b64(self.salt),
                "committed": self.committed,
            },
            ensure_ascii=False,
            indent=2,
        )


def build_receipt(
    session: Session, entry: LedgerEntry, *, salt: bytes | None = None, committed: dict[str, Any] | None = None
) -> Receipt:
    """A receipt for ``entry`` against the newest checkpoint; Conflict while the entry is not yet in one."""
    checkpoint = latest_checkpoint(session)
    if entry.leaf_index is None or checkpoint is None or checkpoint.size <= entry.leaf_index:
        raise Conflict(
            "the entry is not yet in a published checkpoint; the worker adds it within a few seconds, try again then"
        )
    proof = inclusion_proof(database_reader(session), entry.leaf_index, checkpoint.size)
    return Receipt(entry.leaf_index, entry.data, tuple(proof), checkpoint.note, salt, committed)


def parse_receipt(text: str | bytes) -> Receipt:
    """Read a receipt, naming the first field that is missing or malformed."""
    if len(text) > MAX_RECEIPT_BYTES:
        raise ReceiptError(f"receipt is {len(text)} bytes; a receipt is at most {MAX_RECEIPT_BYTES}")
    try:
        raw = json.loads(text)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ReceiptError(f"receipt is not JSON: {exc}") from exc
    if not isinstance(raw, dict) or raw.get("receipt") != FORMAT:
        raise ReceiptError(f'not a receipt: expected a JSON object with "receipt": "{FORMAT}"')
    index = raw.get("index")
    if not isinstance(index, int) or isinstance(index, bool) or index < 0:
        raise ReceiptError("receipt field 'index' must be a non-negative integer")
    if not isinstance(raw.get("checkpoint"), str):
        raise ReceiptError("receipt field 'checkpoint' must be the signed checkpoint as text")
    proof = raw.get("proof")
    if not isinstance(proof, list):
        raise ReceiptError("receipt field 'proof' must be a list of base64 hashes")
    committed = raw.get("committed")
    if committed is not None and not isinstance(committed, dict):
        raise ReceiptError("receipt field 'committed' must be an object or null")
    return Receipt(
        index=index,
        entry=_unb64(raw.get("entry"), "entry"),
        proof=tuple(_unb64(value, f"proof[{i}]") for i, value in enumerate(proof)),
        checkpoint=raw["checkpoint"],
        salt=None if raw.get("salt") is None else _unb64(raw["salt"], "salt"),
        committed=committed,
    )


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _unb64(value: object, name: str) -> bytes:
    if not isinstance(value, str):
        raise ReceiptError(f"receipt field '{name}' must be a base64 string")
    try:
        raw = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ReceiptError(f"receipt field '{name}' is not valid base64") from exc
    if _b64(raw) != value:
        raise ReceiptError(f"receipt field '{name}' is not canonical base64 (stray padding bits)")
    return raw
