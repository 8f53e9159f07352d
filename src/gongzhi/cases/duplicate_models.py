"""Tables of duplicates: citizens' "me too" supports and the machine's merge proposals.

``case_support`` (附议): a citizen who finds their problem already reported adds their support to the
open case instead of filing another. One support per person per case: a registered citizen is known
by their account, an anonymous one by a salted fingerprint of a browser cookie (never an address or
a name). The unique constraint makes a second click harmless on both backends.

``merge_proposal``: when a new case arrives, open cases about the same problem at the same place are
found (``cases/similar.py``) and proposed for merging; the staff member who handles it merges in one
click (``workflow.merge``) or dismisses the proposal. Score and reasons are kept so the page can say
why two cases look alike.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gongzhi.cases.models import Case
from gongzhi.db import Base, UTCDateTime
from gongzhi.directory.models import _enum


class CaseSupport(Base):
    __tablename__ = "case_support"
    __table_args__ = (UniqueConstraint("case_id", "fingerprint", name="uq_case_support_case_id_fingerprint"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_item.id"), index=True)
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    fingerprint: Mapped[str] = mapped_column(String(64))  # "user:<id>" or SHA-256 hex of a salted cookie
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class ProposalStatus(enum.StrEnum):
    PENDING = "pending"
    MERGED = "merged"
    DISMISSED = "dismissed"


class MergeProposal(Base):
    """``case`` (the newcomer) looks like a duplicate of ``target`` (the older open case)."""

    __tablename__ = "merge_proposal"
    __table_args__ = (
        UniqueConstraint("case_id", "target_id", name="uq_merge_proposal_case_id_target_id"),
        Index("ix_merge_proposal_target_status", "target_id", "status"),
        Index("ix_merge_proposal_case_status", "case_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_item.id"))
    target_id: Mapped[int] = mapped_column(ForeignKey("case_item.id"))
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[ProposalStatus] = mapped_column(_enum(ProposalStatus, "proposal_status"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    case: Mapped[Case] = relationship(foreign_keys=[case_id])
    target: Mapped[Case] = relationship(foreign_keys=[target_id])


class DuplicateCheck(Base):
    """A case the duplicate search has looked at (``proposals.check_new_cases``), found something or not.

    The search costs milliseconds per case, so it runs in the worker seconds after arrival rather
    than in the citizen's submission; this row is how the worker knows a case is done.
    """

    __tablename__ = "duplicate_check"

    case_id: Mapped[int] = mapped_column(ForeignKey("case_item.id"), primary_key=True)
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
