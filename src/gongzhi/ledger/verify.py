"""Offline verification of a receipt: what ``gongzhi ledger verify-receipt`` runs, with no network or database.

The checks, in order, each failing with an error that names the part that is wrong:

1. the file is a receipt (``ReceiptError``);
2. the checkpoint is signed by the log's key and is for that log (``NoteError``, ``CheckpointError``);
3. enough of the required witnesses cosigned it, and none of their cosignatures is forged or, when
   the caller gives ``now``, dated in the future (``policy.WitnessPolicy``: ``WitnessQuorumError``,
   ``InvalidSignatureError`` naming the witness);
4. the entry at that index, with that proof, leads to the checkpoint's root (``ProofError``);
5. the entry is canonical JSON with a type and version (``EntryError``);
6. the salt and committed fields give the entry's commitment (``CommitmentError``), when present.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gongzhi.ledger.checkpoint import Checkpoint, open_checkpoint
from gongzhi.ledger.entries import COMMITMENT, commitment, decode_entry
from gongzhi.ledger.errors import CommitmentError, RootMismatchError
from gongzhi.ledger.merkle import leaf_hash, root_from_inclusion_proof
from gongzhi.ledger.note import Ed25519Verifier
from gongzhi.ledger.policy import WitnessPolicy
from gongzhi.ledger.receipts import Receipt, parse_receipt


@dataclass(frozen=True)
class VerifiedReceipt:
    """What a valid receipt proves: this entry is leaf ``index`` of the log's tree of ``checkpoint.size``."""

    checkpoint: Checkpoint
    index: int
    entry: dict[str, Any]
    witnesses: tuple[str, ...]
    opened: bool  # the committed fields were checked against the entry's commitment


def verify_receipt(
    text: str | bytes,
    *,
    log_key: str,
    witness_keys: Sequence[str] = (),
    quorum: int | None = None,
    now: int | None = None,
) -> VerifiedReceipt:
    """Verify a receipt against the log's verifier key and, optionally, k of n witness keys (default: all).

    ``now`` (POSIX seconds, the verifier's clock) makes a cosignature dated more than
    ``policy.FUTURE_SKEW_SECONDS`` later than it fail: a witness cannot vouch for a checkpoint at a
    time that has not come yet. Callers pass their clock; without it the dates are not checked.
    """
    receipt = parse_receipt(text)
    log = Ed25519Verifier.from_vkey(log_key)
    policy = WitnessPolicy.from_vkeys(witness_keys, quorum)
    checkpoint, cosigners = _open_checkpoint(receipt, log, policy, now)
    _check_inclusion(receipt, checkpoint)
    entry = decode_entry(receipt.entry)
    opened = _check_commitment(receipt, entry)
    return VerifiedReceipt(checkpoint, receipt.index, entry, cosigners, opened)


def _open_checkpoint(
    receipt: Receipt, log: Ed25519Verifier, policy: WitnessPolicy, now: int | None
) -> tuple[Checkpoint, tuple[str, ...]]:
    """The checkpoint, once the log's signature verifies and the witness policy is met (naming who failed)."""
    signed = open_checkpoint(receipt.checkpoint, [log], origin=log.name)
    result = policy.check(receipt.checkpoint, now=now)
    return signed.checkpoint, tuple(cosigner.name for cosigner in result.cosigners)


def _check_inclusion(receipt: Receipt, checkpoint: Checkpoint) -> None:
    """The entry's leaf hash, at its index, climbs the proof to the checkpoint's root."""
    computed = root_from_inclusion_proof(leaf_hash(receipt.entry), receipt.index, checkpoint.size, receipt.proof)
    if computed != checkpoint.root_hash:
        raise RootMismatchError(
            f"the entry at index {receipt.index} with this proof leads to root {computed.hex()}, not the "
            f"checkpoint's {checkpoint.root_hash.hex()}: the entry, its index or the proof was altered"
        )


def _check_commitment(receipt: Receipt, entry: dict[str, Any]) -> bool:
    """When the receipt opens the entry's commitment, the salt and fields must hash to it exactly."""
    if receipt.salt is None and receipt.committed is None:
        return False
    if receipt.salt is None or receipt.committed is None:
        raise CommitmentError("the receipt has a salt without committed fields, or fields without a salt")
    expected = entry.get(COMMITMENT)
    if not isinstance(expected, str):
        raise CommitmentError("the receipt opens a commitment, but the entry holds none")
    if commitment(receipt.salt, receipt.committed) != expected:
        raise CommitmentError(
            "the salt and committed fields do not hash to the entry's commitment: "
            "the message or contact shown in the receipt is not what was recorded"
        )
    return True
