"""The log's record of its witnesses: what each one holds, and when to ask it again.

One row per witness verifier key, written by the worker after each round of ``cosign.collect``.
``size`` is the tree size the witness last confirmed holding (its cosignature, or the size it
named in a 409 answer), which is where the next consistency proof starts. The cosignatures
themselves are appended to the checkpoint's note (``ledger_checkpoint.note``), the one text that
is served and put in receipts.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from gongzhi.db import Base, UTCDateTime


class LedgerWitness(Base):
    """A witness the log submits its checkpoints to (``GONGZHI_LEDGER_WITNESSES``)."""

    __tablename__ = "ledger_witness"

    vkey: Mapped[str] = mapped_column(String(300), primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(BigInteger, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # in a row; sets the back-off
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    cosigned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when it last cosigned for us
