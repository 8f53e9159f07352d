"""Where a case stands in the ledger, for the citizen's page: its entries' indexes, and the checkpoint covering them.

An entry is *pending* until the sequencer gives it an index (seconds), *integrated* once it has
one, and *signed* once a published checkpoint's tree reaches past it: only then can a receipt
prove it. The newest checkpoint covers every integrated entry below its size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongzhi.cases.models import Case, CaseEvent
from gongzhi.ledger.models import LedgerEntry
from gongzhi.ledger.publish import latest_checkpoint


@dataclass(frozen=True)
class PlacedEntry:
    """One event of the case and its entry: index None while pending; ``signed`` once a checkpoint covers it."""

    kind: str
    at: datetime
    index: int | None
    signed: bool


@dataclass(frozen=True)
class CasePlace:
    """The case's entries, oldest first, and the newest checkpoint (size and time), if any."""

    entries: list[PlacedEntry]
    checkpoint_size: int | None
    checkpoint_at: datetime | None

    @property
    def all_signed(self) -> bool:
        return bool(self.entries) and all(entry.signed for entry in self.entries)


def case_place(session: Session, case: Case) -> CasePlace:
    """The ledger entries recording ``case``'s events, and whether the newest checkpoint covers them."""
    checkpoint = latest_checkpoint(session)
    size = checkpoint.size if checkpoint else 0
    rows = session.execute(
        select(CaseEvent.kind, CaseEvent.at, LedgerEntry.leaf_index)
        .join(LedgerEntry, LedgerEntry.case_event_id == CaseEvent.id)
        .where(CaseEvent.case_id == case.id)
        .order_by(CaseEvent.id)
    )
    entries = [PlacedEntry(kind, at, index, index is not None and index < size) for kind, at, index in rows]
    return CasePlace(entries, checkpoint.size if checkpoint else None, checkpoint.published_at if checkpoint else None)
