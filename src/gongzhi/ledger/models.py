"""Tables of the ledger: entries, their salts, the tree as tiles, the sequencer's state, checkpoints.

``ledger_entry`` is written in the transaction of the event it records, without an index; the
sequencer later gives it the next ``leaf_index``. The tree is stored as c2sp.org/tlog-tiles
tiles, one row per tile (a partial tile's row grows until it is full), so serving a tile is
one row read and a batch of 256 entries writes about one row. ``ledger_state`` has one row: the
integrated size and root, and the lock that serialises sequencers on PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, SmallInteger, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gongzhi.db import Base, UTCDateTime

if TYPE_CHECKING:
    from gongzhi.cases.models import CaseEvent

# SQLite autoincrements only an INTEGER PRIMARY KEY; PostgreSQL needs 64 bits for a long-lived log.
BigId = BigInteger().with_variant(Integer(), "sqlite")


class LedgerEntry(Base):
    """One log entry: canonical JSON bytes, and its leaf index once the sequencer has integrated it."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        Index(
            "ix_ledger_entry_pending",
            "id",
            sqlite_where=text("leaf_index IS NULL"),
            postgresql_where=text("leaf_index IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    leaf_index: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    case_event_id: Mapped[int | None] = mapped_column(ForeignKey("case_event.id"), index=True)

    # Lets an entry be added in the same flush as the event it records (the event's id comes with it).
    case_event: Mapped[CaseEvent | None] = relationship(lambda: _case_event_class())


def _case_event_class() -> type[CaseEvent]:
    """Imported late: the ledger's tables must load on their own (a sequencer needs no case tables)."""
    from gongzhi.cases.models import CaseEvent

    return CaseEvent


class LedgerSalt(Base):
    """The salt of an entry's commitment, kept for the person entitled to it (the citizen's receipt).

    Deleting a row forgets the link between the entry and the private data it commits to; the log
    itself still verifies, because the entry holds only the commitment.
    """

    __tablename__ = "ledger_salt"

    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entry.id", ondelete="CASCADE"), primary_key=True)
    salt: Mapped[bytes] = mapped_column(LargeBinary)

    entry: Mapped[LedgerEntry] = relationship()


class LedgerTile(Base):
    """A hash tile (level >= 0) of c2sp.org/tlog-tiles: up to 256 hashes of 32 bytes, left to right."""

    __tablename__ = "ledger_tile"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    index: Mapped[int] = mapped_column("idx", BigInteger, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class LedgerState(Base):
    """The one row (id 1) the sequencer locks: how many entries the tree holds, and its root."""

    __tablename__ = "ledger_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    root: Mapped[bytes] = mapped_column(LargeBinary)
    demo_signer_key: Mapped[str | None] = mapped_column(Text)  # demo mode only: see publish.log_signer


class LedgerCheckpoint(Base):
    """Every checkpoint the log signed, oldest first; the newest is the one served."""

    __tablename__ = "ledger_checkpoint"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger, index=True)
    root: Mapped[bytes] = mapped_column(LargeBinary)
    note: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
