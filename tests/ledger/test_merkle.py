"""Proof generation over injected storage, checked against verification in both directions."""

from __future__ import annotations

import math
import random
from collections.abc import Sequence

import pytest

from gongzhi.errors import InvalidInput
from gongzhi.ledger.errors import (
    HashLengthError,
    IndexOutOfRangeError,
    LedgerError,
    ProofError,
    ProofLengthError,
    RootMismatchError,
    TreeSizeError,
)
from gongzhi.ledger.merkle import (
    EMPTY_ROOT,
    MemoryHashes,
    Node,
    consistency_proof,
    hashes_to_store,
    inclusion_proof,
    leaf_hash,
    root_from_inclusion_proof,
    root_from_leaf_hashes,
    tree_root,
    verify_consistency,
    verify_inclusion,
)

MAX_SIZE = 70
ENTRIES = [f"entry {i}".encode() for i in range(MAX_SIZE)]
LEAVES = [leaf_hash(entry) for entry in ENTRIES]
TREE = MemoryHashes.from_leaf_hashes(LEAVES)  # complete subtrees never change, so it serves every size
ROOTS = [root_from_leaf_hashes(LEAVES[:size]) for size in range(MAX_SIZE + 1)]


class CountingReader:
    """Wraps a reader to count calls and nodes read: proofs must stay O(log n)."""

    def __init__(self, inner: MemoryHashes) -> None:
        self.inner = inner
        self.calls = 0
        self.nodes = 0

    def read_nodes(self, nodes: Sequence[Node]) -> list[bytes]:
        self.calls += 1
        self.nodes += len(nodes)
        return self.inner.read_nodes(nodes)


def flip(value: bytes, bit: int) -> bytes:
    """``value`` with one bit inverted."""
    raw = bytearray(value)
    raw[bit // 8] ^= 1 << (bit % 8)
    return bytes(raw)


def test_tree_root_from_storage_equals_root_of_leaf_list() -> None:
    assert ROOTS[0] == EMPTY_ROOT
    assert [tree_root(TREE, size) for size in range(MAX_SIZE + 1)] == ROOTS


def test_memory_hashes_match_appending_one_leaf_at_a_time() -> None:
    tree = MemoryHashes()
    for size, leaf in enumerate(LEAVES[:20]):
        new = hashes_to_store(tree, size, leaf)
        assert Node(0, size) in new
        assert len(new) == 1 + (~size & (size + 1)).bit_length() - 1  # leaf plus one parent per trailing 1
        tree.append(leaf)
        assert tree_root(tree, size + 1) == ROOTS[size + 1]


def test_inclusion_proofs_verify_and_every_flipped_bit_fails() -> None:
    """Seeded property test: all sizes 1..70, all indices; flip one random bit per hash."""
    rng = random.Random(6962)
    for size in range(1, MAX_SIZE + 1):
        for index in range(size):
            proof = inclusion_proof(TREE, index, size)
            verify_inclusion(LEAVES[index], index, size, proof, ROOTS[size])
            _assert_inclusion_tampering_fails(rng, index, size, proof)


def _assert_inclusion_tampering_fails(rng: random.Random, index: int, size: int, proof: list[bytes]) -> None:
    leaf, root = LEAVES[index], ROOTS[size]
    for position in range(len(proof)):
        bad = [*proof]
        bad[position] = flip(bad[position], rng.randrange(256))
        with pytest.raises(RootMismatchError):
            verify_inclusion(leaf, index, size, bad, root)
    with pytest.raises(RootMismatchError):
        verify_inclusion(flip(leaf, rng.randrange(256)), index, size, proof, root)
    with pytest.raises(RootMismatchError):
        verify_inclusion(leaf, index, size, proof, flip(root, rng.randrange(256)))
    if size > 1:
        with pytest.raises(ProofError):
            verify_inclusion(leaf, index ^ 1 if index ^ 1 < size else index - 1, size, proof, root)


def test_consistency_proofs_verify_and_every_flipped_bit_fails() -> None:
    """Seeded property test: every pair 0 <= size1 <= size2 <= 70; flip one random bit per hash."""
    rng = random.Random(9162)
    for size2 in range(1, MAX_SIZE + 1):
        for size1 in range(size2 + 1):
            proof = consistency_proof(TREE, size1, size2)
            verify_consistency(size1, size2, proof, ROOTS[size1], ROOTS[size2])
            _assert_consistency_tampering_fails(rng, size1, size2, proof)


def _assert_consistency_tampering_fails(rng: random.Random, size1: int, size2: int, proof: list[bytes]) -> None:
    root1, root2 = ROOTS[size1], ROOTS[size2]
    for position in range(len(proof)):
        bad = [*proof]
        bad[position] = flip(bad[position], rng.randrange(256))
        with pytest.raises(RootMismatchError):
            verify_consistency(size1, size2, bad, root1, root2)
    with pytest.raises(RootMismatchError):
        verify_consistency(size1, size2, proof, flip(root1, rng.randrange(256)), root2)
    if size1 == 0:
        # The empty tree is a prefix of every tree: a proof from size 0 says nothing about root2,
        # which is vouched for by its own checkpoint signature (see verify_consistency).
        verify_consistency(0, size2, proof, root1, flip(root2, rng.randrange(256)))
        return
    with pytest.raises(RootMismatchError):
        verify_consistency(size1, size2, proof, root1, flip(root2, rng.randrange(256)))


def test_every_single_bit_of_one_proof_matters() -> None:
    index, size1, size = 5, 6, 13
    inclusion = inclusion_proof(TREE, index, size)
    consistency = consistency_proof(TREE, size1, size)
    for position in range(len(inclusion)):
        for bit in range(256):
            bad = [*inclusion]
            bad[position] = flip(bad[position], bit)
            with pytest.raises(RootMismatchError):
                verify_inclusion(LEAVES[index], index, size, bad, ROOTS[size])
    for position in range(len(consistency)):
        for bit in range(256):
            bad = [*consistency]
            bad[position] = flip(bad[position], bit)
            with pytest.raises(RootMismatchError):
                verify_consistency(size1, size, bad, ROOTS[size1], ROOTS[size])


@pytest.mark.parametrize("size", [1, 2, 3, 255, 256, 257, 1000, 1023, 1025, 4097])
def test_proofs_read_logarithmically_many_nodes_in_one_batch(size: int) -> None:
    tree = MemoryHashes.from_entries(str(i).encode() for i in range(size))
    bound = 2 * math.ceil(math.log2(size)) + 1 if size > 1 else 1
    for index in {0, size // 3, size // 2, size - 1}:
        reader = CountingReader(tree)
        inclusion_proof(reader, index, size)
        assert reader.calls == 1 and reader.nodes <= bound
    for size1 in {1, size // 3, size // 2, size - 1} - {0}:
        reader = CountingReader(tree)
        consistency_proof(reader, size1, size)
        assert reader.calls == 1 and reader.nodes <= bound + 1
    reader = CountingReader(tree)
    tree_root(reader, size)
    assert reader.nodes <= math.floor(math.log2(size)) + 1


def test_root_from_inclusion_proof_returns_the_root_without_a_target() -> None:
    proof = inclusion_proof(TREE, 17, 40)
    assert root_from_inclusion_proof(LEAVES[17], 17, 40, proof) == ROOTS[40]


def test_size_zero_convention() -> None:
    """Consistency from size 0: empty proof and the empty-tree root, as c2sp.org/tlog-witness asks."""
    assert consistency_proof(TREE, 0, 9) == []
    verify_consistency(0, 9, [], EMPTY_ROOT, ROOTS[9])
    verify_consistency(0, 0, [], EMPTY_ROOT, EMPTY_ROOT)
    with pytest.raises(ProofLengthError, match="too long"):
        verify_consistency(0, 9, [ROOTS[1]], EMPTY_ROOT, ROOTS[9])
    with pytest.raises(RootMismatchError, match="empty tree"):
        verify_consistency(0, 9, [], ROOTS[1], ROOTS[9])
    with pytest.raises(RootMismatchError, match="empty tree"):
        verify_consistency(0, 0, [], ROOTS[1], ROOTS[1])


def test_errors_name_what_is_wrong() -> None:
    proof = inclusion_proof(TREE, 3, 10)
    with pytest.raises(IndexOutOfRangeError, match="leaf index 10 is outside a tree of size 10"):
        verify_inclusion(LEAVES[3], 10, 10, proof, ROOTS[10])
    with pytest.raises(ProofLengthError, match="too short"):
        verify_inclusion(LEAVES[3], 3, 10, proof[:-1], ROOTS[10])
    with pytest.raises(ProofLengthError, match="too long"):
        verify_inclusion(LEAVES[3], 3, 10, [*proof, proof[0]], ROOTS[10])
    with pytest.raises(HashLengthError, match="proof hash 1 is 31 bytes"):
        verify_inclusion(LEAVES[3], 3, 10, [proof[0], proof[1][:31], *proof[2:]], ROOTS[10])
    with pytest.raises(RootMismatchError, match="not the expected"):
        verify_inclusion(LEAVES[4], 3, 10, proof, ROOTS[10])
    with pytest.raises(TreeSizeError, match="larger than new tree size"):
        verify_consistency(10, 9, [], ROOTS[10], ROOTS[9])
    with pytest.raises(TreeSizeError):
        consistency_proof(TREE, 10, 9)
    with pytest.raises(IndexOutOfRangeError):
        inclusion_proof(TREE, 0, 0)
    with pytest.raises(RootMismatchError, match="same size"):
        verify_consistency(5, 5, [], ROOTS[5], ROOTS[6])


def test_error_tree() -> None:
    for error in (HashLengthError, IndexOutOfRangeError, ProofLengthError, RootMismatchError, TreeSizeError):
        assert issubclass(error, ProofError)
    assert issubclass(ProofError, LedgerError) and issubclass(LedgerError, InvalidInput)


def test_reading_beyond_the_tree_is_a_lookup_error() -> None:
    with pytest.raises(LookupError, match="no stored hash"):
        inclusion_proof(TREE, 0, MAX_SIZE + 1)
    with pytest.raises(HashLengthError):
        MemoryHashes().append(b"short")
