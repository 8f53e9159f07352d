"""Tables of text understanding: the registry of trained models and what the machine read in each case.

``text_model`` is the registry: every trained model is a version (its id) with its purpose, the
directory its files live in, how it was evaluated and what it was trained on. At most one version per
purpose is active; intake and the dispatcher's page use the active ones.

``case_analysis`` keeps, per case, what the models and rules said at intake: the ranked category
suggestions with their confidence (shown to the dispatcher, and compared with the dispatcher's
final choice to count corrections), the urgency rule that matched (the reason shown to staff), the
predicted message type and the sentiment (for analytics). It is written once, in the intake
transaction, so the page never runs a model.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gongzhi.cases.models import Case
from gongzhi.db import Base, UTCDateTime


class Purpose(enum.StrEnum):
    """What a model predicts; one active version each."""

    CATEGORY = "category"  # the catalogue category the routing rules route on
    TYPE = "type"  # 咨询 / 建言 / 投诉·求助
    SENTIMENT = "sentiment"  # angry / neutral
    URGENCY = "urgency"  # emergency / outage / normal


class TextModel(Base):
    __tablename__ = "text_model"
    __table_args__ = (Index("ix_text_model_purpose_active", "purpose", "active"),)

    id: Mapped[int] = mapped_column(primary_key=True)  # the version number people type
    purpose: Mapped[str] = mapped_column(String(20))
    path: Mapped[str] = mapped_column(String(500))  # absolute model directory (model.json + model.joblib)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    metrics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    source: Mapped[str] = mapped_column(String(500))  # "file:…" or "database: N closed cases …"
    active: Mapped[bool] = mapped_column(Boolean, default=False)


class CaseAnalysis(Base):
    __tablename__ = "case_analysis"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_item.id"), unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    category_model_id: Mapped[int | None] = mapped_column(ForeignKey("text_model.id"))
    suggestions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # [{code, confidence}], best first
    routed_by_model: Mapped[bool] = mapped_column(Boolean, default=False)
    urgency: Mapped[str | None] = mapped_column(String(20))  # what rules or model detected (None: nothing)
    urgency_rule: Mapped[str | None] = mapped_column(String(60))  # rule id, or "model"
    urgency_reason: Mapped[str | None] = mapped_column(String(200))  # rule label and the words that matched
    predicted_type: Mapped[str | None] = mapped_column(String(20))  # a CaseType value, when predicted
    type_confidence: Mapped[float | None] = mapped_column(Float)
    sentiment: Mapped[str | None] = mapped_column(String(20))  # "angry" / "neutral"
    sentiment_confidence: Mapped[float | None] = mapped_column(Float)

    case: Mapped[Case] = relationship()  # so the analysis can be added with a case not yet flushed
