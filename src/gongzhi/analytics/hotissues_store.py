"""Hot issues computed ahead: the worker clusters each configured window and stores the ranked result.

Clustering a city's month (20,000 messages) takes many seconds of CPU; no staff user should wait for
it. So the worker (:func:`refresh_due`, every cycle) recomputes each window of
``Settings.hot_issue_days`` when

* nothing is stored for it yet, or
* ``hot_issue_interval_seconds`` have passed since the stored result **and** either the cases or their
  supports changed since (:func:`case_fingerprint`) or a day has passed (the window slid: old
  messages left it, recency decayed).

It reads the cases in one short read, clusters outside any transaction (so SQLite's single writer is
not held for seconds), and writes the result in one short transaction. Pages and the API call
:func:`hot_issues_view`: the stored result of the window with its "computed at"; when nothing usable
is stored, a small window (at most ``hot_issue_live_max_messages`` messages) is computed on the spot,
a larger one shows a note that the worker will compute it instead of making anyone wait.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gongzhi.analytics.hotissues import HeatWeights, HotIssue, Message, Window
from gongzhi.analytics.hotissues_models import HotIssueResult
from gongzhi.analytics.hotissues_sources import (
    EXCLUDED,
    case_fingerprint,
    case_hot_issues,
    case_messages,
    directory_words,
)
from gongzhi.cases.models import Case
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.errors import InvalidInput

#: Issues kept per stored window: the page shows up to 50; the API asking for more computes live.
STORED_TOP = 50
#: A stored result older than this is recomputed even when no case changed: its window has slid.
MAX_AGE = timedelta(days=1)
Source = Literal["stored", "live", "pending"]


@dataclass
class HotIssuesView:
    """What a page shows: the issues, where they came from, and when they were computed."""

    issues: list[HotIssue]
    source: Source  # stored by the worker, computed live for this request, or pending (nothing yet)
    window: Window  # the window the issues are of (a stored one ends when it was computed)
    computed_at: datetime | None
    seconds: float | None  # how long the computation took
    messages: int | None  # messages in the window when computed
    precomputed: bool  # whether the worker computes this window at all

    @property
    def start(self) -> datetime:
        return self.window.now - timedelta(days=self.window.days or 0)


def _due(session: Session, row: HotIssueResult | None, *, now: datetime, interval: timedelta) -> str | None:
    """The cases' fingerprint when the window is due, else None (the interval is checked first: it is free)."""
    if row is not None and now - row.computed_at < interval:
        return None
    fingerprint = case_fingerprint(session)
    if row is None or row.fingerprint != fingerprint or now - row.computed_at >= MAX_AGE:
        return fingerprint
    return None


def refresh_due(db: Database, settings: Settings, *, now: datetime, force: bool = False) -> list[int]:
    """Recompute and store the windows that are due (module docstring); returns their lengths in days."""
    interval = timedelta(seconds=settings.hot_issue_interval_seconds)
    done = []
    for days in settings.hot_issue_days:
        with db.reading() as session:
            row = session.get(HotIssueResult, days)
            fingerprint = case_fingerprint(session) if force else _due(session, row, now=now, interval=interval)
            if fingerprint is None:
                continue
            window = Window(now, days)
            messages = case_messages(session, window=window)
            words = directory_words(session)
        result = compute(messages, window=window, fingerprint=fingerprint, words=words)
        with db.transaction() as session:
            store(session, result)
        done.append(days)
    return done


def compute(
    messages: list[Message], *, window: Window, fingerprint: str, words: list[str], top: int = STORED_TOP
) -> HotIssueResult:
    """Cluster ``messages`` and wrap the ranking in an unsaved :class:`HotIssueResult`."""
    from gongzhi.analytics.hotissues import find_hot_issues

    started = time.perf_counter()
    issues = find_hot_issues(messages, window=window, top=top, weights=HeatWeights(), user_words=words)
    seconds = time.perf_counter() - started
    return HotIssueResult(
        days=int(window.days or 0),
        window_end=window.now,
        computed_at=window.now,
        top=top,
        messages=len(messages),
        fingerprint=fingerprint,
        seconds=round(seconds, 3),
        issues=[to_record(issue) for issue in issues],
    )


def store(session: Session, result: HotIssueResult) -> None:
    """Replace the window's stored result (a window has one row)."""
    row = session.get(HotIssueResult, result.days, with_for_update=True)
    if row is None:
        session.add(result)
        return
    for column in ("window_end", "computed_at", "top", "messages", "fingerprint", "seconds", "issues"):
        setattr(row, column, getattr(result, column))


def to_record(issue: HotIssue) -> dict[str, Any]:
    """An issue as stored: what pages show, its members by key, title, time and supports (no text, no author)."""
    record = issue.as_dict(members=False)
    record["representative"] = {
        "key": issue.representative.key,
        "title": issue.representative.title,
        "at": issue.representative.at.isoformat(),
    }
    record["members"] = [
        {"key": m.key, "title": m.title, "at": m.at.isoformat(), "supports": m.supports} for m in issue.members
    ]
    return record


def from_record(record: dict[str, Any]) -> HotIssue:
    """The stored issue back as a :class:`HotIssue` (members carry no text: pages link to the cases)."""

    def message(data: dict[str, Any]) -> Message:
        return Message(
            key=data["key"],
            title=data["title"],
            content="",
            at=datetime.fromisoformat(data["at"]),
            supports=int(data.get("supports", 0)),
        )

    return HotIssue(
        rank=int(record["rank"]),
        heat=float(record["heat"]),
        terms=dict(record["terms"]),
        title=record["title"],
        keywords=list(record["keywords"]),
        representative=message(record["representative"]),
        places=list(record["places"]),
        first_at=datetime.fromisoformat(record["first_at"]),
        last_at=datetime.fromisoformat(record["last_at"]),
        messages=int(record["messages"]),
        citizens=int(record["citizens"]),
        supports=int(record["supports"]),
        recent=int(record["recent"]),
        members=[message(m) for m in record["members"]],
    )


def hot_issues_view(session: Session, settings: Settings, *, days: int, top: int, now: datetime) -> HotIssuesView:
    """The hot issues a page shows for the last ``days`` (module docstring): stored, live, or pending."""
    if days < 1 or top < 1:
        raise InvalidInput("the window and the number of issues must be at least 1", field="days")
    precomputed = days in settings.hot_issue_days
    row = session.get(HotIssueResult, days)
    if row is not None and row.top >= top:
        return _stored(row, top, precomputed)
    count = _messages_in(session, Window(now, days))
    if count <= settings.hot_issue_live_max_messages:
        started = time.perf_counter()
        issues = case_hot_issues(session, window=Window(now, days), top=top)
        seconds = round(time.perf_counter() - started, 3)
        return HotIssuesView(issues, "live", Window(now, days), now, seconds, count, precomputed)
    if row is not None:  # fewer issues stored than asked for: show those rather than nothing
        return _stored(row, top, precomputed)
    return HotIssuesView([], "pending", Window(now, days), None, None, count, precomputed)


def _stored(row: HotIssueResult, top: int, precomputed: bool) -> HotIssuesView:
    issues = [from_record(r) for r in row.issues[:top]]
    window = Window(row.window_end, row.days)
    return HotIssuesView(issues, "stored", window, row.computed_at, row.seconds, row.messages, precomputed)


def _messages_in(session: Session, window: Window) -> int:
    """How many messages the window holds: one indexed count, to judge whether computing live is quick."""
    start = window.now - timedelta(days=window.days or 0)
    query = select(func.count(Case.id)).where(
        Case.submitted_at <= window.now, Case.submitted_at > start, Case.status.not_in(EXCLUDED)
    )
    return int(session.scalar(query) or 0)
