"""Verifier policy: which witnesses a checkpoint needs, and how many of them (k of n).

A verifier trusts a checkpoint only when enough independent witnesses cosigned it: then a log
that showed different trees to different people would have to fool that many witnesses too.
``WitnessPolicy.check`` looks at each witness on its own and says which one failed and how:

* no cosignature by the witness's name and key ID: *missing* (counts against the quorum);
* a cosignature that does not verify, or is dated too far in the future: the checkpoint is
  rejected outright (``InvalidSignatureError``), whatever the quorum, because the signed-note spec
  rejects a note with a bad signature by a known key: someone altered it.

Lines by keys the policy does not name are ignored, as c2sp.org/signed-note requires.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gongzhi.ledger.checkpoint import CosignatureVerifier, cosignature_timestamp, verifier_from_vkey
from gongzhi.ledger.errors import InvalidSignatureError, MalformedKeyError, WitnessQuorumError
from gongzhi.ledger.note import parse_note

FUTURE_SKEW_SECONDS = 600  # a witness's clock may run a little ahead of the verifier's, not more


@dataclass(frozen=True)
class Cosigner:
    """A witness whose cosignature verified, and when (POSIX time) it made it."""

    name: str
    timestamp: int


@dataclass(frozen=True)
class PolicyResult:
    """Who cosigned and who did not; the quorum was met."""

    cosigners: tuple[Cosigner, ...]
    missing: tuple[str, ...]


@dataclass(frozen=True)
class WitnessPolicy:
    """Require ``quorum`` of ``witnesses`` (cosignature/v1 keys) to have cosigned."""

    witnesses: tuple[CosignatureVerifier, ...]
    quorum: int

    def __post_init__(self) -> None:
        if not 0 <= self.quorum <= len(self.witnesses):
            raise ValueError(
                f"a policy of {self.quorum} witnesses needs 0 to {len(self.witnesses)} (the witness keys given)"
            )
        names = [w.name for w in self.witnesses]
        if len(set(names)) != len(names):
            raise MalformedKeyError("two witness keys have the same name; give each witness once")

    @classmethod
    def from_vkeys(cls, vkeys: Sequence[str], quorum: int | None = None) -> WitnessPolicy:
        """The policy for these witness verifier keys; by default every one of them must cosign."""
        witnesses = []
        for vkey in vkeys:
            verifier = verifier_from_vkey(vkey)
            if not isinstance(verifier, CosignatureVerifier):
                raise MalformedKeyError(
                    f"key {verifier.name!r} is a log key (type 0x01); a witness key has type 0x04 (cosignature/v1)"
                )
            witnesses.append(verifier)
        return cls(tuple(witnesses), len(witnesses) if quorum is None else quorum)

    def check(self, note: str | bytes, *, now: int | None = None) -> PolicyResult:
        """Check the cosignatures on a checkpoint note; raise naming the witness that failed."""
        parsed = parse_note(note)
        message = parsed.text.encode()
        cosigners: list[Cosigner] = []
        missing: list[str] = []
        for witness in self.witnesses:
            mine = (witness.name, witness.key_id)
            lines = [sig for sig in dict.fromkeys(parsed.signatures) if (sig.name, sig.key_id) == mine]
            for line in lines:
                if not witness.verify(message, line.signature):
                    raise InvalidSignatureError(
                        f"the cosignature by witness {witness.name} does not verify: the checkpoint or the "
                        "cosignature was altered, or it was made with another key of that name"
                    )
                _check_time(witness.name, cosignature_timestamp(line), now)
            if lines:
                cosigners.append(Cosigner(witness.name, max(cosignature_timestamp(line) for line in lines)))
            else:
                missing.append(witness.name)
        if len(cosigners) < self.quorum:
            raise WitnessQuorumError(
                f"the checkpoint is cosigned by {len(cosigners)} of the {len(self.witnesses)} witnesses given, "
                f"needs {self.quorum}; missing: {', '.join(missing)} (no cosignature by their keys)"
            )
        return PolicyResult(tuple(cosigners), tuple(missing))


def _check_time(name: str, timestamp: int, now: int | None) -> None:
    if now is not None and timestamp > now + FUTURE_SKEW_SECONDS:
        raise InvalidSignatureError(
            f"the cosignature by witness {name} is dated {timestamp}, {timestamp - now} s in the future: "
            "the witness's clock is wrong or the cosignature is not genuine"
        )
