"""Checkpoints (c2sp.org/tlog-checkpoint) and witness cosignatures (c2sp.org/tlog-cosignature).

A checkpoint is the signed statement "the log with this origin has this many entries and this
root hash": a note whose text is the origin line, the decimal tree size, the base64 root hash and
optional extension lines. The log signs it with its Ed25519 note key; witnesses add
``cosignature/v1`` signatures (type 0x04), which sign ``cosignature/v1\\ntime <t>\\n`` followed by
the checkpoint text and carry the 8-byte big-endian timestamp before the 64-byte signature.

Parsing is strict (no leading zeroes, canonical base64, exactly 32 hash bytes, no empty lines) so
that a checkpoint has exactly one text: two logs cannot disagree about what was signed.
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from gongzhi.ledger.errors import CheckpointError, MalformedCheckpointError, MalformedKeyError, MalformedNoteError
from gongzhi.ledger.merkle import EMPTY_ROOT, HASH_SIZE
from gongzhi.ledger.note import (
    ED25519,
    Ed25519Verifier,
    Signature,
    Signer,
    VerifiedNote,
    Verifier,
    b64decode_canonical,
    check_ed25519_key,
    decode_ed25519_key,
    decode_key,
    ed25519_public_key,
    ed25519_sign,
    ed25519_verify,
    encode_key,
    key_id_for,
    open_note,
    sign_note,
)

COSIGNATURE_V1 = 0x04  # signature type of timestamped Ed25519 witness cosignatures
MAX_TREE_SIZE = 2**64 - 1  # tree sizes are uint64 in RFC 6962 and every tlog implementation
MAX_TIMESTAMP = 2**63 - 1  # tlog-cosignature: the timestamp MUST NOT exceed 2^63 - 1
_COSIGNATURE_SIZE = 8 + 64
_DECIMAL = re.compile("0|[1-9][0-9]*")
_CONTROL = re.compile("[\x00-\x1f]")


@dataclass(frozen=True)
class Checkpoint:
    """A log's tree head: origin, tree size, root hash and (discouraged) extension lines."""

    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        for line in (self.origin, *self.extensions):
            _check_line(line)
        if not 0 <= self.size <= MAX_TREE_SIZE:
            raise MalformedCheckpointError(f"tree size {self.size} is outside 0 to 2^64 - 1")
        if len(self.root_hash) != HASH_SIZE:
            raise MalformedCheckpointError(f"root hash is {len(self.root_hash)} bytes; it must be {HASH_SIZE}")
        if self.size == 0 and self.root_hash != EMPTY_ROOT:
            raise MalformedCheckpointError("a checkpoint of size 0 must carry the empty tree's root, SHA-256 of ''")


@dataclass(frozen=True)
class SignedCheckpoint:
    """A checkpoint together with the note it came in: which keys verified, which were unknown."""

    checkpoint: Checkpoint
    note: VerifiedNote


def format_checkpoint(checkpoint: Checkpoint) -> str:
    """The checkpoint's note text: one line each for origin, size, base64 root and extensions."""
    lines = [checkpoint.origin, str(checkpoint.size), _b64(checkpoint.root_hash), *checkpoint.extensions]
    return "".join(line + "\n" for line in lines)


def parse_checkpoint(text: str) -> Checkpoint:
    """Read a checkpoint body. Only call this on a note text whose signature was verified."""
    if not text.endswith("\n"):
        raise MalformedCheckpointError("checkpoint text must end with a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise MalformedCheckpointError(
            f"checkpoint has {len(lines)} line(s); it needs an origin, a tree size and a root hash"
        )
    origin, size_line, root_line, *extensions = lines
    return Checkpoint(origin, _parse_size(size_line), _parse_root(root_line), tuple(extensions))


def sign_checkpoint(checkpoint: Checkpoint, signers: Sequence[Signer]) -> str:
    """The signed checkpoint note, ready to serve at ``<prefix>/checkpoint``."""
    return sign_note(format_checkpoint(checkpoint), signers)


def open_checkpoint(msg: bytes | str, verifiers: Sequence[Verifier], *, origin: str | None = None) -> SignedCheckpoint:
    """Verify a signed checkpoint (see ``note.open_note``), then parse it.

    ``origin``, when given, must match: a valid signature by a trusted key on another log's
    checkpoint is still the wrong checkpoint.
    """
    note = open_note(msg, verifiers)
    checkpoint = parse_checkpoint(note.text)
    if origin is not None and checkpoint.origin != origin:
        raise CheckpointError(f"checkpoint is for log {checkpoint.origin!r}, not the expected {origin!r}")
    return SignedCheckpoint(checkpoint, note)


def cosigned_message(text: bytes, timestamp: int) -> bytes:
    """What a cosignature/v1 signs: a header line, the time line, then the checkpoint text."""
    return b"cosignature/v1\ntime %d\n" % timestamp + text


def cosignature_timestamp(signature: Signature) -> int:
    """The POSIX time at which a witness made this cosignature."""
    if len(signature.signature) != _COSIGNATURE_SIZE:
        raise MalformedNoteError(
            f"signature by {signature.name!r} is {len(signature.signature)} bytes, "
            f"not a cosignature/v1 ({_COSIGNATURE_SIZE} bytes: timestamp and Ed25519 signature)"
        )
    return int.from_bytes(signature.signature[:8], "big")


@dataclass(frozen=True)
class CosignatureVerifier:
    """Checks a witness's cosignature/v1 (type 0x04) on checkpoints."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        check_ed25519_key(self.name, self.public_key)

    @classmethod
    def from_vkey(cls, vkey: str) -> CosignatureVerifier:
        """Load a witness verifier key ``<name>+<hex>+<base64(0x04 ‖ public key)>``."""
        return cls(*decode_ed25519_key(vkey, COSIGNATURE_V1, private=False))

    @property
    def key_id(self) -> int:
        return key_id_for(self.name, COSIGNATURE_V1, self.public_key)

    def vkey(self) -> str:
        return encode_key(self.name, COSIGNATURE_V1, self.public_key, private=False, key_id=self.key_id)

    def verify(self, message: bytes, signature: bytes) -> bool:
        if len(signature) != _COSIGNATURE_SIZE:
            return False
        timestamp = int.from_bytes(signature[:8], "big")
        if timestamp > MAX_TIMESTAMP:
            return False
        return ed25519_verify(self.public_key, cosigned_message(message, timestamp), signature[8:])


@dataclass(frozen=True)
class CosignatureSigner:
    """A witness's cosigning key, fixed to one ``timestamp`` (passed in, never read from a clock)."""

    name: str
    seed: bytes = field(repr=False)
    timestamp: int

    def __post_init__(self) -> None:
        check_ed25519_key(self.name, self.seed)
        if not 0 <= self.timestamp <= MAX_TIMESTAMP:
            raise ValueError(f"cosignature timestamp {self.timestamp} is outside 0 to 2^63 - 1")

    @classmethod
    def from_skey(cls, skey: str, timestamp: int) -> CosignatureSigner:
        """Load a witness signer key ``PRIVATE+KEY+<name>+<hex>+<base64(0x04 ‖ seed)>``."""
        return cls(*decode_ed25519_key(skey, COSIGNATURE_V1, private=True), timestamp)

    @property
    def public_key(self) -> bytes:
        return ed25519_public_key(self.seed)

    @property
    def key_id(self) -> int:
        return key_id_for(self.name, COSIGNATURE_V1, self.public_key)

    def skey(self) -> str:
        return encode_key(self.name, COSIGNATURE_V1, self.seed, private=True, key_id=self.key_id)

    def verifier(self) -> CosignatureVerifier:
        return CosignatureVerifier(self.name, self.public_key)

    def sign(self, message: bytes) -> bytes:
        signature = ed25519_sign(self.seed, cosigned_message(message, self.timestamp))
        return self.timestamp.to_bytes(8, "big") + signature


def generate_cosigner_key(name: str, *, seed: bytes | None = None) -> tuple[str, str]:
    """A new witness key pair for ``name``: (signer key, verifier key), both of type 0x04."""
    signer = CosignatureSigner(name, secrets.token_bytes(32) if seed is None else seed, 0)
    return signer.skey(), signer.verifier().vkey()


def verifier_from_vkey(vkey: str) -> Ed25519Verifier | CosignatureVerifier:
    """Load a log key (type 0x01) or a witness key (type 0x04), whichever the string holds."""
    sig_type = decode_key(vkey, private=False).sig_type
    if sig_type == ED25519:
        return Ed25519Verifier.from_vkey(vkey)
    if sig_type == COSIGNATURE_V1:
        return CosignatureVerifier.from_vkey(vkey)
    raise MalformedKeyError(
        f"verifier key has signature type 0x{sig_type:02x}; supported are 0x01 (Ed25519 log keys) "
        "and 0x04 (Ed25519 witness cosignature keys)"
    )


def _check_line(line: str) -> None:
    if not line:
        raise MalformedCheckpointError("checkpoint origin and extension lines must not be empty")
    if _CONTROL.search(line):
        raise MalformedCheckpointError(f"checkpoint line {line[:40]!r} holds a control character or newline")


def _parse_size(line: str) -> int:
    if not _DECIMAL.fullmatch(line):
        raise MalformedCheckpointError(f"tree size line {line[:40]!r} is not a decimal number without leading zeroes")
    return int(line)


def _parse_root(line: str) -> bytes:
    try:
        return b64decode_canonical(line)
    except ValueError as exc:
        raise MalformedCheckpointError(f"root hash line {exc}") from exc


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()
