"""Matching a database export against the log: does every case event have its entry?

An event is known by (tracking code, kind, instant to the second), which its entry carries in
plain (``case``, ``kind`` or type ``case.submitted``, ``at``) whether or not the case is public.
Two exports are understood:

- the event list ``gongzhi ledger export-events FILE`` writes: JSON lines of
  ``{"case", "kind", "at"}``, one per case event — the full check;
- the spreadsheet ``gongzhi cases export FILE.csv`` writes: one row per case, so only each case's
  submission (tracking_code, submitted_at) can be checked.

Events are counted, not just listed, so two events of one kind in the same second need two entries.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongzhi.cases.models import Case, CaseEvent
from gongzhi.ledger.errors import LedgerError

EventKey = tuple[str, str, str]  # (tracking code, event kind, UTC instant "YYYY-MM-DDTHH:MM:SSZ")
SUBMIT = "submit"


class ExportError(LedgerError):
    """The database export cannot be read."""


def instant(at: datetime) -> str:
    """The text an entry uses for a time: UTC, to the second (the same as ``caselog``)."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def event_rows(session: Session) -> Iterator[dict[str, str]]:
    """Every case event, oldest first, as the export-events file holds it."""
    query = (
        select(Case.tracking_code, CaseEvent.kind, CaseEvent.at)
        .join(Case, CaseEvent.case_id == Case.id)
        .order_by(CaseEvent.id)
        .execution_options(yield_per=5000)
    )
    for code, kind, at in session.execute(query):
        yield {"case": code, "kind": kind, "at": instant(at)}


def write_event_export(path: Path, rows: Iterator[dict[str, str]]) -> int:
    """Write the events as JSON lines; returns how many."""
    count = 0
    with path.open("w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False, sort_keys=True) + "\n")
            count += 1
    return count


def read_export(path: Path) -> Counter[EventKey]:
    """The events an export says happened: JSON lines of events, or the cases CSV (submissions only)."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return _read_csv(handle, path) if path.suffix.lower() == ".csv" else _read_lines(handle, path)
    except OSError as exc:
        raise ExportError(f"cannot read the export {path}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise ExportError(f"the export {path} is not UTF-8 text: {exc}") from exc


def entry_event_key(entry: bytes) -> EventKey | None:
    """The event an entry records, or None for entries that are not case events (notarised documents …)."""
    if not entry.startswith(b'{"') or b'"type":"case.' not in entry:
        return None
    try:
        value = json.loads(entry)
    except ValueError:
        return None
    kind = SUBMIT if value.get("type") == "case.submitted" else value.get("kind")
    case, at = value.get("case"), value.get("at")
    if isinstance(case, str) and isinstance(kind, str) and isinstance(at, str):
        return case, kind, at
    return None


def first_missing(expected: Counter[EventKey], found: Counter[EventKey]) -> tuple[EventKey, int] | None:
    """The first exported event without an entry, and how many lack one in all; None when none does."""
    missing = expected - found
    if not missing:
        return None
    return next(iter(missing)), sum(missing.values())


def _read_lines(handle: Iterator[str], path: Path) -> Counter[EventKey]:
    events: Counter[EventKey] = Counter()
    for number, line in enumerate(handle, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            events[(str(row["case"]), str(row["kind"]), str(row["at"]))] += 1
        except (ValueError, KeyError, TypeError) as exc:
            raise ExportError(
                f"{path} line {number} is not an event ({exc}); write the export with `gongzhi ledger export-events`"
            ) from exc
    return events


def _read_csv(handle: Iterator[str], path: Path) -> Counter[EventKey]:
    events: Counter[EventKey] = Counter()
    reader = csv.DictReader(handle)
    if not reader.fieldnames or not {"tracking_code", "submitted_at"} <= set(reader.fieldnames):
        raise ExportError(f"{path} lacks the tracking_code and submitted_at columns of `gongzhi cases export`")
    for number, row in enumerate(reader, 2):
        try:
            at = datetime.fromisoformat(row["submitted_at"])
        except ValueError as exc:
            raise ExportError(f"{path} line {number}: submitted_at {row['submitted_at']!r} is not a time") from exc
        if at.tzinfo is None:
            raise ExportError(f"{path} line {number}: submitted_at {row['submitted_at']!r} has no time zone")
        events[(row["tracking_code"], SUBMIT, instant(at))] += 1
    return events
