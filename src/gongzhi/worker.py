"""Periodic jobs: deadlines, auto-closing, e-mail, the ledger, duplicates, analytics and text labels.

Each cycle is one transaction per job. On PostgreSQL, several worker processes may run (one per
host, say): each cycle takes a transaction-level advisory lock first, so only one sweeps at a time.
The frequent jobs — the ledger (integrate pending entries, sign a checkpoint if the tree grew, get it
cosigned) and the duplicate search of new cases — run every ``checkpoint_interval_seconds``, more
often than the full cycle; the ledger serialises itself on its state row, and a case's duplicate
check is recorded once, so neither needs the advisory lock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from gongzhi import analytics
from gongzhi.analytics import hotissues_store, surge
from gongzhi.cases import deadlines, notify, proposals, workflow
from gongzhi.config import Settings
from gongzhi.db import Database, utcnow
from gongzhi.ledger import cosign, publish
from gongzhi.ledger import log as ledger_log
from gongzhi.text import sentiment

log = logging.getLogger(__name__)
_LOCK_KEY = 0x67_6F_6E_67  # "gong"


@dataclass
class CycleReport:
    warned: int = 0
    escalated: int = 0
    auto_closed: int = 0
    emailed: int = 0
    ledger_integrated: int = 0
    checkpoint_size: int | None = None  # set when a new checkpoint was signed
    duplicates_checked: int = 0  # new cases searched for duplicates (merge proposals)
    analytics_days: int = 0  # days of facts recomputed
    surge_alerts: int = 0  # alerts raised by the daily surge evaluation
    sentiments: int = 0  # cases given a sentiment by the active sentiment model (text.sentiment)
    hot_issue_windows: list[int] = field(default_factory=list)  # hot-issue windows recomputed and stored
    skipped: bool = False


def run_once(db: Database, settings: Settings, *, now: datetime) -> CycleReport:
    report = CycleReport()
    with db.transaction() as session:
        if not _got_lock(session):
            report.skipped = True
            return report
        swept = deadlines.sweep(session, now=now, settings=settings)
        report.warned, report.escalated = swept.warned, swept.escalated
        report.auto_closed = workflow.auto_close(session, now=now, settings=settings)
    with db.transaction() as session:
        report.emailed = notify.send_pending_emails(session, settings=settings, now=now)
    report.ledger_integrated, report.checkpoint_size = run_ledger(db, settings, now=now)
    report.duplicates_checked = proposals.check_new_cases(db, now=now, settings=settings)
    with db.transaction() as session:  # after the sweep, so the facts count its auto-closings
        report.analytics_days = analytics.refresh(session, zone=settings.zone, now=now).days
    with db.transaction() as session:  # once a day, on the facts just refreshed
        report.surge_alerts = len(surge.evaluate_due(session, settings=settings, now=now).alerts)
    with db.transaction() as session:  # analytics only, so in batches here rather than at intake
        report.sentiments = sentiment.fill_sentiment(session, now=now)
    # reads, clusters outside any transaction, then stores: seconds of CPU, not seconds of a held lock
    report.hot_issue_windows = hotissues_store.refresh_due(db, settings, now=now)
    return report


def run_frequent(db: Database, settings: Settings, *, now: datetime) -> None:
    """The jobs that run every few seconds, between full cycles: the ledger, and duplicates of new cases."""
    run_ledger(db, settings, now=now)
    proposals.check_new_cases(db, now=now, settings=settings)


def run_ledger(db: Database, settings: Settings, *, now: datetime) -> tuple[int, int | None]:
    """Integrate pending ledger entries, then sign a checkpoint if the tree grew: (integrated, new size)."""
    integrated = ledger_log.sequence(db)
    with db.transaction() as session:
        signer = publish.log_signer(session, settings, create=True)
        if signer is None:
            _warn_no_key()
            return integrated, None
        checkpoint = publish.publish(session, signer=signer, now=now)
    cosign.collect(db, settings, now=now)  # witnesses cosign the newest checkpoint; never blocks the log
    return integrated, checkpoint.size if checkpoint else None


def _warn_no_key() -> None:
    """Say once per process, not every few seconds, that checkpoints cannot be signed."""
    if not _NO_KEY_WARNED.is_set():
        _NO_KEY_WARNED.set()
        log.warning(
            "ledger: no GONGZHI_LEDGER_SIGNER_KEY, so no checkpoints are signed; "
            "create one with `gongzhi ledger keygen --origin NAME`"
        )


_NO_KEY_WARNED = threading.Event()


def _got_lock(session: Session) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return True  # SQLite: BEGIN IMMEDIATE already makes this the only writer
    return bool(session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": _LOCK_KEY}))


def run_forever(
    db: Database, settings: Settings, *, stop: threading.Event, clock: Callable[[], datetime] = utcnow
) -> None:
    """Cycle until ``stop`` is set; an error in one cycle is logged and the next cycle tries again.

    The full cycle runs every ``sweep_interval_seconds``; in between, the ledger job alone runs
    every ``checkpoint_interval_seconds``.
    """
    next_sweep = 0.0
    while not stop.is_set():
        try:
            if time.monotonic() >= next_sweep:
                next_sweep = time.monotonic() + settings.sweep_interval_seconds
                report = run_once(db, settings, now=clock())
                if report.warned or report.escalated or report.auto_closed:
                    log.info("worker: %s", report)
            else:
                run_frequent(db, settings, now=clock())
        except Exception:  # a bad cycle must not stop deadlines from being watched
            log.exception("worker cycle failed; retrying in %s s", settings.checkpoint_interval_seconds)
        stop.wait(min(settings.sweep_interval_seconds, settings.checkpoint_interval_seconds))


def start_in_background(db: Database, settings: Settings) -> tuple[threading.Thread, threading.Event]:
    stop = threading.Event()
    thread = threading.Thread(
        target=run_forever, args=(db, settings), kwargs={"stop": stop}, daemon=True, name="gongzhi-worker"
    )
    thread.start()
    return thread, stop
