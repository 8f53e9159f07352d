"""A receipt verified step by step, for people: what the public verifier page shows.

``verify.verify_receipt`` gives the verdict; this module shows the work, in the order a person
can follow it: the entry's leaf hash, each step up the inclusion path (RFC 9162 §2.1.3.2, the
same loop the browser runs), the root reached, the checkpoint's signature, the witnesses'
cosignatures, the commitment, a document's hash (notarised documents) and, on the server, whether
the log of today still stands behind the receipt. Checking stops at the first failed step; the
verdict is ``verify_receipt``'s, so the page can never pass what the command-line check fails.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from gongzhi.errors import GongzhiError
from gongzhi.ledger.checkpoint import open_checkpoint, verifier_from_vkey
from gongzhi.ledger.entries import decode_entry
from gongzhi.ledger.errors import LedgerError
from gongzhi.ledger.merkle import leaf_hash, node_hash
from gongzhi.ledger.notary import check_document
from gongzhi.ledger.note import Ed25519Verifier, parse_note
from gongzhi.ledger.receipts import Receipt, parse_receipt
from gongzhi.ledger.verify import verify_receipt

Standing = Callable[[Receipt], str]  # the log of today's verdict on a receipt (server side only)


@dataclass(frozen=True)
class PathStep:
    """One level up the inclusion path: the sibling, on which side, and the hash they give."""

    level: int
    side: str  # "left" or "right": where the sibling sits
    sibling: str
    result: str


@dataclass(frozen=True)
class Step:
    """One check: its name (a stable key the page translates), whether it passed, and what was seen."""

    name: str
    ok: bool
    detail: str
    path: tuple[PathStep, ...] = ()


@dataclass
class Explanation:
    """The steps taken, and the verdict."""

    steps: list[Step] = field(default_factory=list)
    ok: bool = False
    entry: dict[str, object] | None = None

    def add(self, name: str, ok: bool, detail: str, path: Sequence[PathStep] = ()) -> bool:
        self.steps.append(Step(name, ok, detail, tuple(path)))
        return ok


def explain_receipt(
    text: str | bytes,
    *,
    log_key: str,
    witness_keys: Sequence[str] = (),
    sha256: str | None = None,
    standing: Standing | None = None,
    now: int | None = None,
) -> Explanation:
    """Verify a receipt step by step, stopping at the first step that fails.

    ``now`` (POSIX seconds) is the verifier's clock: the verdict refuses a cosignature dated later.
    """
    result = Explanation()
    try:
        receipt = parse_receipt(text)
    except LedgerError as exc:
        result.add("receipt", False, exc.message)
        return result
    result.add("receipt", True, f"entry {receipt.index}, {len(receipt.proof)} proof hashes")
    if not _steps(result, receipt, log_key, witness_keys, sha256, standing):
        return result
    try:
        verify_receipt(text, log_key=log_key, witness_keys=witness_keys, now=now)
    except (GongzhiError, ValueError) as exc:
        result.add("verdict", False, getattr(exc, "message", str(exc)))
        return result
    result.ok = True
    return result


def _steps(
    result: Explanation,
    receipt: Receipt,
    log_key: str,
    witness_keys: Sequence[str],
    sha256: str | None,
    standing: Standing | None,
) -> bool:
    leaf = leaf_hash(receipt.entry)
    try:
        result.entry = decode_entry(receipt.entry)
    except LedgerError as exc:
        return result.add("leaf", False, exc.message)
    result.add("leaf", True, leaf.hex())
    root, path = climb(leaf, receipt.index, _tree_size(receipt), receipt.proof)
    if not result.add("path", root is not None, _path_detail(root, receipt), path):
        return False
    if not _signature(result, receipt, log_key, root):
        return False
    if not _witnesses(result, receipt, witness_keys):
        return False
    if receipt.salt is not None or receipt.committed is not None:
        if not _guarded(result, "commitment", lambda: _commitment(receipt, log_key)):
            return False
    if sha256 is not None and result.entry is not None:
        entry = result.entry
        if not _guarded(result, "document", lambda: _document(receipt, log_key, sha256, entry)):
            return False
    if standing is not None:
        return _guarded(result, "standing", lambda: standing(receipt))
    return True


def climb(leaf: bytes, index: int, size: int, proof: Sequence[bytes]) -> tuple[bytes | None, list[PathStep]]:
    """RFC 9162 §2.1.3.2 from ``leaf`` to the root, recording each level; None when the proof cannot fit."""
    if not 0 <= index < size:
        return None, []
    fn, sn, value, steps = index, size - 1, leaf, []
    for level, sibling in enumerate(proof):
        if sn == 0 or len(sibling) != 32:
            return None, steps
        if fn & 1 or fn == sn:
            value = node_hash(sibling, value)
            steps.append(PathStep(level, "left", sibling.hex(), value.hex()))
            while not fn & 1 and fn:
                fn, sn = fn >> 1, sn >> 1
        else:
            value = node_hash(value, sibling)
            steps.append(PathStep(level, "right", sibling.hex(), value.hex()))
        fn, sn = fn >> 1, sn >> 1
    return (value if sn == 0 else None), steps


def _tree_size(receipt: Receipt) -> int:
    """The checkpoint's size as written (its signature is checked in a later step)."""
    try:
        return int(parse_note(receipt.checkpoint).text.split("\n")[1])
    except (LedgerError, ValueError, IndexError):
        return 0


def _path_detail(root: bytes | None, receipt: Receipt) -> str:
    if root is None:
        return f"the proof's {len(receipt.proof)} hashes do not fit entry {receipt.index} in the checkpoint's tree"
    return root.hex()


def _signature(result: Explanation, receipt: Receipt, log_key: str, root: bytes | None) -> bool:
    try:
        log = Ed25519Verifier.from_vkey(log_key)
        checkpoint = open_checkpoint(receipt.checkpoint, [log], origin=log.name).checkpoint
    except LedgerError as exc:
        return result.add("signature", False, exc.message)
    result.add("signature", True, f"{checkpoint.origin}: {checkpoint.size} entries, signed by {log.name}")
    root_b64 = base64.b64encode(checkpoint.root_hash).decode()
    if root != checkpoint.root_hash:
        reached = root.hex() if root else "-"
        return result.add("root", False, f"the path reaches {reached}, the checkpoint says {root_b64}")
    return result.add("root", True, f"{root_b64} = {checkpoint.root_hash.hex()}")


def _witnesses(result: Explanation, receipt: Receipt, witness_keys: Sequence[str]) -> bool:
    cosigners = [s.name for s in parse_note(receipt.checkpoint).signatures][1:]
    if not witness_keys:
        shown = ", ".join(cosigners) if cosigners else "none"
        return result.add("witnesses", True, f"not checked (no witness keys given); other signatures: {shown}")
    try:
        verifiers = [verifier_from_vkey(key) for key in witness_keys]
        verified = open_checkpoint(receipt.checkpoint, verifiers).note.verified
    except LedgerError as exc:
        return result.add("witnesses", False, exc.message)
    names = sorted({sig.name for sig in verified})
    ok = len(names) == len(witness_keys)
    return result.add("witnesses", ok, f"{len(names)} of {len(witness_keys)} cosigned: {', '.join(names) or '-'}")


def _commitment(receipt: Receipt, log_key: str) -> str:
    verified = verify_receipt(receipt.to_json(), log_key=log_key)
    return "the salt and the fields shown give the entry's commitment" if verified.opened else "no commitment"


def _document(receipt: Receipt, log_key: str, sha256: str, entry: dict[str, object]) -> str:
    check_document(verify_receipt(receipt.to_json(), log_key=log_key), sha256)
    return f"SHA-256 {entry.get('sha256')} notarised at {entry.get('at')}"


def _guarded(result: Explanation, name: str, check: Callable[[], str]) -> bool:
    try:
        return result.add(name, True, check())
    except GongzhiError as exc:
        return result.add(name, False, exc.message)
