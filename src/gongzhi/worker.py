"""Periodic jobs: the deadline sweep, auto-closing unrated cases, and the e-mail outbox.

Each cycle is one transaction per job. On PostgreSQL, several worker processes may run (one per
host, say): each cycle takes a transaction-level advisory lock first, so only one sweeps at a time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from gongzhi.cases import deadlines, notify, workflow
from gongzhi.config import Settings
from gongzhi.db import Database, utcnow

log = logging.getLogger(__name__)
_LOCK_KEY = 0x67_6F_6E_67  # "gong"


@dataclass
class CycleReport:
    warned: int = 0
    escalated: int = 0
    auto_closed: int = 0
    emailed: int = 0
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
    return report


def _got_lock(session: Session) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return True  # SQLite: BEGIN IMMEDIATE already makes this the only writer
    return bool(session.scalar(text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": _LOCK_KEY}))


def run_forever(
    db: Database, settings: Settings, *, stop: threading.Event, clock: Callable[[], datetime] = utcnow
) -> None:
    """Cycle until ``stop`` is set; an error in one cycle is logged and the next cycle tries again."""
    while not stop.is_set():
        try:
            report = run_once(db, settings, now=clock())
            if report.warned or report.escalated or report.auto_closed:
                log.info("worker: %s", report)
        except Exception:  # a bad cycle must not stop deadlines from being watched
            log.exception("worker cycle failed; retrying in %s s", settings.sweep_interval_seconds)
        stop.wait(settings.sweep_interval_seconds)


def start_in_background(db: Database, settings: Settings) -> tuple[threading.Thread, threading.Event]:
    stop = threading.Event()
    thread = threading.Thread(
        target=run_forever, args=(db, settings), kwargs={"stop": stop}, daemon=True, name="gongzhi-worker"
    )
    thread.start()
    return thread, stop
