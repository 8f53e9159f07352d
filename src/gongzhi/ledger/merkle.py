"""RFC 6962 / RFC 9162 Merkle trees: hashes, roots, inclusion and consistency proofs.

The log stores the hash of every *complete* subtree, addressed as in c2sp.org/tlog-tiles: node
``(level, index)`` is the root of leaves ``[index * 2**level, (index + 1) * 2**level)``. Proofs are
built over that storage, injected as a ``HashReader``, so the same code serves the database, a
directory of tiles and the in-memory ``MemoryHashes`` used in tests.

Cost: a proof needs O(log n) subtree hashes. All but at most one of them are complete subtrees,
read as stored; the exception is the one sibling on the tree's ragged right edge, which is folded
from the O(log n) complete subtrees that make it up. Every proof asks the reader once, in a batch.

Verification (RFC 9162 §2.1.3.2 and §2.1.4.2) is strict: every hash must be 32 bytes, and the
proof must have exactly the number of hashes the sizes call for, so a caller learns *what* is wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from hashlib import sha256
from typing import Protocol

from gongzhi.ledger.errors import (
    HashLengthError,
    IndexOutOfRangeError,
    ProofLengthError,
    RootMismatchError,
    TreeSizeError,
)

HASH_SIZE = 32
EMPTY_ROOT = sha256(b"").digest()  # MTH({}) in RFC 6962 §2.1: the root of the empty tree


@dataclass(frozen=True, slots=True)
class Node:
    """A complete subtree: ``2**level`` leaves starting at leaf ``index * 2**level``."""

    level: int
    index: int


class HashReader(Protocol):
    """Storage of complete-subtree hashes, the one seam between the Merkle maths and a database."""

    def read_nodes(self, nodes: Sequence[Node]) -> list[bytes]:
        """Return the stored hash of each node, in the order asked; raise LookupError if one is missing.

        A batch rather than one node per call, so that a database answers a proof in one query.
        """
        ...


def leaf_hash(entry: bytes) -> bytes:
    """Hash an entry as a leaf; the 0x00 prefix keeps leaves and inner nodes apart (RFC 6962 §2.1)."""
    return sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash two children into their parent, with the 0x01 inner-node prefix."""
    return sha256(b"\x01" + left + right).digest()


def root_from_leaf_hashes(leaf_hashes: Iterable[bytes]) -> bytes:
    """Root of the tree over these leaf hashes, in one pass with O(log n) memory."""
    stack: list[bytes] = []  # roots of the complete subtrees so far, largest first
    count = 0
    for leaf in leaf_hashes:
        _check_hash(leaf, "leaf hash")
        stack.append(leaf)
        count += 1
        carry = count
        while carry % 2 == 0:  # each trailing zero of the count is a pair that just completed
            right = stack.pop()
            stack[-1] = node_hash(stack[-1], right)
            carry //= 2
    return _fold(stack) if stack else EMPTY_ROOT


class MemoryHashes:
    """A HashReader kept in a dict: the in-memory log for tests and small tools."""

    def __init__(self) -> None:
        self._nodes: dict[Node, bytes] = {}
        self.size = 0

    @classmethod
    def from_entries(cls, entries: Iterable[bytes]) -> MemoryHashes:
        """Build the tree of these entries (each hashed as a leaf)."""
        return cls.from_leaf_hashes(leaf_hash(entry) for entry in entries)

    @classmethod
    def from_leaf_hashes(cls, leaf_hashes: Iterable[bytes]) -> MemoryHashes:
        """Build the tree of these leaf hashes."""
        tree = cls()
        for leaf in leaf_hashes:
            tree.append(leaf)
        return tree

    def append(self, leaf: bytes) -> None:
        """Add one leaf hash and every subtree hash it completes."""
        self._nodes.update(hashes_to_store(self, self.size, leaf))
        self.size += 1

    def read_nodes(self, nodes: Sequence[Node]) -> list[bytes]:
        """The stored hashes; a missing node means the caller asked beyond the tree."""
        missing = [node for node in nodes if node not in self._nodes]
        if missing:
            raise LookupError(f"no stored hash for {missing[0]} in a tree of size {self.size}")
        return [self._nodes[node] for node in nodes]


def hashes_to_store(reader: HashReader, size: int, leaf: bytes) -> dict[Node, bytes]:
    """The hashes that appending ``leaf`` as leaf number ``size`` creates: the leaf and its new parents.

    Leaf ``size`` completes one parent per trailing 1-bit of ``size``; each needs its stored left
    sibling, so a sequencer reads those few hashes in one batch and writes the result.
    """
    _check_hash(leaf, "leaf hash")
    new = {Node(0, size): leaf}
    levels = (~size & (size + 1)).bit_length() - 1  # number of trailing 1-bits of size
    lefts = reader.read_nodes([Node(level, (size >> level) - 1) for level in range(levels)])
    node, value = Node(0, size), leaf
    for left in lefts:
        node, value = Node(node.level + 1, node.index // 2), node_hash(left, value)
        new[node] = value
    return new


def tree_root(reader: HashReader, size: int) -> bytes:
    """Root of the first ``size`` leaves, folded from at most log2(size) + 1 stored hashes."""
    if size < 0:
        raise TreeSizeError(f"tree size {size} is negative")
    return _read_subtrees(reader, [(0, size)])[0] if size else EMPTY_ROOT


def inclusion_proof(reader: HashReader, index: int, size: int) -> list[bytes]:
    """RFC 9162 §2.1.3.1 inclusion proof of leaf ``index`` in the tree of ``size`` leaves."""
    _check_index(index, size)
    return _read_subtrees(reader, _inclusion_ranges(index, size))


def consistency_proof(reader: HashReader, size1: int, size2: int) -> list[bytes]:
    """RFC 9162 §2.1.4.1 proof that the tree of ``size1`` leaves is a prefix of the one of ``size2``.

    From size 0 the proof is empty: see ``verify_consistency`` for why that is our convention.
    """
    _check_sizes(size1, size2)
    if size1 == 0:
        return []
    return _read_subtrees(reader, _consistency_ranges(size1, size2))


def root_from_inclusion_proof(leaf: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes:
    """The root that ``proof`` leads to from ``leaf`` at ``index``; the caller compares it.

    Useful where the expected root is not known yet (a receipt's checkpoint is checked afterwards).
    """
    _check_hash(leaf, "leaf hash")
    _check_proof_hashes(proof)
    _check_index(index, size)
    inner, border = _inclusion_shape(index, size)
    _check_proof_length(proof, inner + border, f"an inclusion proof for leaf {index} in a tree of size {size}")
    return _chain_border(_chain_inner(leaf, proof[:inner], index), proof[inner:])


def verify_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> None:
    """Check that ``leaf`` is leaf number ``index`` of the tree with ``size`` leaves and ``root``.

    Raises a ``ProofError`` subclass naming the problem; returns nothing when the proof holds.
    """
    _check_hash(root, "root")
    computed = root_from_inclusion_proof(leaf, index, size, proof)
    if computed != root:
        raise RootMismatchError(
            f"inclusion proof for leaf {index} in a tree of size {size} leads to root {computed.hex()}, "
            f"not the expected {root.hex()}: the entry is not in that tree, or the proof is corrupt"
        )


def verify_consistency(size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes) -> None:
    """Check that the tree ``(size1, root1)`` is a prefix of the tree ``(size2, root2)``.

    Convention for size1 == 0: the proof must be empty and root1 must be the empty-tree hash
    (SHA-256 of nothing), and then the check passes. RFC 9162 defines proofs only for 0 < m and
    transparency-dev/merkle rejects size1 == 0 as meaningless; we follow c2sp.org/tlog-witness
    instead ("the proof MUST be empty if the old size is zero"), because our witnesses speak that
    protocol and a log's first checkpoint reaches them with old size 0. It is sound: the empty
    tree is a prefix of every tree and its root is fixed, so the empty proof claims nothing that
    could be false. The transparency-dev vectors that expect an error for size1 == 0 still get
    one, since each has a non-empty proof or roots that are not 32-byte hashes.
    """
    _check_hash(root1, "old root")
    _check_hash(root2, "new root")
    _check_proof_hashes(proof)
    _check_sizes(size1, size2)
    if size1 == 0 or size1 == size2:
        _verify_trivial_consistency(size1, size2, proof, root1, root2)
        return
    _verify_proper_consistency(size1, size2, proof, root1, root2)


def _verify_trivial_consistency(size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes) -> None:
    """Old size 0, or equal sizes: nothing to prove, so the proof is empty and the roots must agree."""
    _check_proof_length(proof, 0, f"a consistency proof from size {size1} to size {size2}")
    if size1 == 0 and root1 != EMPTY_ROOT:
        raise RootMismatchError(
            f"old root {root1.hex()} is given for size 0, but the empty tree's root is {EMPTY_ROOT.hex()}"
        )
    if size1 == size2 and root1 != root2:
        raise RootMismatchError(
            f"both trees have size {size1} but their roots differ ({root1.hex()} and {root2.hex()}): "
            "the log has shown two different trees of the same size"
        )


def _verify_proper_consistency(size1: int, size2: int, proof: Sequence[bytes], root1: bytes, root2: bytes) -> None:
    """RFC 9162 §2.1.4.2 for 0 < size1 < size2: rebuild both roots from the same proof hashes.

    The old tree's last leaf sits on the inclusion path of leaf size1 - 1 in the new tree. Levels
    where that path is a complete subtree of the old tree are skipped (``shift``); unless the old
    tree is itself complete, the proof starts with the hash of that subtree (the ``seed``).
    """
    inner, border = _inclusion_shape(size1 - 1, size2)
    shift = (size1 & -size1).bit_length() - 1  # trailing zero bits of size1
    inner -= shift
    seeded = size1 == 1 << shift  # the old tree is complete: its root is the seed
    _check_proof_length(
        proof, inner + border + (0 if seeded else 1), f"a consistency proof from size {size1} to size {size2}"
    )
    seed, rest = (root1, proof) if seeded else (proof[0], proof[1:])
    mask = (size1 - 1) >> shift
    old = _chain_border(_chain_inner_left(seed, rest[:inner], mask), rest[inner:])
    if old != root1:
        raise RootMismatchError(
            f"consistency proof from size {size1} to {size2} leads to old root {old.hex()}, "
            f"not the expected {root1.hex()}"
        )
    new = _chain_border(_chain_inner(seed, rest[:inner], mask), rest[inner:])
    if new != root2:
        raise RootMismatchError(
            f"consistency proof from size {size1} to {size2} leads to new root {new.hex()}, "
            f"not the expected {root2.hex()}: the new tree does not extend the old one"
        )


def _split(count: int) -> int:
    """Largest power of two below ``count`` (count >= 2): where RFC 6962 splits a tree."""
    return 1 << ((count - 1).bit_length() - 1)


def _inclusion_ranges(index: int, size: int) -> list[tuple[int, int]]:
    """Leaf ranges of the siblings on the path from leaf ``index`` to the root, leaf end first."""
    ranges = []
    lo, hi = 0, size
    while hi - lo > 1:
        mid = lo + _split(hi - lo)
        if index < mid:
            ranges.append((mid, hi))
            hi = mid
        else:
            ranges.append((lo, mid))
            lo = mid
    return ranges[::-1]


def _consistency_ranges(size1: int, size2: int) -> list[tuple[int, int]]:
    """Leaf ranges of RFC 9162's SUBPROOF(size1, D[size2], true), in proof order."""
    ranges = []
    lo, hi, old_end = 0, size2, size1
    while old_end != hi:
        mid = lo + _split(hi - lo)
        if old_end <= mid:
            ranges.append((mid, hi))
            hi = mid
        else:
            ranges.append((lo, mid))
            lo = mid
    if lo != 0:  # the old tree ends inside a subtree that is not the whole old tree: prove it too
        ranges.append((lo, hi))
    return ranges[::-1]


def _subtree_nodes(lo: int, hi: int) -> list[Node]:
    """The complete subtrees, largest first, that make up leaves [lo, hi) of an RFC 6962 subtree."""
    nodes = []
    while lo < hi:
        level = (hi - lo).bit_length() - 1
        if lo:
            level = min(level, (lo & -lo).bit_length() - 1)
        nodes.append(Node(level, lo >> level))
        lo += 1 << level
    return nodes


def _read_subtrees(reader: HashReader, ranges: Sequence[tuple[int, int]]) -> list[bytes]:
    """Hash of each leaf range, from one batched read of the complete subtrees they are made of."""
    plans = [_subtree_nodes(lo, hi) for lo, hi in ranges]
    wanted = [node for plan in plans for node in plan]
    hashes = iter(reader.read_nodes(wanted))
    return [_fold([next(hashes) for _ in plan]) for plan in plans]


def _fold(hashes: Sequence[bytes]) -> bytes:
    """Combine subtree roots, largest first, the way RFC 6962 nests an incomplete tree: right to left."""
    result = hashes[-1]
    for left in reversed(hashes[:-1]):
        result = node_hash(left, result)
    return result


def _inclusion_shape(index: int, size: int) -> tuple[int, int]:
    """Number of proof hashes below and above the point where leaf ``index`` joins the right edge.

    Below the highest bit where ``index`` and ``size - 1`` differ, every level has a sibling
    ("inner"); above it the path runs along the right edge and has a left sibling only where
    ``index`` has a 1-bit ("border").
    """
    inner = (index ^ (size - 1)).bit_length()
    return inner, (index >> inner).bit_count()


def _chain_inner(seed: bytes, proof: Sequence[bytes], index: int) -> bytes:
    """Climb the inner levels: the sibling is on the left where ``index`` has a 1-bit."""
    for level, sibling in enumerate(proof):
        seed = node_hash(sibling, seed) if (index >> level) & 1 else node_hash(seed, sibling)
    return seed


def _chain_inner_left(seed: bytes, proof: Sequence[bytes], index: int) -> bytes:
    """Climb the inner levels using left siblings only: what the old, smaller tree saw."""
    for level, sibling in enumerate(proof):
        if (index >> level) & 1:
            seed = node_hash(sibling, seed)
    return seed


def _chain_border(seed: bytes, proof: Sequence[bytes]) -> bytes:
    """Climb the right edge, where every sibling is a complete subtree on the left."""
    for sibling in proof:
        seed = node_hash(sibling, seed)
    return seed


def _check_hash(value: bytes, what: str) -> None:
    if len(value) != HASH_SIZE:
        raise HashLengthError(f"{what} is {len(value)} bytes long; a SHA-256 tree hash is {HASH_SIZE} bytes")


def _check_proof_hashes(proof: Sequence[bytes]) -> None:
    for position, value in enumerate(proof):
        _check_hash(value, f"proof hash {position}")


def _check_proof_length(proof: Sequence[bytes], want: int, what: str) -> None:
    if len(proof) != want:
        verdict = "too short" if len(proof) < want else "too long"
        raise ProofLengthError(f"proof has {len(proof)} hashes but {what} has {want}: it is {verdict}")


def _check_index(index: int, size: int) -> None:
    if not 0 <= index < size:
        raise IndexOutOfRangeError(
            f"leaf index {index} is outside a tree of size {size} (valid indices are 0 to size - 1)"
        )


def _check_sizes(size1: int, size2: int) -> None:
    if size1 < 0:
        raise TreeSizeError(f"old tree size {size1} is negative")
    if size1 > size2:
        raise TreeSizeError(
            f"old tree size {size1} is larger than new tree size {size2}: a log never shrinks, "
            "so the sizes are swapped or the log forked"
        )
