"""The body of ``gongzhi ledger audit`` and ``export-events``: progress bar, messages, exit codes.

Exit codes: 0 the log passed; 1 the log is wrong (the message names what, and the first entry
index when it can be placed); 2 the audit could not run (unreachable URL, bad key, unreadable
state or export). The state file is only updated after a pass.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from gongzhi.db import utcnow
from gongzhi.errors import GongzhiError
from gongzhi.ledger.audit import AuditError, audit, fetch_checkpoint
from gongzhi.ledger.audit_events import EventKey, event_rows, read_export, write_event_export
from gongzhi.ledger.audit_state import AuditState, load_state, save_state
from gongzhi.ledger.fetch import FetchError, fetcher_for
from gongzhi.ledger.policy import WitnessPolicy


def run_audit(
    url: str,
    *,
    vkey: str,
    state_path: Path | None,
    export_path: Path | None,
    console: Console,
    err: Console,
    witnesses: list[str] | None = None,
    quorum: int | None = None,
) -> None:
    """Audit the log at ``url``; exits 1 naming the problem when it fails."""
    try:
        fetcher = fetcher_for(url)
        policy = WitnessPolicy.from_vkeys(witnesses, quorum) if witnesses else None
        state = load_state(state_path, vkey) if state_path else None
        events: Counter[EventKey] | None = read_export(export_path) if export_path else None
        size = fetch_checkpoint(fetcher, vkey, policy=policy, now=utcnow()).size
    except AuditError as exc:
        _fail(err, f"audit FAILED: {exc.message}", 1)
    except (FetchError, GongzhiError) as exc:
        _fail(err, exc.message, 2)
    except ValueError as exc:  # a quorum larger than the witnesses given
        _fail(err, str(exc), 2)
    columns = (TextColumn("auditing"), BarColumn(), MofNCompleteColumn(), TextColumn("entries"), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as progress:
        task = progress.add_task("audit", total=size)
        try:
            report = audit(
                fetcher, vkey=vkey, now=utcnow(), state=state, events=events, progress=_advance(progress, task)
            )
        except AuditError as exc:
            where = f" (first divergence at entry {exc.index})" if exc.index is not None else ""
            _fail(err, f"audit FAILED{where}: {exc.message}", 1)
        except (FetchError, GongzhiError) as exc:
            _fail(err, f"audit could not finish: {exc.message}", 2)
    if state_path and state is not None:
        save_state(state_path, state)
    _report(console, report.checkpoint.origin, report.checkpoint.size, report.files, report.earlier, report.events)
    if policy is not None:
        console.print(f"  cosigned as required by at least {policy.quorum} of {len(policy.witnesses)} witnesses")
    if state is not None:
        _note_state(console, state, state_path)


def run_export_events(file: Path, *, db: str | None, console: Console, err: Console) -> None:
    """Write every case event of the database to ``file`` as JSON lines."""
    from gongzhi.config import Settings
    from gongzhi.db import Database

    try:
        database = Database(Settings(**({"database_url": db} if db else {})).database_url)  # type: ignore[arg-type]
    except ValueError as exc:
        _fail(err, f"configuration: {exc}", 2)
    try:
        with database.reading() as session:
            count = write_event_export(file, event_rows(session))
    except OSError as exc:
        _fail(err, f"cannot write {file}: {exc.strerror}", 2)
    finally:
        database.dispose()
    console.print(f"wrote {count} case events to {file}")


def _advance(progress: Progress, task: object):  # type: ignore[no-untyped-def]
    return lambda n: progress.advance(task, n)  # type: ignore[arg-type]


def _report(console: Console, origin: str, size: int, files: int, earlier: int, events: int | None) -> None:
    console.print(
        f"[green]audit passed[/green]: {escape(origin)} holds {size} entries; every entry, tile and the signed "
        f"root were recomputed ({files} files fetched)"
    )
    if earlier:
        console.print(f"  the tree extends all {earlier} checkpoints seen on earlier runs")
    if events is not None:
        console.print(f"  all {events} case events of the export have their ledger entry")


def _note_state(console: Console, state: AuditState, path: Path | None) -> None:
    console.print(f"  remembered in {path}: {len(state.checkpoints)} checkpoints, up to size {state.size}")


def _fail(err: Console, message: str, code: int) -> NoReturn:
    err.print(f"[red]error:[/red] {escape(message)}")
    raise typer.Exit(code)
