"""``gongzhi ledger audit``: check a published log from the outside, trusting nothing but its verifier key.

The auditor reads what any client of c2sp.org/tlog-tiles reads (the checkpoint, every hash tile
and every entry bundle) and believes none of it until it has rebuilt it:

1. the checkpoint must carry a valid signature by the log's key, for the key's origin (and, with a
   witness policy, its quorum of witness cosignatures);
2. no checkpoint seen on an earlier run may be larger (a log never shrinks);
3. level 0: each entry bundle is hashed, entry by entry, and must equal the level-0 tile served
   for it. The first entry whose leaf hash differs is the reported divergence, by index; a bundle
   that is malformed is read as far as its entries match, and one that is not served at all is
   narrowed by bisecting its partial bundles, so a deleted entry is named too;
4. each higher tile must hold the roots of the full tiles below it;
5. the tiles must give the checkpoint's root;
6. the tree must give the root of every checkpoint seen on earlier runs (``audit_state``): the
   log's history was not rewritten. If it was, the state's fingerprint names the first entry that
   changed (the tile roots find its 256 entries, the leaf prints the entry);
7. with a database export (``audit_events``), every case event in it must have its entry.

Any failure raises ``AuditError`` naming what is wrong and, when it can be placed, the entry
index (``AuditError.index``). Fetching is done by a few threads ahead of the hashing, in order.
"""

from __future__ import annotations

import hashlib
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import NoReturn

from gongzhi.ledger.audit_events import EventKey, entry_event_key, first_missing
from gongzhi.ledger.audit_state import PRINT_SIZE, AuditState, SeenCheckpoint
from gongzhi.ledger.checkpoint import Checkpoint, open_checkpoint
from gongzhi.ledger.errors import LedgerError, TileError
from gongzhi.ledger.fetch import Fetcher
from gongzhi.ledger.merkle import HASH_SIZE, tree_root
from gongzhi.ledger.note import Ed25519Verifier
from gongzhi.ledger.policy import WitnessPolicy
from gongzhi.ledger.storage import TileHashReader, TileKey
from gongzhi.ledger.tiles import ENTRIES, TILE_HEIGHT, TILE_WIDTH, Tile, parse_entry_bundle

DEFAULT_THREADS = 16  # fetches in flight: an audit over HTTP waits on round trips, not on the CPU
Progress = Callable[[int], None]


class AuditError(LedgerError):
    """The published log is not what its checkpoint claims; ``index`` is the first entry known to differ."""

    def __init__(self, message: str, *, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index


@dataclass(frozen=True)
class AuditReport:
    """A log that passed: its checkpoint, how many earlier checkpoints it extends, case events matched."""

    checkpoint: Checkpoint
    earlier: int
    files: int
    events: int | None


class MemoryTiles:
    """The verified tiles, kept to answer the roots of earlier checkpoints (32 MB per million entries)."""

    def __init__(self) -> None:
        self.tiles: dict[TileKey, bytes] = {}

    def read_tiles(self, keys: Sequence[TileKey]) -> dict[TileKey, bytes]:
        return {key: self.tiles[key] for key in keys if key in self.tiles}


def audit(
    fetcher: Fetcher,
    *,
    vkey: str,
    now: datetime,
    state: AuditState | None = None,
    events: Counter[EventKey] | None = None,
    progress: Progress | None = None,
    threads: int = DEFAULT_THREADS,
    policy: WitnessPolicy | None = None,
) -> AuditReport:
    """Audit the log behind ``fetcher``; on success ``state`` (if given) remembers this checkpoint.

    ``policy``, when given, also requires its quorum of witness cosignatures on the checkpoint.
    """
    checkpoint = fetch_checkpoint(fetcher, vkey, policy=policy, now=now)
    _check_not_shrunk(checkpoint, state)
    tiles = MemoryTiles()
    found: Counter[EventKey] | None = Counter() if events is not None else None
    leaves = _LevelZero(checkpoint.size, tiles, found)
    files = leaves.run(fetcher, threads, progress)
    files += _check_upper_levels(fetcher, checkpoint.size, leaves.tile_roots, tiles)
    reader = TileHashReader(tiles)
    if tree_root(reader, checkpoint.size) != checkpoint.root_hash:
        raise AuditError(
            f"the entries and tiles agree with each other but give a root for size {checkpoint.size} that is not "
            "the checkpoint's: the checkpoint was signed for another tree, or the whole tree was replaced"
        )
    earlier = _check_earlier(state, reader, leaves, tiles) if state else 0
    matched = _check_events(events, found) if events is not None and found is not None else None
    if state is not None:
        _remember(state, checkpoint, leaves, tiles, now)
    return AuditReport(checkpoint, earlier, files, matched)


def fetch_checkpoint(
    fetcher: Fetcher, vkey: str, *, policy: WitnessPolicy | None = None, now: datetime | None = None
) -> Checkpoint:
    """The log's newest checkpoint, once its signature by ``vkey`` (and the policy's cosignatures) verify."""
    verifier = Ed25519Verifier.from_vkey(vkey)
    raw = fetcher.fetch("checkpoint")
    if raw is None:
        raise AuditError("the log serves no checkpoint (404 at checkpoint): nothing can be audited")
    try:
        checkpoint = open_checkpoint(raw, [verifier], origin=verifier.name).checkpoint
    except LedgerError as exc:
        raise AuditError(f"the checkpoint does not verify with the log's key: {exc.message}") from exc
    if policy is not None:
        try:
            policy.check(raw, now=int(now.timestamp()) if now else None)
        except LedgerError as exc:
            raise AuditError(f"the checkpoint is not cosigned as the witness policy requires: {exc.message}") from exc
    return checkpoint


def _check_not_shrunk(checkpoint: Checkpoint, state: AuditState | None) -> None:
    if state is None or not state.checkpoints:
        return
    largest = state.checkpoints[-1]
    if largest.size > checkpoint.size:
        raise AuditError(
            f"the log's checkpoint is for {checkpoint.size} entries, but on {largest.seen} this auditor verified "
            f"a checkpoint of {largest.size}: the log was rolled back (entries from {checkpoint.size} on are gone)",
            index=checkpoint.size,
        )


class _LevelZero:
    """Entry bundles against level-0 tiles, tile by tile, keeping each full tile's root for level 1."""

    def __init__(self, size: int, tiles: MemoryTiles, found: Counter[EventKey] | None) -> None:
        self.size, self.tiles, self.found = size, tiles, found
        self.tile_roots: list[bytes] = []

    def run(self, fetcher: Fetcher, threads: int, progress: Progress | None) -> int:
        self.fetcher = fetcher  # to narrow a missing bundle down to its first missing entry
        count = -(-self.size // TILE_WIDTH)
        pairs = (self._paths(index) for index in range(count))
        for index, (bundle, tile) in enumerate(_prefetched(fetcher, pairs, threads)):
            width = min(TILE_WIDTH, self.size - index * TILE_WIDTH)
            self._check(index, width, bundle, tile)
            if progress:
                progress(width)
        return 2 * count

    def _paths(self, index: int) -> tuple[str, str]:
        width = min(TILE_WIDTH, self.size - index * TILE_WIDTH)
        return Tile(ENTRIES, index, width).path, Tile(0, index, width).path

    def _check(self, index: int, width: int, bundle: bytes | None, tile: bytes | None) -> None:
        first = index * TILE_WIDTH
        path = Tile(ENTRIES, index, width).path
        if bundle is None:
            self._name_missing_entry(index, width, path, tile)
        entries = split_bundle(bundle, width)
        if entries is None:
            try:  # the slow, exact parser says what is wrong with it
                parse_entry_bundle(bundle, count=width)
                message = "it cannot be split into entries"
            except TileError as exc:
                message = exc.message
            bad = first_bad_entry(bundle, _served_tile(tile, Tile(0, index, width)), width)
            matched = f"entries {first}–{first + bad - 1} in it match the tree, " if bad else ""
            raise AuditError(
                f"entry bundle {path} is malformed ({message}): {matched}entry {first + bad} does not "
                "(it was altered, deleted or inserted there)",
                index=first + bad,
            )
        sha256 = hashlib.sha256
        leaves = [sha256(b"\x00" + entry).digest() for entry in entries]
        served = _served_tile(tile, Tile(0, index, width))
        if served != b"".join(leaves):
            _name_leaf_divergence(first, leaves, served)
        self.tiles.tiles[(0, index)] = served
        if width == TILE_WIDTH:
            self.tile_roots.append(fold(leaves))
        if self.found is not None:
            self.found.update(key for key in map(entry_event_key, entries) if key is not None)

    def _name_missing_entry(self, index: int, width: int, path: str, tile: bytes | None) -> NoReturn:
        """A bundle the log does not serve: find the first entry it cannot show, by partial bundles.

        A bisection over the partial bundles ``.p/W`` of the same tile ends at a W whose bundle is
        served and whose W entries hash to the tile's first W leaf hashes, while ``.p/(W+1)`` is not
        served or does not match: entries before ``first + W`` are verified, entry ``first + W`` is
        the first the log cannot show. This holds whatever the server answers (even inconsistently),
        so the index named is always a true first divergence; it costs about 8 more requests.
        """
        first = index * TILE_WIDTH
        leaves = _served_tile(tile, Tile(0, index, width))
        good, bad = 0, width  # a prefix of `good` entries is verified; the `bad` one is not served
        while bad - good > 1:
            middle = (good + bad) // 2
            data = self.fetcher.fetch(Tile(ENTRIES, index, middle).path)
            if data is not None and first_bad_entry(data, leaves, middle) == middle:
                good = middle
            else:
                bad = middle
        served = f"entries {first}–{first + good - 1} are served and match the tree, but" if good else "and"
        raise AuditError(
            f"entry {first + good} is missing: entry bundle {path} is not served, {served} no bundle reaching "
            f"entry {first + good} is: it was deleted, or the log does not serve what its checkpoint claims",
            index=first + good,
        )


def first_bad_entry(data: bytes, leaf_hashes: bytes, width: int) -> int:
    """How many leading entries of a bundle are well formed and hash to ``leaf_hashes`` (at most ``width``).

    Entries past the first one that cannot be split out or does not match are not looked at, so a
    bundle that is truncated, has an entry removed or inserted, or one altered, is placed exactly.
    """
    sha256, offset, count = hashlib.sha256, 0, 0
    while count < width and offset + 2 <= len(data):
        start = offset + 2
        offset = start + (data[offset] << 8 | data[offset + 1])
        if offset > len(data):
            break
        if sha256(b"\x00" + data[start:offset]).digest() != leaf_hashes[count * HASH_SIZE : (count + 1) * HASH_SIZE]:
            break
        count += 1
    return count  # == width with bytes left over: all entries match, something follows the last one


def split_bundle(data: bytes, width: int) -> list[bytes] | None:
    """The entries of a bundle of ``width`` entries, or None if it is not exactly that.

    Twice as fast as ``tiles.parse_entry_bundle`` (which names the defect, and is used when this fails):
    the audit spends a third of its time here.
    """
    entries: list[bytes] = []
    add, offset, end = entries.append, 0, len(data)
    try:
        while offset < end:
            start = offset + 2
            offset = start + (data[offset] << 8 | data[offset + 1])
            add(data[start:offset])
    except IndexError:
        return None
    return entries if offset == end and len(entries) == width else None


def _name_leaf_divergence(first: int, leaves: list[bytes], served: bytes) -> None:
    for offset, leaf in enumerate(leaves):
        stored = served[offset * HASH_SIZE : (offset + 1) * HASH_SIZE]
        if stored != leaf:
            raise AuditError(
                f"entry {first + offset} does not match the log's tree: the entry served hashes to leaf "
                f"{leaf.hex()[:16]}…, the tree records {stored.hex()[:16]}…; the entry (or its stored hash) was "
                "altered, or entries were deleted, reordered or inserted there",
                index=first + offset,
            )


def _check_upper_levels(fetcher: Fetcher, size: int, roots: list[bytes], tiles: MemoryTiles) -> int:
    """Each tile of level 1, 2 … must hold exactly the roots of the full tiles below it."""
    files, level = 0, 1
    while size >> (TILE_HEIGHT * level):
        count = size >> (TILE_HEIGHT * level)
        paths = [Tile(level, n, min(TILE_WIDTH, count - n * TILE_WIDTH)).path for n in range(-(-count // TILE_WIDTH))]
        next_roots = []
        for n, data in enumerate(_prefetched(fetcher, ((path,) for path in paths), DEFAULT_THREADS)):
            expected = roots[n * TILE_WIDTH : (n + 1) * TILE_WIDTH]
            served = _served_tile(data[0], Tile(level, n, len(expected)))
            for offset, value in enumerate(expected):
                if served[offset * HASH_SIZE : (offset + 1) * HASH_SIZE] != value:
                    child = n * TILE_WIDTH + offset
                    span = TILE_WIDTH ** (level)
                    raise AuditError(
                        f"{paths[n]} hash {offset} is not the root of tile {level - 1}/{child} below it: a stored "
                        f"node hash was altered (it covers entries {child * span}–{(child + 1) * span - 1})",
                        index=child * span,
                    )
            tiles.tiles[(level, n)] = served
            if len(expected) == TILE_WIDTH:
                next_roots.append(fold(expected))
        files += len(paths)
        roots, level = next_roots, level + 1
    return files


def _served_tile(data: bytes | None, tile: Tile) -> bytes:
    if data is None:
        raise AuditError(f"{tile.path} is missing, though the checkpoint's tree needs it")
    if len(data) != tile.width * HASH_SIZE:
        raise AuditError(f"{tile.path} is {len(data)} bytes; a tile of width {tile.width} is {tile.width * 32}")
    return data


def _check_earlier(state: AuditState, reader: TileHashReader, leaves: _LevelZero, tiles: MemoryTiles) -> int:
    """Every checkpoint seen before is a prefix of this tree; if not, say where the trees part."""
    for seen in state.checkpoints:
        if tree_root(reader, seen.size) != seen.root:
            where, index = _locate(state, leaves.tile_roots, tiles)
            raise AuditError(
                f"the log's history was rewritten: its tree no longer has the root of the checkpoint of size "
                f"{seen.size} this auditor verified on {seen.seen}; {where}",
                index=index,
            )
    return len(state.checkpoints)


def _locate(state: AuditState, tile_roots: list[bytes], tiles: MemoryTiles) -> tuple[str, int | None]:
    """Compare with the fingerprint of the tree verified earlier: which entry (or which 256 entries) differ.

    The tile roots find the first full tile that changed; the leaf prints kept for it (when the
    state has them) then name the first entry in it whose leaf hash changed.
    """
    for n in range(len(state.tile_roots) // HASH_SIZE):
        if state.tile_roots[n * HASH_SIZE : (n + 1) * HASH_SIZE] != tile_roots[n]:
            entry = _changed_leaf(state.leaf_prints, n, tiles.tiles.get((0, n), b""))
            if entry is not None:
                return f"the first difference is at entry {entry} (in tile 0/{n})", entry
            return (
                f"the first difference is in entries {n * TILE_WIDTH}–{(n + 1) * TILE_WIDTH - 1} (tile 0/{n})",
                n * TILE_WIDTH,
            )
    first = len(state.tile_roots) // HASH_SIZE * TILE_WIDTH
    now = tiles.tiles.get((0, first // TILE_WIDTH), b"")
    for offset in range(len(state.tail) // HASH_SIZE):
        span = slice(offset * HASH_SIZE, (offset + 1) * HASH_SIZE)
        if state.tail[span] != now[span]:
            return f"the first difference is at entry {first + offset}", first + offset
    return "the entries this auditor fingerprinted are unchanged, so the checkpoint it kept was altered", None


def _changed_leaf(prints: bytes, n: int, tile: bytes) -> int | None:
    """The first leaf of full tile ``n`` whose hash no longer starts with the print kept for it."""
    kept = prints[n * TILE_WIDTH * PRINT_SIZE : (n + 1) * TILE_WIDTH * PRINT_SIZE]
    if len(kept) != TILE_WIDTH * PRINT_SIZE or len(tile) != TILE_WIDTH * HASH_SIZE:
        return None  # a state written before prints were kept
    for offset in range(TILE_WIDTH):
        if (
            kept[offset * PRINT_SIZE : (offset + 1) * PRINT_SIZE]
            != tile[offset * HASH_SIZE : offset * HASH_SIZE + PRINT_SIZE]
        ):
            return n * TILE_WIDTH + offset
    return None  # the tile's root changed, yet no print did: a 64-bit collision, place it by tile only


def leaf_prints(tiles: MemoryTiles, full: int) -> bytes:
    """The first PRINT_SIZE bytes of every leaf hash of the first ``full`` (full) level-0 tiles.

    Viewing each tile as 8-byte words and taking every fourth copies the prints in C: a million
    entries take about 10 ms, not the half second of slicing them one by one.
    """
    assert PRINT_SIZE == 8 and HASH_SIZE % PRINT_SIZE == 0  # the view below relies on both
    step = HASH_SIZE // PRINT_SIZE
    return b"".join(memoryview(tiles.tiles[(0, n)]).cast("Q")[::step].tobytes() for n in range(full))


def _check_events(expected: Counter[EventKey], found: Counter[EventKey]) -> int:
    missing = first_missing(expected, found)
    if missing is not None:
        key, count = missing
        raise AuditError(
            f"case {key[0]}'s event {key[1]!r} at {key[2]} is in the database export but has no ledger entry "
            f"({count} exported events lack their entry in all): events were recorded without their entries, "
            "or entries were deleted"
        )
    return sum(expected.values())


def _remember(state: AuditState, checkpoint: Checkpoint, leaves: _LevelZero, tiles: MemoryTiles, now: datetime) -> None:
    seen = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    state.remember(SeenCheckpoint(checkpoint.size, checkpoint.root_hash, seen))
    state.size = checkpoint.size
    state.tile_roots = b"".join(leaves.tile_roots)
    state.leaf_prints = leaf_prints(tiles, len(leaves.tile_roots))
    partial = checkpoint.size % TILE_WIDTH
    state.tail = tiles.tiles[(0, checkpoint.size // TILE_WIDTH)] if partial else b""


def fold(hashes: Sequence[bytes]) -> bytes:
    """The root of a full tile's 256 hashes (any power of two), pairwise, level by level."""
    sha256 = hashlib.sha256
    level = list(hashes)
    while len(level) > 1:
        level = [sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level), 2)]
    return level[0]


def _prefetched(fetcher: Fetcher, batches: Iterable[tuple[str, ...]], threads: int) -> Iterator[list[bytes | None]]:
    """Fetch each batch of paths, ``threads`` at a time ahead of the consumer, yielding in order."""

    def get(paths: tuple[str, ...]) -> list[bytes | None]:
        return [fetcher.fetch(path) for path in paths]

    pending = iter(batches)
    with ThreadPoolExecutor(max(1, threads)) as pool:
        window: deque[Future[list[bytes | None]]] = deque(pool.submit(get, b) for b in islice(pending, 4 * threads))
        try:
            while window:
                result = window.popleft().result()
                window.extend(pool.submit(get, b) for b in islice(pending, 1))
                yield result
        finally:
            for future in window:
                future.cancel()
