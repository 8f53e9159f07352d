"""Sentiment for analytics, filled in by the worker in batches rather than at intake.

Nobody acts on a message's sentiment the moment it arrives, and one message at a time costs a model
several milliseconds of overhead where a batch of hundreds costs a fraction of a millisecond each.
So intake leaves it out, and each worker cycle labels up to ``BATCH`` cases that have none yet
(newest first), creating their ``case_analysis`` row if intake did not write one. Cases submitted
before a sentiment model was activated are filled in the same way, a batch per cycle.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import Session

from gongzhi.cases.models import Case
from gongzhi.text import registry, types
from gongzhi.text.models import CaseAnalysis, Purpose
from gongzhi.text.normalise import han_count

BATCH = 500
UNREADABLE = "unknown"  # no Chinese to read: recorded, so the message is not picked up again


def fill_sentiment(session: Session, *, now: datetime, limit: int = BATCH) -> int:
    """Label up to ``limit`` cases without a sentiment; returns how many were labelled (0 without a model)."""
    active = registry.active_model(session, Purpose.SENTIMENT)
    if active is None:
        return 0
    query = (
        select(Case, CaseAnalysis)
        .outerjoin(CaseAnalysis, CaseAnalysis.case_id == Case.id)
        .where(CaseAnalysis.sentiment.is_(None))
        .order_by(Case.id.desc())
        .limit(limit)
    )
    rows = list(session.execute(query).unique())
    if not rows:
        return 0
    texts = [types.one_text(case.title, case.content) for case, _ in rows]
    readable = [i for i, text in enumerate(texts) if han_count(text) > 0]
    labels: dict[int, tuple[str, float | None]] = dict.fromkeys(range(len(rows)), (UNREADABLE, None))
    if readable:
        proba = active.model.predict_proba([""] * len(readable), [texts[i] for i in readable])
        best = proba.argmax(axis=1)
        for i, column, p in zip(readable, best, proba[np.arange(len(readable)), best], strict=True):
            labels[i] = (active.model.labels[int(column)], round(float(p), 4))
    for i, (case, analysis) in enumerate(rows):
        if analysis is None:
            analysis = CaseAnalysis(case=case, at=now, suggestions=[], routed_by_model=False)
            session.add(analysis)
        analysis.sentiment, analysis.sentiment_confidence = labels[i]
    return len(rows)
