"""Log entries as canonical JSON, and salted SHA-256 commitments to what must stay private.

An entry is one JSON object with a ``type`` (``case.submitted``, ``case.event`` …) and a schema
version ``v``, encoded canonically: keys sorted, no whitespace, UTF-8 (not ``\\u`` escapes), and
no floating-point numbers (their text differs between languages), so that anyone can re-encode
a parsed entry and get the same bytes the leaf hash was computed over.

Private content never goes in. Instead the entry carries ``commitment`` = hex SHA-256(salt ‖
canonical JSON of the private fields), with a fresh 32-byte salt. Whoever holds the salt and the
fields (the citizen, through the receipt) can prove what was recorded; without the salt nobody
can confirm a guess, so the public log cannot be linked to a person. Deleting the salt and the
plain text later leaves every entry, and so the whole log, verifiable.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Mapping
from typing import Any

from gongzhi.ledger.errors import EntryError
from gongzhi.ledger.tiles import MAX_ENTRY_SIZE

SALT_SIZE = 32
COMMITMENT = "commitment"  # the key under which an entry carries its one commitment


def canonical_json(value: Mapping[str, Any]) -> bytes:
    """The one byte encoding of a JSON object: sorted keys, no whitespace, UTF-8, no floats."""
    _check_value(value, "entry")
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def encode_entry(entry_type: str, version: int, fields: Mapping[str, Any]) -> bytes:
    """An entry's bytes: ``fields`` plus its ``type`` and ``v``, canonical, within the tile size limit."""
    data = canonical_json({**fields, "type": entry_type, "v": version})
    if len(data) > MAX_ENTRY_SIZE:
        raise EntryError(
            f"{entry_type} entry is {len(data)} bytes; entries are at most {MAX_ENTRY_SIZE} "
            "(the tlog-tiles length prefix): commit to long text instead of including it"
        )
    return data


def decode_entry(data: bytes) -> dict[str, Any]:
    """Parse an entry and check it is canonical and typed, so that its bytes mean one thing only."""
    try:
        value = json.loads(data.decode())
    except (UnicodeDecodeError, ValueError) as exc:
        raise EntryError(f"entry is not UTF-8 JSON: {exc}") from exc
    if not isinstance(value, dict):
        raise EntryError("entry is JSON but not an object; entries are objects with 'type' and 'v'")
    if not isinstance(value.get("type"), str) or not isinstance(value.get("v"), int):
        raise EntryError("entry lacks a string 'type' or an integer schema version 'v'")
    if canonical_json(value) != data:
        raise EntryError("entry is not in canonical form (sorted keys, no whitespace, UTF-8 without escapes)")
    return value


def new_salt() -> bytes:
    """32 bytes from the OS's CSPRNG: enough that a commitment to a short phone number cannot be guessed."""
    return secrets.token_bytes(SALT_SIZE)


def commitment(salt: bytes, fields: Mapping[str, Any]) -> str:
    """Hex SHA-256(salt ‖ canonical JSON of ``fields``); the salt has a fixed size, so no separator is needed."""
    if len(salt) != SALT_SIZE:
        raise EntryError(f"salt is {len(salt)} bytes; commitments use {SALT_SIZE}-byte salts")
    return hashlib.sha256(salt + canonical_json(fields)).hexdigest()


def _check_value(value: object, where: str) -> None:
    """Refuse what JSON cannot carry canonically: floats, non-string keys, other Python objects."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise EntryError(f"{where} has a non-string key {key!r}")
            _check_value(item, f"{where}.{key}")
    elif isinstance(value, list):
        for position, item in enumerate(value):
            _check_value(item, f"{where}[{position}]")
    elif isinstance(value, float):
        raise EntryError(f"{where} is a float ({value!r}); write numbers as integers or strings in entries")
    elif not isinstance(value, str | int | bool | None):
        raise EntryError(f"{where} is a {type(value).__name__}, which JSON entries cannot hold")
