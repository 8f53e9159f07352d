"""``gongzhi demo``: a believable jurisdiction and a year of its cases, seeded once."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongzhi import analytics
from gongzhi.accounts.models import Role, User
from gongzhi.accounts.service import actor_for
from gongzhi.analytics import hotissues_store
from gongzhi.analytics import surge as analytics_surge
from gongzhi.cases import deadlines, proposals
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.demo import messages as corpus
from gongzhi.demo import surge as demo_surge
from gongzhi.demo.lifecycle import Cast, Story, live, open_queues
from gongzhi.demo.seed_directory import demo_logins, is_seeded, new_api_key, seed_directory, seed_people
from gongzhi.text.demo import put_model_to_work

HISTORY = timedelta(days=365)
RECENT = timedelta(days=3)
BATCH = 50  # cases per transaction: big enough to be quick, small enough to show progress


def seed_demo(
    db: Database,
    *,
    settings: Settings,
    now: datetime,
    cases: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
) -> dict[str, str]:
    """Seed when the database is empty (else leave it alone); returns the logins to print."""
    with db.transaction() as session:
        fresh = not is_seeded(session)
        if fresh:
            seed_directory(session)
            seed_people(session, now=now - HISTORY - timedelta(days=7))
    if fresh and cases:
        seed_history(db, settings=settings, now=now, cases=cases, seed=seed, progress=progress)
    with db.transaction() as session:
        deadlines.sweep(session, now=now, settings=settings)
        analytics.refresh(session, zone=settings.zone, now=now)  # the dashboards show the seeded history
        analytics_surge.evaluate_due(session, settings=settings, now=now)  # alerts on the seeded days
        logins = demo_logins()
        logins["Open311 api_key"] = new_api_key(session, now=now)
    hotissues_store.refresh_due(db, settings, now=now, force=True)  # the hot-issues page opens on a stored result
    while proposals.check_new_cases(db, now=now, settings=settings):  # merge proposals on the open cases
        pass
    return logins


def seed_history(
    db: Database,
    *,
    settings: Settings,
    now: datetime,
    cases: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
) -> None:
    rng = random.Random(seed)
    recent = max(1, cases // 40)  # the last days are busier on screen: queues with work in every state
    surge = demo_surge.burst(seed + 3, cases, now=now)  # a burst water main: the early warning's catch
    messages = corpus.generate_messages(seed, cases - recent - len(surge), start=now - HISTORY, end=now)
    messages += corpus.generate_messages(seed + 1, recent, start=now - RECENT, end=now)
    messages += surge
    stories = sorted(messages, key=lambda m: m.submitted_at)
    with db.reading() as session:
        cast = _cast(session)
    for start in range(0, len(stories), BATCH):
        with db.transaction() as session:
            for message in stories[start : start + BATCH]:
                live(Story(session, settings=settings, cast=cast, rng=rng, today=now, message=message))
        if progress:
            progress(len(stories[start : start + BATCH]))
    morning = corpus.generate_messages(seed + 2, 8, start=now - timedelta(days=1), end=now)
    with db.transaction() as session:
        open_queues(
            lambda m: Story(
                session,
                settings=settings,
                cast=cast,
                rng=rng,
                today=now,
                message=replace(m, submitted_at=now - timedelta(hours=3)),
            ),
            morning,
        )
    # The year's closed cases train the category model; it routes new cases and suggests for the queue.
    put_model_to_work(db, settings=settings, now=now, seed=seed)


def _cast(session: Session) -> Cast:
    users = list(session.scalars(select(User).where(User.active)))
    handlers = {u.department.code: actor_for(u) for u in users if u.role is Role.HANDLER and u.department}
    return Cast(
        dispatchers=[actor_for(u) for u in users if u.role is Role.DISPATCHER],
        supervisor=next(actor_for(u) for u in users if u.username == "supervisor"),
        handlers=handlers,
    )
