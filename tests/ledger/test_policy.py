"""The verifier's witness policy (k of n), on Sunlight's published cosignatures and on our own."""

from __future__ import annotations

import hashlib

import pytest

from gongzhi.ledger.checkpoint import Checkpoint, CosignatureSigner, sign_checkpoint
from gongzhi.ledger.cosign import append_cosignatures
from gongzhi.ledger.errors import InvalidSignatureError, MalformedKeyError, WitnessQuorumError
from gongzhi.ledger.merkle import EMPTY_ROOT
from gongzhi.ledger.note import Ed25519Signer, Note, Signature, format_note, generate_key, parse_note
from gongzhi.ledger.policy import FUTURE_SKEW_SECONDS, Cosigner, WitnessPolicy
from tests.ledger.test_checkpoint import ROME, SKYLIGHT, SKYLIGHT_TIME, _published_vkey

LOG = Ed25519Signer.from_skey(generate_key("city.example/ledger", seed=bytes(range(32)))[0])
A = CosignatureSigner("a.witness.example", bytes([1] * 32), 1_800_000_000)
B = CosignatureSigner("b.witness.example", bytes([2] * 32), 1_800_000_100)
C = CosignatureSigner("c.witness.example", bytes([3] * 32), 1_800_000_200)
KEYS = [w.verifier().vkey() for w in (A, B, C)]


def cosigned_by(*witnesses: CosignatureSigner) -> str:
    """The log's checkpoint of the empty tree, with a cosignature by each witness."""
    note = sign_checkpoint(Checkpoint(LOG.name, 0, EMPTY_ROOT), [LOG])
    return append_cosignatures(
        note, [parse_note(sign_checkpoint(Checkpoint(LOG.name, 0, EMPTY_ROOT), [w])).signatures[0] for w in witnesses]
    )


def test_sunlights_cosigned_checkpoint_meets_a_one_witness_policy() -> None:
    note = (SKYLIGHT / f"witness/{ROME}/checkpoint").read_text()
    policy = WitnessPolicy.from_vkeys([_published_vkey("witness/witness.v0.json")])
    assert policy.check(note).cosigners == (Cosigner("witness.example.org", SKYLIGHT_TIME),)
    other = WitnessPolicy.from_vkeys([_published_vkey("witness2/witness.v0.json")])
    with pytest.raises(WitnessQuorumError, match="missing: witness2.example.org"):
        other.check(note)


@pytest.mark.parametrize(
    ("signers", "quorum", "ok"),
    [
        ((A, B, C), None, True),
        ((A, B), None, False),
        ((A, B), 2, True),
        ((C,), 1, True),
        ((C,), 2, False),
        ((), 0, True),
        ((), 1, False),
    ],
)
def test_k_of_n(signers: tuple[CosignatureSigner, ...], quorum: int | None, ok: bool) -> None:
    policy = WitnessPolicy.from_vkeys(KEYS, quorum)
    note = cosigned_by(*signers)
    if ok:
        result = policy.check(note)
        assert [c.name for c in result.cosigners] == [s.name for s in signers]
        assert len(result.missing) == 3 - len(signers)
    else:
        with pytest.raises(WitnessQuorumError) as caught:
            policy.check(note)
        absent = [w.name for w in (A, B, C) if w not in signers]
        assert f"missing: {', '.join(absent)}" in caught.value.message
        assert f"needs {policy.quorum}" in caught.value.message


def test_a_forged_cosignature_is_rejected_naming_the_witness_even_when_the_quorum_is_met() -> None:
    note = parse_note(cosigned_by(A, B))
    good = note.signatures[2]
    forged = Signature(good.name, good.key_id, good.signature[:-1] + bytes([good.signature[-1] ^ 1]))
    tampered = format_note(Note(note.text, (*note.signatures[:2], forged)))
    with pytest.raises(InvalidSignatureError, match="cosignature by witness b.witness.example does not verify"):
        WitnessPolicy.from_vkeys(KEYS, 1).check(tampered)


def test_a_cosignature_on_another_checkpoint_does_not_count() -> None:
    note = cosigned_by(A)
    other = sign_checkpoint(Checkpoint(LOG.name, 1, hashlib.sha256(b"\x00x").digest()), [LOG])
    lines = [line for line in note.splitlines(keepends=True) if line.startswith("— a.witness.example")]
    with pytest.raises(InvalidSignatureError, match="a.witness.example"):
        WitnessPolicy.from_vkeys(KEYS[:1]).check(other + "".join(lines))


def test_unknown_cosigners_are_ignored() -> None:
    stranger = CosignatureSigner("stranger.example", bytes([9] * 32), 1)
    assert WitnessPolicy.from_vkeys(KEYS[:1]).check(cosigned_by(A, stranger)).cosigners[0].name == A.name


def test_cosignatures_from_the_future_are_refused_when_a_time_is_given() -> None:
    note = cosigned_by(A)
    policy = WitnessPolicy.from_vkeys(KEYS[:1])
    assert policy.check(note, now=A.timestamp - FUTURE_SKEW_SECONDS)
    with pytest.raises(InvalidSignatureError, match="in the future"):
        policy.check(note, now=A.timestamp - FUTURE_SKEW_SECONDS - 1)


def test_policies_that_cannot_be_met_or_keys_that_are_not_witness_keys() -> None:
    with pytest.raises(ValueError, match="needs 0 to 3"):
        WitnessPolicy.from_vkeys(KEYS, 4)
    with pytest.raises(MalformedKeyError, match="is a log key"):
        WitnessPolicy.from_vkeys([LOG.verifier().vkey()])
    with pytest.raises(MalformedKeyError, match="same name"):
        WitnessPolicy.from_vkeys([KEYS[0], CosignatureSigner(A.name, bytes([7] * 32), 0).verifier().vkey()])
