"""``gongzhi ledger …``: make a log key, verify a receipt offline, export the tree as static tiles.

Exit codes: 0 when all is well, 1 when a receipt does not verify (the message names what is
wrong), 2 for a usage or configuration error.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress

from gongzhi.errors import GongzhiError

app = typer.Typer(help="The trust ledger: keys, receipts and static tiles.", no_args_is_help=True)
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


@app.command()
def keygen(
    origin: Annotated[str, typer.Option("--origin", help="the log's name, like city.gov.cn/ledger")],
) -> None:
    """Print a new Ed25519 signer key (keep it secret) and its verifier key (publish it), one per line."""
    from gongzhi.ledger.note import generate_key

    try:
        skey, vkey = generate_key(origin)
    except GongzhiError as exc:
        _fail(exc.message, code=2)
    typer.echo(skey)
    typer.echo(vkey)
    err.print(
        "first line: the signer key, set it as GONGZHI_LEDGER_SIGNER_KEY and keep it out of version control; "
        "second line: the verifier key, give it to anyone who checks the log"
    )


@app.command("verify-receipt")
def verify_receipt(
    file: Annotated[Path, typer.Argument(help="the receipt (JSON); '-' reads standard input")],
    vkey: Annotated[str, typer.Option("--vkey", help="the log's verifier key (GET /ledger/key)")],
    witness: Annotated[
        list[str] | None, typer.Option("--witness", help="a witness's verifier key (repeatable)")
    ] = None,
    quorum: Annotated[
        int | None,
        typer.Option(
            "--min-witnesses", "--quorum", help="how many of the --witness keys must have cosigned (default: all)"
        ),
    ] = None,
) -> None:
    """Check a receipt offline: the log's signature, witness cosignatures, the inclusion proof, the commitment."""
    from gongzhi.ledger.verify import verify_receipt as verify

    text = sys.stdin.buffer.read() if str(file) == "-" else _read(file)
    try:
        # this machine's clock: a cosignature dated beyond it (plus the allowed skew) is refused
        result = verify(text, log_key=vkey, witness_keys=witness or [], quorum=quorum, now=int(time.time()))
    except ValueError as exc:
        _fail(str(exc), code=2)
    except GongzhiError as exc:
        _fail(f"receipt does NOT verify: {exc.message}", code=1)
    entry = result.entry
    console.print(
        f"[green]receipt verifies[/green]: entry {result.index} of {escape(result.checkpoint.origin)} "
        f"(tree size {result.checkpoint.size})"
    )
    console.print(
        f"  type {escape(str(entry['type']))} v{entry['v']}, case {escape(str(entry.get('case', '-')))}, "
        f"at {escape(str(entry.get('at', '-')))}"
    )
    if result.witnesses:
        console.print(f"  cosigned by {', '.join(escape(name) for name in result.witnesses)}")
    if result.opened:
        console.print("  the salt and committed fields match the entry's commitment")


@app.command("export-tiles")
def export_tiles(
    directory: Annotated[Path, typer.Argument(help="where to write checkpoint and tile/… (created if missing)")],
    db: Annotated[str | None, typer.Option("--db", help="database URL (default: GONGZHI_DATABASE_URL)")] = None,
) -> None:
    """Write the newest checkpoint's tree as static files, laid out exactly as /ledger/ serves them."""
    from gongzhi.config import Settings
    from gongzhi.db import Database
    from gongzhi.ledger.export import export_tiles as export
    from gongzhi.ledger.export import plan_export

    try:
        database = Database(Settings(**({"database_url": db} if db else {})).database_url)  # type: ignore[arg-type]
    except ValueError as exc:
        _fail(f"configuration: {exc}", code=2)
    with database.reading() as session, Progress(console=err, transient=True) as progress:
        try:
            task = progress.add_task("writing tiles", total=len(plan_export(session, directory)[2]) + 1)
            report = export(session, directory, progress=lambda n: progress.advance(task, n))
        except GongzhiError as exc:
            _fail(exc.message, code=2)
    database.dispose()
    console.print(f"exported a tree of {report.size} entries to {directory} ({report.files} files written)")


@app.command()
def audit(
    url: Annotated[str, typer.Argument(help="the log: https://host/ledger, or a directory written by export-tiles")],
    vkey: Annotated[str, typer.Option("--vkey", help="the log's verifier key, obtained out of band")],
    state: Annotated[
        Path | None, typer.Option("--state", help="file remembering the checkpoints seen on earlier runs")
    ] = None,
    export: Annotated[
        Path | None,
        typer.Option("--export", help="database export (`gongzhi ledger export-events`, or the cases CSV)"),
    ] = None,
    witness: Annotated[
        list[str] | None, typer.Option("--witness", help="a witness's verifier key that must cosign (repeatable)")
    ] = None,
    quorum: Annotated[
        int | None, typer.Option("--quorum", help="how many of the --witness keys must have cosigned (default: all)")
    ] = None,
) -> None:
    """Audit a published log as an outside party: rebuild its tree from tiles and entries, check its history."""
    from gongzhi.ledger.audit_cli import run_audit

    run_audit(
        url, vkey=vkey, state_path=state, export_path=export, console=console, err=err, witnesses=witness, quorum=quorum
    )


@app.command("export-events")
def export_events(
    file: Annotated[Path, typer.Argument(help="where to write the case events, one JSON object per line")],
    db: Annotated[str | None, typer.Option("--db", help="database URL (default: GONGZHI_DATABASE_URL)")] = None,
) -> None:
    """Export every case event (case, kind, time; nothing personal), for `gongzhi ledger audit --export`."""
    from gongzhi.ledger.audit_cli import run_export_events

    run_export_events(file, db=db, console=console, err=err)


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        _fail(f"cannot read {file}: {exc.strerror}", code=2)


def _fail(message: str, *, code: int) -> NoReturn:
    err.print(f"[red]error:[/red] {escape(message)}")
    raise typer.Exit(code)
