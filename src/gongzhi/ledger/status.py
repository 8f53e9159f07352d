"""The log's public status: its newest checkpoint and what each configured witness holds.

Anyone relying on the ledger should be able to see whether its witnesses keep up: a witness that
has stopped cosigning (down, misconfigured, or refusing a fork) weakens every receipt issued
since. This gathers, for the public verification page, the newest signed checkpoint and, per
witness listed in ``GONGZHI_LEDGER_WITNESSES``, the size it last confirmed, whether the newest
checkpoint carries its cosignature, its last error and when the worker will ask it again (the
``ledger_witness`` rows that ``cosign.collect`` keeps). Nothing here is secret: the witness list
and keys are what a verifier needs anyway.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongzhi.config import Settings
from gongzhi.ledger.log import pending_count, read_state
from gongzhi.ledger.note import parse_note
from gongzhi.ledger.publish import latest_checkpoint
from gongzhi.ledger.witness_models import LedgerWitness


@dataclass(frozen=True)
class WitnessStatus:
    """One configured witness, as the log last heard from it (``size`` None: never asked yet)."""

    name: str
    vkey: str
    url: str
    size: int | None
    cosigned_latest: bool  # the newest checkpoint carries its cosignature
    cosigned_at: datetime | None
    failures: int
    last_error: str | None
    next_attempt_at: datetime | None


@dataclass(frozen=True)
class LogStatus:
    """The newest checkpoint (None before the first) and the witnesses' standing against it."""

    checkpoint_size: int | None
    checkpoint_at: datetime | None
    integrated: int  # leaves in the tree, signed or not yet
    pending: int  # entries written, not yet integrated
    witnesses: tuple[WitnessStatus, ...]
    quorum: int

    @property
    def cosigned(self) -> int:
        """How many witnesses cosigned the newest checkpoint."""
        return sum(w.cosigned_latest for w in self.witnesses)

    @property
    def quorum_met(self) -> bool:
        return self.checkpoint_size is not None and self.cosigned >= self.quorum


def log_status(session: Session, settings: Settings) -> LogStatus:
    """The status of the log and of every witness configured in ``settings``, in the configured order."""
    latest = latest_checkpoint(session)
    signed = {(sig.name, sig.key_id) for sig in parse_note(latest.note).signatures} if latest else set()
    rows = {row.vkey: row for row in session.scalars(select(LedgerWitness))}
    witnesses = []
    for endpoint in settings.witness_endpoints:
        row = rows.get(endpoint.vkey)
        witnesses.append(
            WitnessStatus(
                name=endpoint.name,
                vkey=endpoint.vkey,
                url=endpoint.url,
                size=row.size if row else None,
                cosigned_latest=(endpoint.name, endpoint.verifier.key_id) in signed,
                cosigned_at=row.cosigned_at if row else None,
                failures=(row.failures or 0) if row else 0,
                last_error=row.last_error if row else None,
                next_attempt_at=row.next_attempt_at if row else None,
            )
        )
    return LogStatus(
        checkpoint_size=latest.size if latest else None,
        checkpoint_at=latest.published_at if latest else None,
        integrated=read_state(session)[0],
        pending=pending_count(session),
        witnesses=tuple(witnesses),
        quorum=settings.witness_quorum,
    )
