"""Signed notes: Go's and C2SP's vectors, key strings, and one test per rule of the spec."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from gongzhi.ledger.errors import (
    InvalidSignatureError,
    MalformedKeyError,
    MalformedNoteError,
    NoteError,
    UnverifiedNoteError,
)
from gongzhi.ledger.note import (
    MAX_SIGNATURES,
    Ed25519Signer,
    Ed25519Verifier,
    Signature,
    add_signatures,
    format_note,
    generate_key,
    key_id_for,
    open_note,
    parse_note,
    sign_note,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tlog"
GO = json.loads((FIXTURES / "transcribed" / "go-sumdb-note-and-tlog.json").read_text())
C2SP = json.loads((FIXTURES / "transcribed" / "c2sp-spec-examples.json").read_text())

PETER = Ed25519Signer.from_skey(GO["keys"]["PeterNeumann"]["skey"])
PETER_V = Ed25519Verifier.from_vkey(GO["keys"]["PeterNeumann"]["vkey"])
ENOCH = Ed25519Signer.from_skey(GO["keys"]["EnochRoot"]["skey_derived"])
ENOCH_V = Ed25519Verifier.from_vkey(GO["keys"]["EnochRoot"]["vkey"])
TEXT = GO["note_text"]
BY_PETER = GO["signed_by_peter"]
BY_BOTH = GO["signed_by_peter_then_enoch"]
# Our own pair, for building notes that break one rule at a time.
ALICE = Ed25519Signer.from_skey(generate_key("example.org/alice", seed=bytes(range(32)))[0])
GOOD = sign_note("hello\n", [ALICE])


def test_go_keys_load_and_round_trip() -> None:
    assert PETER.verifier() == PETER_V
    assert f"{PETER.key_id:08x}" == GO["keys"]["PeterNeumann"]["key_id_hex"]
    assert PETER.skey() == GO["keys"]["PeterNeumann"]["skey"]
    assert PETER_V.vkey() == GO["keys"]["PeterNeumann"]["vkey"]
    assert ENOCH.verifier() == ENOCH_V


def test_generate_key_from_the_zero_seed_reproduces_go_enochroot() -> None:
    skey, vkey = generate_key("EnochRoot", seed=bytes(32))
    assert (skey, vkey) == (GO["keys"]["EnochRoot"]["skey_derived"], GO["keys"]["EnochRoot"]["vkey"])


def test_generated_keys_are_fresh_and_consistent() -> None:
    (skey1, vkey1), (skey2, _) = generate_key("example.org/log"), generate_key("example.org/log")
    assert skey1 != skey2
    signer = Ed25519Signer.from_skey(skey1)
    assert signer.verifier().vkey() == vkey1
    assert signer.key_id == key_id_for("example.org/log", 0x01, signer.public_key)
    assert "seed" not in repr(signer)  # a signer printed in a log must not leak its key


def test_signing_reproduces_go_byte_for_byte() -> None:
    assert sign_note(TEXT, [PETER]) == BY_PETER
    assert add_signatures(BY_PETER, [ENOCH]) == BY_BOTH
    assert sign_note(TEXT, [PETER, ENOCH]) == BY_BOTH


def test_c2sp_example_note_verifies() -> None:
    example = C2SP["signed_note_example"]
    opened = open_note(example["note"], [Ed25519Verifier.from_vkey(example["vkey"])])
    assert opened.text == "This is an example message.\n"


def test_go_open_cases() -> None:
    only_peter = open_note(BY_BOTH, [PETER_V])
    assert [s.name for s in only_peter.verified] == ["PeterNeumann"]
    assert [s.name for s in only_peter.unverified] == ["EnochRoot"]
    both = open_note(BY_BOTH.encode(), [PETER_V, ENOCH_V])
    assert [s.name for s in both.verified] == ["PeterNeumann", "EnochRoot"] and not both.unverified
    with pytest.raises(UnverifiedNoteError, match="no signature by a known key"):
        open_note(BY_BOTH, [])


def test_go_corrupted_signature_rejects_the_whole_note() -> None:
    lines = BY_BOTH.split("\n")
    lines[3] = lines[3][:60] + "ABCD" + lines[3][60:]
    with pytest.raises(InvalidSignatureError, match="PeterNeumann\\+c74f20a3"):
        open_note("\n".join(lines), [PETER_V, ENOCH_V])


def test_parse_and_format_round_trip() -> None:
    note = parse_note(BY_BOTH)
    assert note.text == TEXT and len(note.signatures) == 2
    assert format_note(note) == BY_BOTH


# --- c2sp.org/signed-note, "Format": one test per rule -------------------------------------------


@pytest.mark.parametrize("bad", [b"hello\xff\n\n", "hello\n\n".encode("utf-16"), b"\xc0\xafhello\n\n"])
def test_rule_note_must_be_utf8(bad: bytes) -> None:
    with pytest.raises(MalformedNoteError, match="UTF-8|control"):
        open_note(bad + GOOD.encode()[6:], [ALICE.verifier()])


@pytest.mark.parametrize("char", ["\x00", "\x01", "\t", "\r", "\x1b", "\x1f"])
def test_rule_no_control_characters_but_newline(char: str) -> None:
    with pytest.raises(MalformedNoteError, match="control character"):
        open_note(char + GOOD, [ALICE.verifier()])
    with pytest.raises(MalformedNoteError, match="control character"):
        sign_note(f"hel{char}lo\n", [ALICE])


def test_rule_lone_surrogate_is_not_unicode() -> None:
    with pytest.raises(MalformedNoteError, match="surrogate"):
        parse_note("hel\udcffo\n" + GOOD[6:])


def test_rule_note_ends_with_newline() -> None:
    with pytest.raises(MalformedNoteError, match="does not end with a newline"):
        parse_note(GOOD[:-1])
    with pytest.raises(MalformedNoteError, match="must end with a newline"):
        sign_note("no final newline", [ALICE])


def test_rule_blank_line_separates_text_and_signatures() -> None:
    with pytest.raises(MalformedNoteError, match="no blank line"):
        parse_note(GOOD.replace("\n\n", "\n"))
    with pytest.raises(MalformedNoteError, match="no blank line"):
        parse_note("hello\n")


def test_rule_text_is_split_at_the_last_blank_line() -> None:
    signed = sign_note("a\n\nb\n", [ALICE])
    assert open_note(signed, [ALICE.verifier()]).text == "a\n\nb\n"


def test_rule_at_least_one_signature_line() -> None:
    with pytest.raises(MalformedNoteError, match="no signature lines"):
        parse_note("hello\n\n")
    with pytest.raises(ValueError, match="at least one signer"):
        sign_note("hello\n", [])


@pytest.mark.parametrize(
    "line",
    [
        "- example.org/alice AAAAAAAA",  # hyphen, not em dash
        "\u2013 example.org/alice AAAAAAAA",  # en dash
        "\u2014example.org/alice AAAAAAAA",  # no space after the dash
        "not a signature",
    ],
)
def test_rule_signature_lines_start_with_em_dash_space(line: str) -> None:
    with pytest.raises(MalformedNoteError, match="not a signature line"):
        parse_note(GOOD + line + "\n")


@pytest.mark.parametrize(
    "name", ["", "Bad Name", "bad+name", "bad\u00a0name", "bad\u3000name", "bad\u2003name", "bad\u2028name"]
)
def test_rule_key_names_are_non_empty_without_spaces_or_plus(name: str) -> None:
    line = GOOD.split("\n")[2]
    blob = line.rsplit(" ", 1)[1]
    # An ASCII space ends the name early, and the rest then fails as base64: malformed either way.
    with pytest.raises(MalformedNoteError, match="key name|base64"):
        parse_note(f"hello\n\n\u2014 {name} {blob}\n")
    with pytest.raises(MalformedKeyError):
        Ed25519Signer(name, bytes(32))


@pytest.mark.parametrize(
    ("blob", "why"),
    [
        ("not*base64", "not standard padded base64"),
        ("AAAAAAAA=", "base64"),  # stray padding
        ("AAAAAAA", "not standard padded base64"),  # missing padding
        ("AAAAAAB=", "not the canonical"),  # non-zero unused bits
        ("AAAA AAAA", "not standard padded base64"),  # a second space
        ("AAAA", "needs a 4-byte key ID"),  # 3 bytes
        ("AAAAAA==", "needs a 4-byte key ID"),  # 4 bytes: key ID but no signature
    ],
)
def test_rule_signature_is_base64_of_key_id_and_signature(blob: str, why: str) -> None:
    with pytest.raises(MalformedNoteError, match=why):
        parse_note(f"hello\n\n\u2014 example.org/alice {blob}\n")


def test_rule_signature_limit() -> None:
    """At least 16 signatures must be accepted; we accept up to 100, as Go does, and no more."""
    extra = "".join(f"\u2014 example.org/other{i} AAAAAAAA\n" for i in range(MAX_SIGNATURES - 1))
    assert len(open_note(GOOD + extra, [ALICE.verifier()]).unverified) == MAX_SIGNATURES - 1
    with pytest.raises(MalformedNoteError, match="at most 100"):
        parse_note(GOOD + extra + "\u2014 example.org/one-too-many AAAAAAAA\n")


# --- c2sp.org/signed-note, "Signatures" ------------------------------------------------------------


def test_rule_unknown_keys_are_ignored_even_sharing_name_or_id() -> None:
    impostor = Ed25519Signer("example.org/alice", bytes(32))  # same name, other key, other ID
    other_name = Signature("example.org/mallory", ALICE.key_id, b"x" * 64)  # same ID, other name
    note = add_signatures(GOOD, [impostor]) + other_name.line()
    opened = open_note(note, [ALICE.verifier()])
    assert [s.name for s in opened.verified] == ["example.org/alice"]
    assert {(s.name, s.key_id) for s in opened.unverified} == {
        ("example.org/alice", impostor.key_id),
        ("example.org/mallory", ALICE.key_id),
    }


def test_rule_known_key_that_fails_rejects_the_whole_note() -> None:
    forged = Signature(ALICE.name, ALICE.key_id, bytes(64))
    with pytest.raises(InvalidSignatureError, match="does not verify"):
        open_note(add_signatures(GOOD, [PETER]) + forged.line(), [ALICE.verifier(), PETER_V])


def test_rule_no_known_valid_signature_rejects_the_note() -> None:
    with pytest.raises(UnverifiedNoteError, match="example.org/alice"):
        open_note(GOOD, [PETER_V])


def test_duplicate_signature_lines_count_once() -> None:
    line = GOOD.split("\n\n", 1)[1]
    opened = open_note(GOOD + line, [ALICE.verifier()])
    assert len(opened.verified) == 1


def test_conflicting_verifiers_for_one_name_and_id_are_refused() -> None:
    with pytest.raises(MalformedKeyError, match="share name"):
        open_note(GOOD, [ALICE.verifier(), _SameSlot(ALICE.name, ALICE.key_id)])


class _SameSlot:
    """A verifier claiming another key's name and ID (a configuration mistake)."""

    def __init__(self, name: str, key_id: int) -> None:
        self.name, self.key_id = name, key_id

    def verify(self, message: bytes, signature: bytes) -> bool:
        return False


# --- tampering -------------------------------------------------------------------------------------


@pytest.mark.parametrize("mask", [0x01, 0x20, 0x80])
def test_a_changed_byte_anywhere_fails_a_single_signature_note(mask: int) -> None:
    raw = BY_PETER.encode()
    for position in range(len(raw)):
        tampered = bytearray(raw)
        tampered[position] ^= mask
        with pytest.raises(NoteError):
            open_note(bytes(tampered), [PETER_V, ENOCH_V])


def test_a_changed_byte_anywhere_in_a_two_signature_note_loses_a_signature() -> None:
    """Changing one signer's name or key ID only makes that signature unknown, which the spec
    says to ignore; so the note may still open, but never with both signatures verified."""
    raw = BY_BOTH.encode()
    for position in range(len(raw)):
        tampered = bytearray(raw)
        tampered[position] ^= 0x01
        try:
            opened = open_note(bytes(tampered), [PETER_V, ENOCH_V])
        except NoteError:
            continue
        assert len(opened.verified) == 1


# --- key strings -----------------------------------------------------------------------------------


@pytest.mark.parametrize("case", GO["bad_vkeys"], ids=lambda case: case["why"])
def test_go_bad_verifier_keys(case: dict) -> None:
    with pytest.raises(MalformedKeyError):
        Ed25519Verifier.from_vkey(case["vkey"])


@pytest.mark.parametrize(
    ("vkey", "why"),
    [
        ("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "does not match"),
        ("PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "8 hex digits"),
        ("PeterNeumann+c74f20ag+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "8 hex digits"),
        ("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "name"),
        ("+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "name"),
        ("PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T", "base64"),
        ("PeterNeumann+c74f20a3", "no key material"),
        ("PeterNeumann+c74f20a3+AQ==", "no key material"),
        ("witness.example.org+b8a2cf20+BFLN3yikSfFkVAJtrnh/CiY3Zozkoy7clp+P7XB28qUN", "type 0x04"),
    ],
)
def test_malformed_verifier_keys(vkey: str, why: str) -> None:
    with pytest.raises(MalformedKeyError, match=why):
        Ed25519Verifier.from_vkey(vkey)


def test_malformed_signer_keys() -> None:
    skey = GO["keys"]["PeterNeumann"]["skey"]
    with pytest.raises(MalformedKeyError, match="PRIVATE\\+KEY"):
        Ed25519Signer.from_skey(skey.removeprefix("PRIVATE+KEY+"))
    with pytest.raises(MalformedKeyError, match="does not match"):
        Ed25519Signer.from_skey(skey.replace("c74f20a3", "c74f20a4"))
    with pytest.raises(MalformedKeyError, match="does not match"):
        Ed25519Signer.from_skey(skey.replace("PeterNeumann", "PeterNeuman"))
    secret = skey.rsplit("+", 1)[1]
    with pytest.raises(MalformedKeyError, match="base64") as caught:
        Ed25519Signer.from_skey(skey[:-1] + "{")
    assert secret[:-1] not in str(caught.value)  # an error about a secret key never prints it
    with pytest.raises(MalformedKeyError, match="holds 31 bytes"):
        bad = base64.b64encode(b"\x01" + bytes(31)).decode()
        Ed25519Signer.from_skey(f"PRIVATE+KEY+x+00000000+{bad}")
