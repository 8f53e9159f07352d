"""The log gathers its witnesses' cosignatures: what the worker does after signing a checkpoint.

``collect`` takes the newest checkpoint and asks every configured witness that has not cosigned it
yet (and is not backing off after a failure) for a cosignature, all at once, each with a timeout.
The cosignatures that arrive are appended to the checkpoint's note, the text that
``/ledger/checkpoint`` serves and receipts carry; a witness that is down, slow or refusing is
recorded with its error and asked again later, with a growing pause. So a witness can never
block the log: the checkpoint is already published, and only gains signatures.

Three steps, so that no database transaction is open while the network is waited on:

1. read the checkpoint and what each witness holds (a read transaction);
2. submit to the witnesses in parallel; each consistency proof is read from the stored tree in a
   short read transaction of its own (``witness_client.request_cosignature``);
3. append each cosignature and record each witness's outcome as soon as it answers (a short write
   transaction that re-reads the note, so that two workers never drop each other's lines).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.errors import GongzhiError
from gongzhi.ledger.merkle import consistency_proof
from gongzhi.ledger.models import LedgerCheckpoint
from gongzhi.ledger.note import Note, Signature, format_note, parse_note
from gongzhi.ledger.publish import latest_checkpoint
from gongzhi.ledger.storage import database_reader
from gongzhi.ledger.witness_client import (
    Cosigned,
    Transport,
    WitnessEndpoint,
    WitnessRefused,
    http_post,
    request_cosignature,
)
from gongzhi.ledger.witness_models import LedgerWitness

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(minutes=5)


@dataclass
class CosignReport:
    """One round: which witnesses cosigned checkpoint ``size`` and which failed, with why."""

    size: int | None = None
    cosigned: list[str] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Target:
    checkpoint_id: int
    size: int
    note: str


def append_cosignatures(note: str, signatures: Sequence[Signature]) -> str:
    """The note with these signature lines added, skipping any key (name and ID) that already signed it."""
    parsed = parse_note(note)
    present = {(sig.name, sig.key_id) for sig in parsed.signatures}
    new = tuple(sig for sig in signatures if (sig.name, sig.key_id) not in present)
    return format_note(Note(parsed.text, parsed.signatures + new))


def collect(db: Database, settings: Settings, *, now: datetime, transport: Transport = http_post) -> CosignReport:
    """Ask the due witnesses to cosign the newest checkpoint and store what they answer."""
    endpoints = settings.witness_endpoints
    if not endpoints:
        return CosignReport()
    target, due, held = _plan(db, endpoints, now=now)
    if target is None:
        return CosignReport()
    report = CosignReport(size=target.size)
    if not due:
        return report
    pause = timedelta(seconds=settings.checkpoint_interval_seconds)
    for endpoint, outcome in _ask(db, target, due, held, transport, settings.ledger_witness_timeout_seconds):
        _record(db, target, [(endpoint, outcome)], now=now, pause=pause)  # served at once, not after the slowest
        if isinstance(outcome, Cosigned):
            report.cosigned.append(endpoint.name)
        else:
            report.failed[endpoint.name] = outcome.message
            log.warning("ledger: witness %s did not cosign checkpoint %d: %s", endpoint.name, target.size, outcome)
    return report


def _plan(
    db: Database, endpoints: Sequence[WitnessEndpoint], *, now: datetime
) -> tuple[_Target | None, list[WitnessEndpoint], dict[str, int]]:
    """The newest checkpoint, the witnesses to ask now, and the size each of them holds."""
    with db.reading() as session:
        latest = latest_checkpoint(session)
        if latest is None:
            return None, [], {}
        rows = {row.vkey: row for row in session.scalars(select(LedgerWitness))}
        signed = {(sig.name, sig.key_id) for sig in parse_note(latest.note).signatures}
        due = [
            endpoint
            for endpoint in endpoints
            if (endpoint.name, endpoint.verifier.key_id) not in signed and _is_due(rows.get(endpoint.vkey), now)
        ]
        held = {endpoint.vkey: min(rows[endpoint.vkey].size, latest.size) for endpoint in due if endpoint.vkey in rows}
        return _Target(latest.id, latest.size, latest.note), due, held


def _is_due(row: LedgerWitness | None, now: datetime) -> bool:
    return row is None or row.next_attempt_at is None or row.next_attempt_at <= now


Outcome = Cosigned | WitnessRefused


def _ask(
    db: Database,
    target: _Target,
    due: Sequence[WitnessEndpoint],
    held: dict[str, int],
    transport: Transport,
    timeout: float,
) -> Iterator[tuple[WitnessEndpoint, Outcome]]:
    """Submit to every due witness at once; each answer (or the reason there is none) as it comes."""

    def proof_from(old_size: int) -> list[bytes]:
        with db.reading() as session:
            return consistency_proof(database_reader(session), old_size, target.size)

    def ask(endpoint: WitnessEndpoint) -> Outcome:
        try:
            return request_cosignature(
                endpoint,
                target.note,
                size=target.size,
                old_size=held.get(endpoint.vkey, 0),
                proof_from=proof_from,
                transport=transport,
                timeout=timeout,
            )
        except WitnessRefused as exc:
            return exc
        except GongzhiError as exc:  # e.g. a proof the stored tree cannot give
            return WitnessRefused(f"cannot submit to witness {endpoint.name}: {exc.message}")

    with ThreadPoolExecutor(max_workers=len(due), thread_name_prefix="gongzhi-witness") as pool:
        futures = {pool.submit(ask, endpoint): endpoint for endpoint in due}
        for future in as_completed(futures):
            yield futures[future], future.result()


def _record(
    db: Database,
    target: _Target,
    outcomes: Sequence[tuple[WitnessEndpoint, Outcome]],
    *,
    now: datetime,
    pause: timedelta,
) -> None:
    """Append the cosignatures to the checkpoint and note each witness's outcome, in one transaction."""
    with db.transaction() as session:
        checkpoint = session.scalars(
            select(LedgerCheckpoint).where(LedgerCheckpoint.id == target.checkpoint_id).with_for_update()
        ).one()
        signatures = [outcome.signature for _, outcome in outcomes if isinstance(outcome, Cosigned)]
        if signatures:
            checkpoint.note = append_cosignatures(checkpoint.note, signatures)
        for endpoint, outcome in outcomes:
            row = session.get(LedgerWitness, endpoint.vkey, with_for_update=True)
            if row is None:
                row = LedgerWitness(vkey=endpoint.vkey, url=endpoint.url, size=0, failures=0)
                session.add(row)
            row.url = endpoint.url
            _note_outcome(row, outcome, size=target.size, now=now, pause=pause)


def _note_outcome(row: LedgerWitness, outcome: Outcome, *, size: int, now: datetime, pause: timedelta) -> None:
    if isinstance(outcome, Cosigned):
        row.size, row.failures, row.next_attempt_at, row.last_error, row.cosigned_at = size, 0, None, None, now
        return
    if outcome.known_size is not None and outcome.known_size <= size:
        row.size = outcome.known_size  # start the next proof where the witness really is
    row.failures = (row.failures or 0) + 1
    row.next_attempt_at = now + min(pause * 2 ** (row.failures - 1), MAX_BACKOFF)
    row.last_error = outcome.message[:1000]


def witness_rows(db: Database) -> list[LedgerWitness]:
    """What the log knows of each witness, for status output."""
    with db.reading() as session:
        return list(session.scalars(select(LedgerWitness).order_by(LedgerWitness.vkey)))
