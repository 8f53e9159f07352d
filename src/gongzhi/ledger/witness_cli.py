"""``gongzhi witness …``: run a witness (c2sp.org/tlog-witness) for other logs, or make its key.

A department, an auditor or a newspaper runs ``gongzhi witness serve`` next to nothing but a state
file; the city's log (``GONGZHI_LEDGER_WITNESSES``) submits its checkpoints to it. Exit codes: 0 when
all is well, 2 for a usage or configuration error (the message says what to fix).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from gongzhi.errors import GongzhiError

app = typer.Typer(help="Witnesses: cosign other logs' checkpoints after checking they only grow.", no_args_is_help=True)
console = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)


@app.command()
def keygen(
    name: Annotated[str, typer.Option("--name", help="the witness's name, like audit.example.gov.cn/witness")],
    out: Annotated[
        Path | None, typer.Option("--out", help="write the signer key to this file (mode 600) instead of printing it")
    ] = None,
) -> None:
    """Print a new witness key: the signer key (keep it secret) and the verifier key (give it to logs and verifiers)."""
    from gongzhi.ledger.checkpoint import generate_cosigner_key

    try:
        skey, vkey = generate_cosigner_key(name)
    except GongzhiError as exc:
        _fail(exc.message)
    if out is not None:
        from gongzhi.ledger.witness import write_secret

        write_secret(out, skey)
        err.print(f"signer key written to {escape(str(out))}; verifier key:")
    else:
        typer.echo(skey)
    typer.echo(vkey)


@app.command()
def serve(
    log: Annotated[list[str], typer.Option("--log", help="a log to witness, ORIGIN=VKEY or just VKEY (repeatable)")],
    key: Annotated[
        Path | None,
        typer.Option("--key", help="file holding the witness's signer key (default: GONGZHI_WITNESS_KEY)"),
    ] = None,
    state: Annotated[Path, typer.Option("--state", help="SQLite file with the latest checkpoint of each log")] = Path(
        "witness-state.db"
    ),
    host: Annotated[str, typer.Option("--host", help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="port to listen on")] = 7380,
) -> None:
    """Serve POST /add-checkpoint: check each checkpoint against the last one seen, cosign it if consistent."""
    import uvicorn

    from gongzhi.ledger.witness import Witness, WitnessStore, known_logs, load_witness_key
    from gongzhi.ledger.witness_http import create_witness_app

    try:
        signer = load_witness_key(_witness_key(key))
        witness = Witness(signer, known_logs(log), WitnessStore(state))
    except GongzhiError as exc:
        _fail(exc.message)
    except OSError as exc:
        _fail(f"cannot open the state file {state}: {exc.strerror or exc}")
    console.print(
        f"witness {escape(witness.name)} on http://{host}:{port}/add-checkpoint, state in {escape(str(state))}"
    )
    console.print(f"  verifier key: {witness.vkey()}")
    console.print(f"  a log lists it as: GONGZHI_LEDGER_WITNESSES=http://{host}:{port}={witness.vkey()}")
    for origin in witness.logs:
        console.print(f"  witnessing {escape(origin)} (holds size {witness.store.latest(origin).size})")
    uvicorn.run(create_witness_app(witness), host=host, port=port, log_level="warning")


def _witness_key(path: Path | None) -> str:
    """The signer key from --key FILE, else from the settings (GONGZHI_WITNESS_KEY)."""
    if path is not None:
        try:
            return path.read_text().strip()
        except OSError as exc:
            _fail(f"cannot read the witness key {path}: {exc.strerror}")
    from gongzhi.config import Settings

    try:
        configured = Settings().witness_key
    except ValueError as exc:
        _fail(f"configuration: {exc}")
    if not configured:
        _fail("no witness key: pass --key FILE or set GONGZHI_WITNESS_KEY (make one with `gongzhi witness keygen`)")
    return configured


def _fail(message: str) -> NoReturn:
    err.print(f"[red]error:[/red] {escape(message)}")
    raise typer.Exit(2)
