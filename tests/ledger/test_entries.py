"""Canonical JSON entries and salted commitments."""

from __future__ import annotations

import hashlib

import pytest

from gongzhi.ledger.entries import SALT_SIZE, canonical_json, commitment, decode_entry, encode_entry, new_salt
from gongzhi.ledger.errors import EntryError
from gongzhi.ledger.tiles import MAX_ENTRY_SIZE


def test_canonical_json_sorts_keys_drops_whitespace_and_keeps_utf8() -> None:
    data = canonical_json({"b": [1, True, None], "a": "停水", "c": {"y": 1, "x": "z"}})
    assert data == '{"a":"停水","b":[1,true,null],"c":{"x":"z","y":1}}'.encode()


def test_an_entry_carries_type_and_version() -> None:
    data = encode_entry("case.event", 1, {"case": "X", "kind": "accept"})
    assert data == b'{"case":"X","kind":"accept","type":"case.event","v":1}'
    assert decode_entry(data) == {"case": "X", "kind": "accept", "type": "case.event", "v": 1}


@pytest.mark.parametrize("value", [1.5, {"n": float("nan")}, [b"bytes"], {1: "key"}])
def test_values_without_one_canonical_text_are_refused(value: object) -> None:
    with pytest.raises(EntryError):
        canonical_json({"x": value})


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b'{"v":1,"type":"t"}', "canonical"),
        (b'{"type": "t","v":1}', "canonical"),
        (b'{"type":"\\u505c","v":1}', "canonical"),
        (b'{"type":"t"}', "'v'"),
        (b"[1]", "not an object"),
        (b"\xff", "UTF-8"),
    ],
)
def test_decode_insists_on_the_canonical_bytes(data: bytes, words: str) -> None:
    with pytest.raises(EntryError, match=words):
        decode_entry(data)


def test_oversized_entries_are_refused_with_advice() -> None:
    with pytest.raises(EntryError, match="commit to long text"):
        encode_entry("case.event", 1, {"text": "x" * MAX_ENTRY_SIZE})


def test_commitment_is_salted_sha256_of_the_canonical_fields() -> None:
    salt = bytes(SALT_SIZE)
    fields = {"content": "湖畔小区停水", "contact_phone": "13812345678"}
    assert commitment(salt, fields) == hashlib.sha256(salt + canonical_json(fields)).hexdigest()
    assert commitment(new_salt(), fields) != commitment(new_salt(), fields)
    with pytest.raises(EntryError, match="32-byte"):
        commitment(b"short", fields)
