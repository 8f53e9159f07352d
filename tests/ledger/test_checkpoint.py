"""Checkpoints and cosignatures: the Tessera test log rebuilt byte for byte, Sunlight's witnesses."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest

from gongzhi.ledger.checkpoint import (
    COSIGNATURE_V1,
    MAX_TIMESTAMP,
    Checkpoint,
    CosignatureSigner,
    CosignatureVerifier,
    cosignature_timestamp,
    cosigned_message,
    format_checkpoint,
    generate_cosigner_key,
    open_checkpoint,
    parse_checkpoint,
    sign_checkpoint,
    verifier_from_vkey,
)
from gongzhi.ledger.errors import (
    CheckpointError,
    MalformedCheckpointError,
    MalformedKeyError,
    MalformedNoteError,
    NoteError,
    UnverifiedNoteError,
)
from gongzhi.ledger.merkle import EMPTY_ROOT, leaf_hash, root_from_leaf_hashes
from gongzhi.ledger.note import (
    Ed25519Signer,
    Ed25519Verifier,
    Signature,
    add_signatures,
    generate_key,
    open_note,
    parse_note,
    sign_note,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tlog"
TESSERA = FIXTURES / "tessera-testdata-log"
SKYLIGHT = FIXTURES / "sunlight-skylight-testdata"
ROME = "000de184301123b9278c086a7d9f68c9577e83872224c197058fd90784ea9706"  # sha256("rome2026h1.example.org")
MILAN = "88ad7a28caeb0b2aa890fdf0304c2fcaf59fca2ee140134ff8c1300bac493482"
C2SP = json.loads((FIXTURES / "transcribed" / "c2sp-spec-examples.json").read_text())
GO = json.loads((FIXTURES / "transcribed" / "go-sumdb-note-and-tlog.json").read_text())

TESSERA_ORIGIN = "example.com/log/testdata"
TESSERA_SKEY = "PRIVATE+KEY+example.com/log/testdata+33d7b496+AeymY/SZAX0jZcJ8enZ5FY1Dz+wTML2yWSkK+9DSF3eg"
TESSERA_VKEY = "example.com/log/testdata+33d7b496+AeHTu4Q3hEIMHNqc6fASMsq3rKNx280NI+oO5xCFkkSx"
TESSERA_ENTRIES = [
    word.encode()
    for word in "one two three four five six seven eit nain ten ileven twelf threeten fourten fivten".split()
]
SKYLIGHT_TIME = 1767139200


def _cosigner(name: str, passphrase: str) -> CosignatureSigner:
    """Sunlight's test cosigners: the Ed25519 seed is SHA-256 of an ASCII string (gen.go)."""
    return CosignatureSigner(name, hashlib.sha256(passphrase.encode()).digest(), SKYLIGHT_TIME)


WITNESS = _cosigner("witness.example.org", "skylight test witness key")
WITNESS2 = _cosigner("witness2.example.org", "skylight test witness2 key")
MIRROR = _cosigner("mirror.example.org", "skylight test mirror key")


def _published_vkey(path: str) -> str:
    (vkey,) = json.loads((SKYLIGHT / path).read_text())["verifier_keys"]
    return vkey


# --- Tessera: the whole log rebuilt from its entries and its key -----------------------------------


@pytest.mark.parametrize("size", range(16))
def test_tessera_checkpoints_are_reproduced_byte_for_byte(size: int) -> None:
    root = root_from_leaf_hashes(leaf_hash(entry) for entry in TESSERA_ENTRIES[:size])
    signed = sign_checkpoint(Checkpoint(TESSERA_ORIGIN, size, root), [Ed25519Signer.from_skey(TESSERA_SKEY)])
    assert signed == (TESSERA / f"checkpoint.{size}").read_text()


def test_tessera_latest_checkpoint_opens_with_the_published_key() -> None:
    signed = open_checkpoint((TESSERA / "checkpoint").read_bytes(), [Ed25519Verifier.from_vkey(TESSERA_VKEY)])
    assert signed.checkpoint.origin == TESSERA_ORIGIN and signed.checkpoint.size == 15
    assert signed.checkpoint.root_hash == root_from_leaf_hashes(map(leaf_hash, TESSERA_ENTRIES))
    assert Ed25519Signer.from_skey(TESSERA_SKEY).verifier().vkey() == TESSERA_VKEY


def test_tessera_empty_checkpoint_carries_the_empty_root() -> None:
    signed = open_checkpoint((TESSERA / "checkpoint.0").read_text(), [Ed25519Verifier.from_vkey(TESSERA_VKEY)])
    assert signed.checkpoint == Checkpoint(TESSERA_ORIGIN, 0, EMPTY_ROOT)


@pytest.mark.parametrize("mask", [0x01, 0x80])
def test_a_changed_byte_anywhere_fails_the_checkpoint(mask: int) -> None:
    raw = (TESSERA / "checkpoint.15").read_bytes()
    verifier = Ed25519Verifier.from_vkey(TESSERA_VKEY)
    for position in range(len(raw)):
        tampered = bytearray(raw)
        tampered[position] ^= mask
        with pytest.raises(NoteError):
            open_checkpoint(bytes(tampered), [verifier])


def test_checkpoint_for_another_origin_is_refused() -> None:
    with pytest.raises(CheckpointError, match="not the expected 'example.com/other'"):
        open_checkpoint(
            (TESSERA / "checkpoint").read_text(),
            [Ed25519Verifier.from_vkey(TESSERA_VKEY)],
            origin="example.com/other",
        )


# --- Sunlight/Skylight: witnesses and cosignatures -------------------------------------------------


def test_skylight_cosigner_keys_match_the_published_verifier_keys() -> None:
    assert WITNESS.verifier().vkey() == _published_vkey("witness/witness.v0.json")
    assert WITNESS2.verifier().vkey() == _published_vkey("witness2/witness.v0.json")
    assert MIRROR.verifier().vkey() == _published_vkey("witness/mirror/mirror.v0.json")
    for path in ("witness/witness.v0.json", "witness2/witness.v0.json", "witness/mirror/mirror.v0.json"):
        assert isinstance(verifier_from_vkey(_published_vkey(path)), CosignatureVerifier)


@pytest.mark.parametrize(
    ("path", "cosigner", "origin", "other_signers"),
    [
        (f"witness/{ROME}/checkpoint", WITNESS, "rome2026h1.example.org", 1),
        (f"witness2/{MILAN}/checkpoint", WITNESS2, "milan2026h1.example.org", 0),
        (f"witness/mirror/{ROME}/checkpoint", MIRROR, "rome2026h1.example.org", 0),
    ],
)
def test_skylight_cosigned_checkpoints(path: str, cosigner: CosignatureSigner, origin: str, other_signers: int) -> None:
    text = (SKYLIGHT / path).read_text()
    verifier = CosignatureVerifier.from_vkey(cosigner.verifier().vkey())
    signed = open_checkpoint(text, [verifier], origin=origin)
    assert signed.checkpoint.size == 300
    (cosignature,) = signed.note.verified
    assert cosignature_timestamp(cosignature) == SKYLIGHT_TIME
    # The log's own signature is a static-ct-api TreeHeadSignature (type 0x05, ECDSA): unknown, ignored.
    assert len(signed.note.unverified) == other_signers
    # Ed25519 is deterministic: cosigning the body again gives back the very same file.
    note = parse_note(text)
    others = [sig for sig in note.signatures if sig != cosignature]
    if others:
        assert add_signatures(note.text + "\n" + "".join(sig.line() for sig in others), [cosigner]) == text
    else:
        assert sign_checkpoint(signed.checkpoint, [cosigner]) == text


def test_skylight_mirror_root_is_the_root_of_its_300_records() -> None:
    text = (SKYLIGHT / f"witness/mirror/{ROME}/checkpoint").read_text()
    checkpoint = open_checkpoint(text, [MIRROR.verifier()]).checkpoint
    records = [f"record {i}".encode() for i in range(300)]
    assert checkpoint.root_hash == root_from_leaf_hashes(map(leaf_hash, records))


def test_log_signature_only_checkpoint_is_unverified_for_witness_keys() -> None:
    text = (SKYLIGHT / "tree/checkpoint").read_text()
    assert parse_checkpoint(parse_note(text).text).origin == "rome2026h1.example.org"
    with pytest.raises(UnverifiedNoteError):
        open_checkpoint(text, [WITNESS.verifier(), WITNESS2.verifier(), MIRROR.verifier()])


def test_cosignature_from_another_witness_key_does_not_count() -> None:
    text = (SKYLIGHT / f"witness/{ROME}/checkpoint").read_text()
    with pytest.raises(UnverifiedNoteError):
        open_checkpoint(text, [WITNESS2.verifier(), MIRROR.verifier()])


def test_c2sp_cosignature_example_layout_and_message() -> None:
    example = C2SP["checkpoint_example_unverifiable"]["note"]
    line = C2SP["cosigned_checkpoint_example_unverifiable"]["extra_line"]
    note = parse_note(example + line + "\n")
    cosignature = note.signatures[1]
    assert (cosignature.name, f"{cosignature.key_id:08x}") == ("witness.example.com/w1", "8d66cf3f")
    assert cosignature_timestamp(cosignature) == 1679315147
    message = cosigned_message(note.text.encode(), 1679315147)
    assert message.decode() == C2SP["cosignature_v1_signed_message_example"]
    assert parse_checkpoint(note.text).size == 20852163


# --- our own round trips -----------------------------------------------------------------------------


def test_log_sign_witness_cosign_and_verify_round_trip() -> None:
    log = Ed25519Signer.from_skey(generate_key("gongzhi.example/ledger", seed=b"\x07" * 32)[0])
    skey, vkey = generate_cosigner_key("audit.example/witness", seed=b"\x09" * 32)
    witness = CosignatureSigner.from_skey(skey, timestamp=1_800_000_000)
    checkpoint = Checkpoint("gongzhi.example/ledger", 3, root_from_leaf_hashes(map(leaf_hash, [b"a", b"b", b"c"])))
    cosigned = add_signatures(sign_checkpoint(checkpoint, [log]), [witness])
    both = open_checkpoint(cosigned, [log.verifier(), CosignatureVerifier.from_vkey(vkey)])
    assert both.checkpoint == checkpoint and len(both.note.verified) == 2
    only_witness = open_checkpoint(cosigned, [verifier_from_vkey(vkey)])
    assert cosignature_timestamp(only_witness.note.verified[0]) == 1_800_000_000
    assert witness.verifier().vkey() == vkey and witness.skey() == skey


def test_cosignature_is_not_a_plain_signature_and_vice_versa() -> None:
    """Type bytes separate the key IDs: the same seed as log key and witness key never mixes."""
    seed = b"\x05" * 32
    log = Ed25519Signer("same.example/key", seed)
    witness = CosignatureSigner("same.example/key", seed, 1)
    assert log.key_id != witness.key_id
    checkpoint = Checkpoint("x.example/log", 0, EMPTY_ROOT)
    with pytest.raises(UnverifiedNoteError):
        open_checkpoint(sign_checkpoint(checkpoint, [log]), [witness.verifier()])


def test_cosignature_rules() -> None:
    checkpoint = Checkpoint("x.example/log", 0, EMPTY_ROOT)
    text = format_checkpoint(checkpoint).encode()
    verifier = WITNESS.verifier()
    good = WITNESS.sign(text)
    assert verifier.verify(text, good)
    assert not verifier.verify(text, good[:-1])  # not 8 + 64 bytes
    assert not verifier.verify(text, (MAX_TIMESTAMP + 1).to_bytes(8, "big") + good[8:])
    assert not verifier.verify(text, (SKYLIGHT_TIME + 1).to_bytes(8, "big") + good[8:])  # time is signed
    with pytest.raises(ValueError, match="2\\^63"):
        CosignatureSigner(WITNESS.name, WITNESS.seed, MAX_TIMESTAMP + 1)
    with pytest.raises(MalformedNoteError, match="not a cosignature"):
        cosignature_timestamp(Signature("x", 1, b"short"))


def test_verifier_keys_of_other_types_are_refused() -> None:
    seed_key = base64.b64encode(bytes([0x05]) + bytes(32)).decode()
    with pytest.raises(MalformedKeyError, match="0x05"):
        verifier_from_vkey(f"log.example+00000000+{seed_key}")
    with pytest.raises(MalformedKeyError, match="expected 0x04"):
        CosignatureVerifier.from_vkey(Ed25519Verifier.from_vkey(TESSERA_VKEY).vkey())
    assert CosignatureVerifier.from_vkey(WITNESS.verifier().vkey()).key_id == WITNESS.key_id
    assert COSIGNATURE_V1 == 0x04


# --- the checkpoint body: one test per rule of c2sp.org/tlog-checkpoint ----------------------------

ROOT_B64 = base64.b64encode(b"\x11" * 32).decode()


def test_checkpoint_format_and_parse_round_trip() -> None:
    checkpoint = Checkpoint("example.com/log", 20852163, b"\x11" * 32, ("ext one", "ext-two"))
    text = format_checkpoint(checkpoint)
    assert text == f"example.com/log\n20852163\n{ROOT_B64}\next one\next-two\n"
    assert parse_checkpoint(text) == checkpoint


def test_go_sumdb_tree_note_format() -> None:
    golden = GO["tlog"]["format_tree_golden"]
    checkpoint = Checkpoint("go.sum database tree", 123456789012, leaf_hash(b"hello world"))
    assert format_checkpoint(checkpoint) == golden
    assert parse_checkpoint(golden) == checkpoint


@pytest.mark.parametrize(
    ("text", "why"),
    [
        (f"example.com/log\n1\n{ROOT_B64}", "end with a newline"),
        ("example.com/log\n1\n", "needs an origin, a tree size and a root hash"),
        (f"\n1\n{ROOT_B64}\n", "must not be empty"),
        (f"example.com/log\n01\n{ROOT_B64}\n", "leading zeroes"),
        (f"example.com/log\n+1\n{ROOT_B64}\n", "not a decimal"),
        (f"example.com/log\n-1\n{ROOT_B64}\n", "not a decimal"),
        (f"example.com/log\n 1\n{ROOT_B64}\n", "not a decimal"),
        (f"example.com/log\n1_000\n{ROOT_B64}\n", "not a decimal"),
        (f"example.com/log\n\u0661\n{ROOT_B64}\n", "not a decimal"),  # Arabic-Indic digit one
        (f"example.com/log\n\n{ROOT_B64}\n", "not a decimal"),
        (f"example.com/log\n{2**64}\n{ROOT_B64}\n", "outside 0 to 2\\^64 - 1"),
        ("example.com/log\n1\nnot base64!\n", "root hash line"),
        (f"example.com/log\n1\n{ROOT_B64[:-2]}=\n", "root hash line"),  # non-canonical
        (f"example.com/log\n1\n{base64.b64encode(bytes(31)).decode()}\n", "31 bytes"),
        (f"example.com/log\n1\n{ROOT_B64}\n\next\n", "must not be empty"),  # empty extension line
        (f"example.com/log\n1\n{ROOT_B64}\next\n\n", "must not be empty"),
        (f"example.com/log\n0\n{ROOT_B64}\n", "empty tree's root"),
        (f"example.com/\tlog\n1\n{ROOT_B64}\n", "control character"),
    ],
)
def test_malformed_checkpoint_bodies(text: str, why: str) -> None:
    with pytest.raises(MalformedCheckpointError, match=why):
        parse_checkpoint(text)


def test_malformed_body_inside_a_validly_signed_note_is_rejected() -> None:
    log = Ed25519Signer("example.com/log", b"\x03" * 32)
    signed = sign_note("example.com/log\n01\nnot a root\n", [log])
    assert open_note(signed, [log.verifier()])
    with pytest.raises(MalformedCheckpointError):
        open_checkpoint(signed, [log.verifier()])


def test_signing_refuses_an_invalid_checkpoint() -> None:
    with pytest.raises(MalformedCheckpointError):
        Checkpoint("example.com/log\nforged", 1, b"\x11" * 32)
    with pytest.raises(MalformedCheckpointError):
        Checkpoint("example.com/log", -1, b"\x11" * 32)
