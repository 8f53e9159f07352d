"""The log: entries appended in the caller's transaction, then integrated into the tree by the sequencer.

``append`` only inserts a row without an index, inside whatever transaction records the event,
so the event and its entry commit together or not at all, and appending never waits for the
tree. ``integrate`` is the sequencer: one transaction per batch, in these steps, each named so a
test can make it fail right after it (``step``):

    locked    lock the single ``ledger_state`` row (SELECT … FOR UPDATE on PostgreSQL, where several
              workers may run; on SQLite the write transaction's BEGIN IMMEDIATE already excludes them)
    read      read up to ``batch`` entries without an index, oldest first
    hashed    hash them as leaves and fold every subtree they complete, in memory, starting from the
              O(log n) "frontier" hashes of the current tree: O(log n) work per entry, amortised O(1)
    indexed   give them the indices size, size + 1, … (one UPDATE per run of consecutive row ids)
    tiled     write the changed tiles (about one row per 256 entries)
    recorded  store the new size and root in ``ledger_state``

Why this is crash-safe: all six steps are one database transaction. A crash (or an exception)
anywhere before COMMIT rolls every one of them back, leaving the entries pending and the tree as
it was; the next run redoes the batch from the same state. After COMMIT everything is durable
together. Indices come only from ``ledger_state.size`` read under the lock, so none is reused or
skipped, and the unique constraint on ``leaf_index`` would refuse a reuse even if the code were
wrong. Tiles are only ever extended, never rewritten, so every checkpoint signed earlier stays a
prefix of the tree (``publish`` checks this with a consistency proof before it signs).

An entry committed late (its transaction began before others but ended after them) simply gets a
later index: the log's order is the order of integration, not of row ids.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from hashlib import sha256
from typing import TYPE_CHECKING

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from gongzhi.db import Database
from gongzhi.ledger.errors import EntryError, StoredLogError
from gongzhi.ledger.merkle import EMPTY_ROOT, HASH_SIZE, Node, tree_root
from gongzhi.ledger.models import LedgerEntry, LedgerState, LedgerTile
from gongzhi.ledger.storage import DatabaseTiles, database_reader
from gongzhi.ledger.tiles import MAX_ENTRY_SIZE, TILE_HEIGHT, TILE_WIDTH, Tile, changed_tiles

if TYPE_CHECKING:
    from gongzhi.cases.models import CaseEvent

DEFAULT_BATCH = 10_000  # entries per sequencer transaction: big enough to amortise, short enough to lock
STATE_ID = 1

StepHook = Callable[[str], None]


@dataclass(frozen=True)
class Integration:
    """What one sequencer batch did: the tree grew from ``old_size`` to ``new_size`` with ``root``."""

    old_size: int
    new_size: int
    root: bytes

    @property
    def count(self) -> int:
        return self.new_size - self.old_size


def append(session: Session, data: bytes, *, case_event: CaseEvent | None = None) -> LedgerEntry:
    """Add an entry to the log in the caller's transaction; the sequencer gives it an index later."""
    _check_entry(data)
    entry = LedgerEntry(data=data, case_event=case_event)
    session.add(entry)
    return entry


def append_many(session: Session, entries: Iterable[bytes]) -> int:
    """Append many entries in one statement (imports, benchmarks); returns how many."""
    rows = [{"data": _check_entry(data)} for data in entries]
    if rows:
        session.execute(insert(LedgerEntry), rows)
    return len(rows)


def integrate(session: Session, *, batch: int = DEFAULT_BATCH, step: StepHook | None = None) -> Integration:
    """Integrate up to ``batch`` pending entries into the tree, in the caller's transaction."""
    hook = step or _no_step
    state = lock_state(session)
    hook("locked")
    table = LedgerEntry.__table__
    pending = (  # Core rather than ORM rows: the ORM's per-row bookkeeping cost more than the hashing
        session.connection()
        .execute(select(table.c.id, table.c.data).where(table.c.leaf_index.is_(None)).order_by(table.c.id).limit(batch))
        .all()
    )
    hook("read")
    old_size = state.size
    if not pending:
        return Integration(old_size, old_size, state.root)
    tree = _grow(session, old_size, [sha256(b"\x00" + data).digest() for _, data in pending])  # leaf_hash, inlined
    new_size = old_size + len(pending)
    hook("hashed")
    _assign_indices(session, [row_id for row_id, _ in pending], old_size)
    hook("indexed")
    _write_tiles(session, old_size, new_size, tree)
    hook("tiled")
    state.size, state.root = new_size, tree_root(tree, new_size)
    session.flush()
    hook("recorded")
    return Integration(old_size, new_size, state.root)


def sequence(db: Database, *, batch: int = DEFAULT_BATCH, step: StepHook | None = None) -> int:
    """Integrate everything pending, one transaction per batch; returns how many entries were integrated."""
    total = 0
    while True:
        with db.transaction() as session:
            done = integrate(session, batch=batch, step=step).count
        total += done
        if done < batch:
            return total


def lock_state(session: Session) -> LedgerState:
    """The sequencer's state row, locked for this transaction; created (size 0) on first use."""
    state = _select_state(session)
    if state is None:
        dialect = session.get_bind().dialect.name
        make_insert = pg_insert if dialect == "postgresql" else sqlite_insert
        values = {"id": STATE_ID, "size": 0, "root": EMPTY_ROOT}
        session.execute(make_insert(LedgerState).values(**values).on_conflict_do_nothing())
        state = _select_state(session)
        assert state is not None  # just inserted, or another process did
    return state


def read_state(session: Session) -> tuple[int, bytes]:
    """The integrated size and root, without locking (an empty tree before the first integration)."""
    state = session.get(LedgerState, STATE_ID)
    return (state.size, state.root) if state else (0, EMPTY_ROOT)


def pending_count(session: Session) -> int:
    """Entries written but not yet integrated."""
    return session.scalar(select(func.count()).where(LedgerEntry.leaf_index.is_(None))) or 0


def frontier(size: int) -> list[Node]:
    """The complete subtrees, largest first, whose roots fold into the root of a tree of ``size`` leaves."""
    nodes, start = [], 0
    for level in reversed(range(size.bit_length())):
        if size >> level & 1:
            nodes.append(Node(level, start >> level))
            start += 1 << level
    return nodes


class _Overlay:
    """The hashes a batch needs, in memory: the old frontier plus every complete subtree the batch creates.

    Kept as one list per level (``rows[level] = (first index, hashes)``) rather than a dict of
    ``Node`` keys: folding a batch is then a list comprehension per level, about two SHA-256 calls
    per entry and little else, which is what lets the sequencer approach the hashing limit.
    """

    def __init__(self, edge: dict[Node, bytes]) -> None:
        self.edge = edge
        self.rows: dict[int, tuple[int, list[bytes]]] = {}

    def hash_at(self, level: int, index: int) -> bytes:
        first, row = self.rows.get(level, (0, []))
        if first <= index < first + len(row):
            return row[index - first]
        return self.edge[Node(level, index)]  # KeyError: a node neither on the old frontier nor new

    def span(self, level: int, start: int, stop: int) -> list[bytes]:
        """New hashes ``start`` ≤ index < ``stop`` of one level (all created by this batch)."""
        first, row = self.rows[level]
        if start < first or stop > first + len(row):
            raise StoredLogError(f"hashes {start}–{stop} of level {level} were not computed by this batch")
        return row[start - first : stop - first]

    def read_nodes(self, nodes: Sequence[Node]) -> list[bytes]:
        return [self.hash_at(node.level, node.index) for node in nodes]


def _grow(session: Session, size: int, leaves: list[bytes]) -> _Overlay:
    """Fold ``leaves`` onto the tree of ``size`` leaves, level by level.

    At each level the batch's new nodes start at index ``size >> level``; when that index is odd,
    its left sibling is the old frontier's node at that level (bit ``level`` of ``size`` is set),
    and every other pair is made of new nodes. The parents of complete pairs are the next level.
    """
    edge = frontier(size)
    try:
        tree = _Overlay(dict(zip(edge, database_reader(session).read_nodes(edge), strict=True)))
    except LookupError as exc:
        raise StoredLogError(
            f"the stored tiles do not hold the tree of size {size} that ledger_state records: {exc}"
        ) from exc
    row, first, level = leaves, size, 0
    while row:
        tree.rows[level] = (first, row)
        pairs = [tree.edge[Node(level, first - 1)], *row] if first & 1 else row
        row = [sha256(b"\x01" + pairs[i] + pairs[i + 1]).digest() for i in range(0, len(pairs) - 1, 2)]
        first, level = first >> 1, level + 1
    return tree


def _assign_indices(session: Session, ids: Sequence[int], base: int) -> None:
    """Give ``ids`` (ascending) the indices base, base + 1, …: one UPDATE per run of consecutive ids.

    A run's ids all exist (we just read them), so no row committed meanwhile can fall inside it.
    """
    runs = []
    start = 0
    for position in range(1, len(ids) + 1):
        if position == len(ids) or ids[position] != ids[position - 1] + 1:
            runs.append({"lo": ids[start], "hi": ids[position - 1], "shift": base + start - ids[start]})
            start = position
    table = LedgerEntry.__table__
    statement = (
        update(table)
        .where(table.c.id.between(bindparam("lo"), bindparam("hi")), table.c.leaf_index.is_(None))
        .values(leaf_index=table.c.id + bindparam("shift"))
    )
    if len(runs) == 1:  # the usual case; a single statement's row count is reliable on every driver
        assigned = session.execute(statement, runs[0]).rowcount  # type: ignore[attr-defined]
    else:
        session.execute(statement, runs)
        assigned = session.scalar(select(func.count()).where(LedgerEntry.leaf_index >= base))
    if assigned != len(ids):
        raise StoredLogError(f"expected {len(ids)} entries at indices from {base}, found {assigned}: not integrating")


def _write_tiles(session: Session, old_size: int, new_size: int, tree: _Overlay) -> None:
    """Extend the partial tiles and insert the new ones; a tile is never rewritten, only extended."""
    inserts = []
    for tile in changed_tiles(old_size, new_size):
        first = tile.index * TILE_WIDTH
        kept = max(0, (old_size >> (TILE_HEIGHT * tile.level)) - first)
        fresh = b"".join(tree.span(tile.level * TILE_HEIGHT, first + kept, first + tile.width))
        if kept:
            _extend_tile(session, tile, kept, fresh)
        else:
            inserts.append({"level": tile.level, "index": tile.index, "data": fresh})
    if inserts:
        session.execute(insert(LedgerTile), inserts)


def _extend_tile(session: Session, tile: Tile, kept: int, fresh: bytes) -> None:
    key = (tile.level, tile.index)
    stored = DatabaseTiles(session).read_tiles([key]).get(key, b"")
    if len(stored) != kept * HASH_SIZE:
        raise StoredLogError(
            f"tile {tile.path} holds {len(stored) // HASH_SIZE} hashes, the tree size implies {kept}: not integrating"
        )
    session.execute(
        update(LedgerTile)
        .where(LedgerTile.level == tile.level, LedgerTile.index == tile.index)
        .values(data=stored + fresh)
    )


def _select_state(session: Session) -> LedgerState | None:
    query = select(LedgerState).where(LedgerState.id == STATE_ID).with_for_update()
    return session.scalars(query.execution_options(populate_existing=True)).one_or_none()


def _check_entry(data: bytes) -> bytes:
    if len(data) > MAX_ENTRY_SIZE:
        raise EntryError(f"entry is {len(data)} bytes; the log accepts at most {MAX_ENTRY_SIZE}")
    return data


def _no_step(name: str) -> None:
    """Production: no failure injection between steps."""
