"""The Merkle core against published vectors: transparency-dev/merkle's probes and RFC 6962's tree."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest

from gongzhi.ledger.errors import HashLengthError, ProofError
from gongzhi.ledger.merkle import (
    EMPTY_ROOT,
    MemoryHashes,
    Node,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_from_leaf_hashes,
    tree_root,
    verify_consistency,
    verify_inclusion,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "tlog"
PROBES = FIXTURES / "transparency-dev-merkle"
INCLUSION = sorted(PROBES.glob("inclusion/**/*.json"))
CONSISTENCY = sorted(PROBES.glob("consistency/**/*.json"))

# The one probe where we knowingly differ (SOURCE.md, note 3): it expects success for two equal
# 12-byte "don't care" roots, because transparency-dev/merkle compares roots without checking
# their length when size1 == size2. We insist every root is a 32-byte hash.
STRICTER_THAN_UPSTREAM = {"consistency/additional/sizes-are-equal-one-and-proof-is-empty.json"}


def _b64(value: str) -> bytes:
    return base64.b64decode(value)


def _probe_id(path: Path) -> str:
    return path.relative_to(PROBES).as_posix()


def _load(name: str) -> dict:
    return json.loads((FIXTURES / "transcribed" / name).read_text())


def test_all_probes_are_present() -> None:
    assert (len(INCLUSION), len(CONSISTENCY)) == (98, 98)


@pytest.mark.parametrize("path", INCLUSION, ids=_probe_id)
def test_inclusion_probe(path: Path) -> None:
    probe = json.loads(path.read_text())
    args = (
        _b64(probe["leafHash"]),
        probe["leafIdx"],
        probe["treeSize"],
        [_b64(h) for h in probe["proof"] or []],
        _b64(probe["root"]),
    )
    if probe["wantErr"]:
        with pytest.raises(ProofError):
            verify_inclusion(*args)
    else:
        verify_inclusion(*args)


@pytest.mark.parametrize("path", CONSISTENCY, ids=_probe_id)
def test_consistency_probe(path: Path) -> None:
    probe = json.loads(path.read_text())
    args = (
        probe["size1"],
        probe["size2"],
        [_b64(h) for h in probe["proof"] or []],
        _b64(probe["root1"]),
        _b64(probe["root2"]),
    )
    if _probe_id(path) in STRICTER_THAN_UPSTREAM:
        with pytest.raises(HashLengthError, match="12 bytes"):
            verify_consistency(*args)
    elif probe["wantErr"]:
        with pytest.raises(ProofError):
            verify_consistency(*args)
    else:
        verify_consistency(*args)


def test_size1_zero_probes_fail_for_a_reason_our_convention_keeps() -> None:
    """Upstream rejects every proof from size 0; we accept only (empty proof, empty-tree root).

    Each upstream size-0 probe still fails here, and this test pins down why, so a change to the
    convention cannot pass silently.
    """
    reasons = {}
    for path in CONSISTENCY:
        probe = json.loads(path.read_text())
        if probe["size1"] != 0:
            continue
        with pytest.raises(ProofError) as caught:
            verify_consistency(
                0,
                probe["size2"],
                [_b64(h) for h in probe["proof"] or []],
                _b64(probe["root1"]),
                _b64(probe["root2"]),
            )
        reasons[_probe_id(path)] = type(caught.value).__name__
    assert set(reasons.values()) <= {"ProofLengthError", "HashLengthError", "RootMismatchError"}
    assert len(reasons) == 9


def test_reference_tree_hashes() -> None:
    tree = _load("rfc6962-reference-tree.json")
    leaves = [leaf_hash(bytes.fromhex(leaf)) for leaf in tree["leaves_hex"]]
    stored = MemoryHashes.from_leaf_hashes(leaves)
    for level, hashes in enumerate(tree["node_hashes_hex"]):
        assert [h.hex() for h in stored.read_nodes([Node(level, i) for i in range(len(hashes))])] == hashes
    for size, root in tree["roots_by_size_hex"].items():
        assert root_from_leaf_hashes(leaves[: int(size)]).hex() == root
        assert tree_root(stored, int(size)).hex() == root


def test_reference_hash_examples() -> None:
    examples = _load("rfc6962-reference-tree.json")["hash_examples"]
    assert EMPTY_ROOT.hex() == examples[0]["want"]
    assert leaf_hash(b"").hex() == examples[1]["want"]
    assert leaf_hash(b"L123456").hex() == examples[2]["want"]
    assert node_hash(b"N123", b"N456").hex() == examples[3]["want"]
    record = _load("go-sumdb-note-and-tlog.json")["tlog"]["record_hash_hello_world_b64"]
    assert leaf_hash(b"hello world") == _b64(record)


def test_generated_proofs_equal_the_rfc6962_literals() -> None:
    leaves = [leaf_hash(bytes.fromhex(leaf)) for leaf in _load("rfc6962-reference-tree.json")["leaves_hex"]]
    stored = MemoryHashes.from_leaf_hashes(leaves)
    proofs = _load("rfc6962-proofs.json")
    for case in proofs["inclusion"]:
        proof = inclusion_proof(stored, case["leaf_index_1based"] - 1, case["tree_size"])
        assert [h.hex() for h in proof] == case["proof_hex"]
    for case in proofs["consistency"]:
        proof = consistency_proof(stored, case["size1"], case["size2"])
        assert [h.hex() for h in proof] == case["proof_hex"]
