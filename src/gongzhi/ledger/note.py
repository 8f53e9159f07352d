"""Signed notes (c2sp.org/signed-note): text signed by one or more keys, with Ed25519 keys.

A note is a text ending in a newline, a blank line, and signature lines
``— <key name> <base64(4-byte key ID ‖ signature)>``. Checkpoints and witness cosignatures are
notes, so everything the ledger publishes is signed and checked here.

Keys travel as text, compatible with Go's golang.org/x/mod/sumdb/note and the C2SP tools:
verifier key ``<name>+<key ID hex>+<base64(type ‖ public key)>`` and signer key
``PRIVATE+KEY+<name>+<key ID hex>+<base64(type ‖ 32-byte seed)>``, where the key ID is the first
four bytes of SHA-256(name ‖ "\\n" ‖ type ‖ public key).

Two choices go beyond the spec, both on the strict side: base64 must be canonical (otherwise a
signature's unused padding bits could change without the note failing), and a note may carry at
most ``MAX_SIGNATURES`` signatures (the spec asks verifiers to accept at least 16; Go allows 100).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from gongzhi.ledger.errors import (
    InvalidSignatureError,
    MalformedKeyError,
    MalformedNoteError,
    UnverifiedNoteError,
)

ED25519 = 0x01  # signature type of plain Ed25519 note signatures
MAX_SIGNATURES = 100
SIGNATURE_PREFIX = "\u2014 "  # em dash, space
PRIVATE_KEY_PREFIX = "PRIVATE+KEY+"

_CONTROL = re.compile("[\x00-\x09\x0b-\x1f]")  # ASCII controls other than newline
_KEY_ID_HEX = re.compile("[0-9a-fA-F]{8}")


@dataclass(frozen=True)
class Signature:
    """One signature line: who signed (name and key ID) and the signature bytes."""

    name: str
    key_id: int
    signature: bytes

    def line(self) -> str:
        """The signature line as it appears in a note, newline included."""
        blob = self.key_id.to_bytes(4, "big") + self.signature
        return f"{SIGNATURE_PREFIX}{self.name} {base64.b64encode(blob).decode()}\n"


@dataclass(frozen=True)
class Note:
    """A note as written: its text and every signature line, verified or not."""

    text: str
    signatures: tuple[Signature, ...]


@dataclass(frozen=True)
class VerifiedNote:
    """A note whose signatures by known keys all verified; the others are kept, unverified."""

    text: str
    verified: tuple[Signature, ...]
    unverified: tuple[Signature, ...]


class Signer(Protocol):
    """Anything that signs note texts under a name and key ID (log keys, witness keys)."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    def sign(self, message: bytes) -> bytes:
        """Signature over the note text (the bytes after the key ID in the signature line)."""
        ...


class Verifier(Protocol):
    """Anything that checks signatures made under a name and key ID."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is valid for the note text ``message``."""
        ...


class KeyText(NamedTuple):
    """The parts of a key string: name, key ID, signature type and key material."""

    name: str
    key_id: int
    sig_type: int
    material: bytes


def key_id_for(name: str, sig_type: int, public_key: bytes) -> int:
    """The key ID the spec recommends: SHA-256(name ‖ "\\n" ‖ type ‖ public key)[:4], big-endian."""
    digest = hashlib.sha256(name.encode() + b"\n" + bytes([sig_type]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def is_valid_key_name(name: str) -> bool:
    """Key names are non-empty and hold no Unicode space and no '+' (they end at '+' in key strings)."""
    return bool(name) and "+" not in name and not any(char.isspace() for char in name)


def b64decode_canonical(text: str) -> bytes:
    """Decode standard, padded base64 and insist it is the one canonical encoding of its bytes.

    The message never repeats the input: it may be a private key.
    """
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("is not standard padded base64") from exc
    if base64.b64encode(raw).decode() != text:
        raise ValueError("is not the canonical base64 of its bytes (stray padding or unused bits set)")
    return raw


def parse_note(msg: bytes | str) -> Note:
    """Split a note into text and signature lines, checking syntax only (no signature is checked).

    The text is everything up to and including the newline before the last blank line.
    """
    whole = _decode_note(msg)
    if not whole.endswith("\n"):
        raise MalformedNoteError("note does not end with a newline; every signature line must end with one")
    split = whole.rfind("\n\n")
    if split < 0:
        raise MalformedNoteError("note has no blank line: its text must be followed by an empty line and signatures")
    text, block = whole[: split + 1], whole[split + 2 :]
    if not block:
        raise MalformedNoteError("note has no signature lines after its blank line")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedNoteError(f"note has {len(lines)} signatures; at most {MAX_SIGNATURES} are accepted")
    return Note(text, tuple(_parse_signature_line(line) for line in lines))


def format_note(note: Note) -> str:
    """The note as text: its text, a blank line, then its signature lines."""
    return note.text + "\n" + "".join(sig.line() for sig in note.signatures)


def sign_note(text: str, signers: Sequence[Signer]) -> str:
    """Sign ``text`` with every signer (at least one) and return the signed note."""
    if not signers:
        raise ValueError("a signed note needs at least one signer")
    return format_note(_signed(text, signers, ()))


def add_signatures(msg: bytes | str, signers: Sequence[Signer]) -> str:
    """Append signatures to an existing note (what a witness does), keeping the ones already there.

    Only the syntax of ``msg`` is checked: verify it with ``open_note`` first if that matters.
    """
    note = parse_note(msg)
    return format_note(_signed(note.text, signers, note.signatures))


def open_note(msg: bytes | str, verifiers: Sequence[Verifier]) -> VerifiedNote:
    """Parse a note and verify it against the known keys, as the spec requires.

    Signatures whose (name, key ID) match no known key are ignored; every signature by a known key
    must verify, else the whole note is rejected; at least one must be present. Exact duplicate
    lines are counted once.
    """
    note = parse_note(msg)
    known = _index_verifiers(verifiers)
    message = note.text.encode()
    verified: list[Signature] = []
    unverified: list[Signature] = []
    for sig in dict.fromkeys(note.signatures):
        verifier = known.get((sig.name, sig.key_id))
        if verifier is None:
            unverified.append(sig)
        elif verifier.verify(message, sig.signature):
            verified.append(sig)
        else:
            raise InvalidSignatureError(
                f"signature by key {sig.name}+{sig.key_id:08x} does not verify: "
                "the note was altered after signing, or signed with another key of that name and ID"
            )
    if not verified:
        signers = ", ".join(f"{s.name}+{s.key_id:08x}" for s in unverified)
        raise UnverifiedNoteError(
            f"note has no signature by a known key (it is signed by: {signers}); "
            "its text must not be trusted. Configure the signer's verifier key if it should be"
        )
    return VerifiedNote(note.text, tuple(verified), tuple(unverified))


def encode_key(name: str, sig_type: int, material: bytes, *, private: bool, key_id: int) -> str:
    """Format a key string; ``material`` is the seed for signer keys, the public key otherwise."""
    prefix = PRIVATE_KEY_PREFIX if private else ""
    blob = base64.b64encode(bytes([sig_type]) + material).decode()
    return f"{prefix}{name}+{key_id:08x}+{blob}"


def decode_key(text: str, *, private: bool) -> KeyText:
    """Split a key string into its parts, checking its syntax (not its key ID, which is type-specific)."""
    what = "signer key" if private else "verifier key"
    if private:
        if not text.startswith(PRIVATE_KEY_PREFIX):
            raise MalformedKeyError(f"{what} does not start with {PRIVATE_KEY_PREFIX!r}")
        text = text[len(PRIVATE_KEY_PREFIX) :]
    name, _, rest = text.partition("+")
    key_id_hex, _, blob = rest.partition("+")
    if not is_valid_key_name(name):
        raise MalformedKeyError(f"{what} name {name!r} is empty or contains a space or '+'")
    if not _KEY_ID_HEX.fullmatch(key_id_hex):
        raise MalformedKeyError(f"{what} for {name!r} has key ID {key_id_hex!r}; expected 8 hex digits")
    try:
        raw = b64decode_canonical(blob)
    except ValueError as exc:
        raise MalformedKeyError(f"{what} for {name!r}: key material {exc}") from exc
    if len(raw) < 2:
        raise MalformedKeyError(f"{what} for {name!r} has no key material after its type byte")
    return KeyText(name, int(key_id_hex, 16), raw[0], raw[1:])


def decode_ed25519_key(text: str, sig_type: int, *, private: bool) -> tuple[str, bytes]:
    """Parse an Ed25519-based key string of type ``sig_type``: (name, seed or public key).

    Checks the type byte, the 32-byte length and that the key ID matches the name and key, so a
    key pasted with a typo fails here rather than as a mysterious unverified note later.
    """
    key = decode_key(text, private=private)
    if key.sig_type != sig_type:
        raise MalformedKeyError(f"key {key.name!r} has signature type 0x{key.sig_type:02x}, expected 0x{sig_type:02x}")
    if len(key.material) != 32:
        raise MalformedKeyError(f"key {key.name!r} holds {len(key.material)} bytes; Ed25519 keys are 32")
    public = ed25519_public_key(key.material) if private else key.material
    if key_id_for(key.name, sig_type, public) != key.key_id:
        raise MalformedKeyError(f"key {key.name!r} has key ID {key.key_id:08x}, which does not match its key")
    return key.name, key.material


def ed25519_public_key(seed: bytes) -> bytes:
    """The 32-byte public key of a 32-byte Ed25519 seed."""
    return Ed25519PrivateKey.from_private_bytes(seed).public_key().public_bytes_raw()


def ed25519_sign(seed: bytes, message: bytes) -> bytes:
    """Ed25519 signature (deterministic, RFC 8032) of ``message`` under ``seed``."""
    return Ed25519PrivateKey.from_private_bytes(seed).sign(message)


def ed25519_verify(public_key: bytes, message: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is a valid Ed25519 signature; malformed inputs are simply invalid."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class Ed25519Verifier:
    """Verifies plain Ed25519 note signatures (type 0x01), e.g. a log's checkpoint signature."""

    name: str
    public_key: bytes

    def __post_init__(self) -> None:
        check_ed25519_key(self.name, self.public_key)

    @classmethod
    def from_vkey(cls, vkey: str) -> Ed25519Verifier:
        """Load a verifier key string ``<name>+<hex>+<base64>``."""
        return cls(*decode_ed25519_key(vkey, ED25519, private=False))

    @property
    def key_id(self) -> int:
        return key_id_for(self.name, ED25519, self.public_key)

    def vkey(self) -> str:
        """The verifier key string to publish."""
        return encode_key(self.name, ED25519, self.public_key, private=False, key_id=self.key_id)

    def verify(self, message: bytes, signature: bytes) -> bool:
        return ed25519_verify(self.public_key, message, signature)


@dataclass(frozen=True)
class Ed25519Signer:
    """Signs notes with Ed25519 (type 0x01). The seed is kept out of ``repr`` so logs never show it."""

    name: str
    seed: bytes = field(repr=False)

    def __post_init__(self) -> None:
        check_ed25519_key(self.name, self.seed)

    @classmethod
    def from_skey(cls, skey: str) -> Ed25519Signer:
        """Load a signer key string ``PRIVATE+KEY+<name>+<hex>+<base64>``."""
        return cls(*decode_ed25519_key(skey, ED25519, private=True))

    @property
    def public_key(self) -> bytes:
        return ed25519_public_key(self.seed)

    @property
    def key_id(self) -> int:
        return key_id_for(self.name, ED25519, self.public_key)

    def skey(self) -> str:
        """The signer key string, to be stored as a secret."""
        return encode_key(self.name, ED25519, self.seed, private=True, key_id=self.key_id)

    def verifier(self) -> Ed25519Verifier:
        return Ed25519Verifier(self.name, self.public_key)

    def sign(self, message: bytes) -> bytes:
        return ed25519_sign(self.seed, message)


def generate_key(name: str, *, seed: bytes | None = None) -> tuple[str, str]:
    """A new Ed25519 key pair for ``name`` (a log's origin): (signer key, verifier key).

    ``seed`` is for reproducible tests only; by default 32 bytes come from the OS's CSPRNG.
    """
    signer = Ed25519Signer(name, secrets.token_bytes(32) if seed is None else seed)
    return signer.skey(), signer.verifier().vkey()


def check_note_text(text: str) -> None:
    """A note text must be non-empty UTF-8, end with a newline and hold no control character but newline."""
    _check_no_controls(text)
    try:
        text.encode()
    except UnicodeEncodeError as exc:
        raise MalformedNoteError("note text is not valid Unicode (it holds a lone surrogate)") from exc
    if not text.endswith("\n"):
        raise MalformedNoteError("note text must end with a newline")


def _decode_note(msg: bytes | str) -> str:
    """The note as a str, after the spec's whole-note rules: valid UTF-8, no control characters."""
    if isinstance(msg, str):
        try:
            msg = msg.encode()
        except UnicodeEncodeError as exc:
            raise MalformedNoteError("note is not valid Unicode (it holds a lone surrogate)") from exc
    try:
        text = msg.decode()
    except UnicodeDecodeError as exc:
        raise MalformedNoteError(f"note is not valid UTF-8 (bad byte at offset {exc.start})") from exc
    _check_no_controls(text)
    return text


def _check_no_controls(text: str) -> None:
    found = _CONTROL.search(text)
    if found:
        raise MalformedNoteError(
            f"note holds control character U+{ord(found.group()):04X} at offset {found.start()}; "
            "only newline is allowed"
        )


def _parse_signature_line(line: str) -> Signature:
    if not line.startswith(SIGNATURE_PREFIX):
        raise MalformedNoteError(
            f"line {line[:40]!r} after the blank line is not a signature line (they start with '— ')"
        )
    name, _, blob = line[len(SIGNATURE_PREFIX) :].partition(" ")
    if not is_valid_key_name(name):
        raise MalformedNoteError(f"signature key name {name!r} is empty or contains a space or '+'")
    try:
        raw = b64decode_canonical(blob)
    except ValueError as exc:
        raise MalformedNoteError(f"signature by {name!r} {exc}") from exc
    if len(raw) < 5:
        raise MalformedNoteError(f"signature by {name!r} is {len(raw)} bytes; it needs a 4-byte key ID and a signature")
    return Signature(name, int.from_bytes(raw[:4], "big"), raw[4:])


def _signed(text: str, signers: Sequence[Signer], existing: tuple[Signature, ...]) -> Note:
    check_note_text(text)
    message = text.encode()
    new = []
    for signer in signers:
        if not is_valid_key_name(signer.name):
            raise MalformedKeyError(f"signer name {signer.name!r} is empty or contains a space or '+'")
        new.append(Signature(signer.name, signer.key_id, signer.sign(message)))
    return Note(text, existing + tuple(new))


def _index_verifiers(verifiers: Sequence[Verifier]) -> dict[tuple[str, int], Verifier]:
    known: dict[tuple[str, int], Verifier] = {}
    for verifier in verifiers:
        slot = (verifier.name, verifier.key_id)
        if slot in known and known[slot] != verifier:
            raise MalformedKeyError(
                f"two different verifier keys share name {slot[0]!r} and key ID {slot[1]:08x}; keep one"
            )
        known[slot] = verifier
    return known


def check_ed25519_key(name: str, material: bytes) -> None:
    """A key object needs a valid key name and exactly 32 bytes of seed or public key."""
    if not is_valid_key_name(name):
        raise MalformedKeyError(f"key name {name!r} is empty or contains a space or '+'")
    if len(material) != 32:
        raise MalformedKeyError(f"key {name!r} holds {len(material)} bytes; Ed25519 keys are 32")
