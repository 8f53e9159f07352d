"""Periodic jobs: the deadline sweep, auto-closing unrated cases, the e-mail outbox, and the ledger.

Each cycle is one transaction per job. On PostgreSQL, several worker processes may run (one per
host, say): each cycle takes a transaction-level advisory lock first, so only one sweeps at a time.
The ledger job (integrate pending entries, sign a checkpoint if the tree grew) runs every
``checkpoint_interval_seconds``, more often than the sweep; it serialises itself on the ledger's
state row, so it needs no advisory lock.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.orm import Session

from gongzhi.cases import deadlines, notify, workflow
from gongzhi.config import Settings
from gongzhi.db import Database, utcnow
from gongzhi.ledger import log as ledger_log
from gongzhi.ledger import publish

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
    return report


def run_ledger(db: Database, settings: Settings, *, now: datetime) -> tuple[int, int | None]:
    """Integrate pending ledger entries, then sign a checkpoint if the tree grew: (integrated, new size)."""
    integrated = ledger_log.sequence(db)
    with db.transaction() as session:
        signer = publish.log_signer(session, settings, create=True)
        if signer is None:
            _warn_no_key()
            return integrated, None
        checkpoint = publish.publish(session, signer=signer, now=now)
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
                run_ledger(db, settings, now=clock())
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
