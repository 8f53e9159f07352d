"""The demo's category model at work: trained on the seeded year, it routes this morning's new cases.

After the year of history is seeded, :func:`put_model_to_work` trains a category model on the
closed cases and activates it, then

- gives the cases already waiting in the dispatcher's queue their suggestions (they arrived before
  the model existed), so the queue shows the top three with confidence;
- submits a few new messages through intake: the model routes them by the routing rules;
- submits a few messages that mix two subjects, about which the model is unsure, so the dispatcher
  has something to decide with its suggestions in view.

The demo's generated messages are easier than real ones (the model is nearly always right and
sure about them); the mixed messages are how the demo shows the unsure path honestly.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongzhi.cases import intake
from gongzhi.cases.classify import TOP, suggest_categories
from gongzhi.cases.models import Case, Channel, Status
from gongzhi.cases.schemas import validate_submission
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.demo import messages as corpus
from gongzhi.text import registry
from gongzhi.text.models import CaseAnalysis, Purpose
from gongzhi.text.training import QUICK, train_from_closed_cases

NEW_CASES = 6
MIXED_CASES = 3


def put_model_to_work(db: Database, *, settings: Settings, now: datetime, seed: int) -> bool:
    """Train and activate the demo's category model and let it handle new cases; False without enough data."""
    if train_from_closed_cases(db, settings=settings, now=now, config=QUICK) is None:
        return False
    with db.transaction() as session:
        _suggest_for_waiting(session, now=now)
    fresh = corpus.generate_messages(seed + 3, NEW_CASES + 4 * MIXED_CASES, start=now - timedelta(hours=2), end=now)
    with db.transaction() as session:
        for message in fresh[:NEW_CASES]:
            _submit(session, message, settings=settings)
        mixed = 0
        pool = fresh[NEW_CASES:]
        while mixed < MIXED_CASES and len(pool) >= 2:
            first, second = pool.pop(), pool.pop()
            blend = replace(
                first,
                title=first.title[:12] + "，还有" + second.subject[:12],
                content=first.content[:80] + "另外，" + second.content[:80],
            )
            top = suggest_categories(session, title=blend.title, content=blend.content)
            if top and top[0].confidence < settings.route_confidence:
                _submit(session, blend, settings=settings)
                mixed += 1
    return True


def _suggest_for_waiting(session: Session, *, now: datetime) -> None:
    active = registry.active_model(session, Purpose.CATEGORY)
    if active is None:
        return
    waiting = session.scalars(
        select(Case)
        .outerjoin(CaseAnalysis, CaseAnalysis.case_id == Case.id)
        .where(Case.status == Status.SUBMITTED, Case.category_id.is_(None), CaseAnalysis.id.is_(None))
    )
    for case in list(waiting.unique()):
        ranked = suggest_categories(session, title=case.title, content=case.content, k=TOP)
        if ranked:
            session.add(
                CaseAnalysis(
                    case=case,
                    at=now,
                    category_model_id=active.version,
                    suggestions=[{"code": s.category_code, "confidence": round(s.confidence, 4)} for s in ranked],
                    routed_by_model=False,
                )
            )


def _submit(session: Session, message: corpus.DemoMessage, *, settings: Settings) -> None:
    data = validate_submission(
        {
            "title": message.title[:200],
            "content": message.content,
            "type": message.type,
            "region": message.region,
            "address": message.address,
            "lat": message.lat,
            "long": message.long,
            "contact_name": message.contact_name,
            "contact_phone": message.contact_phone,
            "is_public": message.is_public,
        }
    )
    intake.submit(session, data=data, channel=Channel.WEB, now=message.submitted_at, settings=settings)
