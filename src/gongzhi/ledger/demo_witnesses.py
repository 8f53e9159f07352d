"""Two witnesses for ``gongzhi demo``, so that its checkpoints come cosigned with no set-up at all.

They are real witnesses speaking real HTTP (``witness_http`` served by uvicorn in threads of the
demo's process), on the demo's port + 1 and + 2. Their keys and state files live in the demo's data
directory (next to the SQLite file: ``<db name>-witnesses/``), so a restarted demo keeps the same
witness keys and the witnesses keep what they cosigned. A state file is named after the log key
it witnesses: a fresh demo database (with a fresh log key) starts fresh witness state instead of
being refused as a fork of the old log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from gongzhi.config import Settings
from gongzhi.db import Database, normalise_url
from gongzhi.errors import Conflict
from gongzhi.ledger import publish
from gongzhi.ledger.checkpoint import CosignatureSigner, generate_cosigner_key
from gongzhi.ledger.witness import Witness, WitnessStore, known_logs, load_witness_key, write_secret
from gongzhi.ledger.witness_http import BackgroundServer, create_witness_app, serve_in_background

DEMO_WITNESS_NAMES = ("witness-1.demo.gongzhi", "witness-2.demo.gongzhi")


@dataclass
class DemoWitnesses:
    """The running witnesses and the settings that make the demo's worker submit to them."""

    settings: Settings
    servers: list[BackgroundServer]
    directory: Path

    def stop(self) -> None:
        for server in self.servers:
            server.stop()


def data_directory(settings: Settings) -> Path:
    """Where the demo keeps its witnesses: beside the SQLite file, or ./gongzhi-witnesses for PostgreSQL."""
    url = make_url(normalise_url(settings.database_url))
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        path = Path(url.database)
        return path.with_name(f"{path.stem}-witnesses")
    return Path("gongzhi-witnesses")


def start_demo_witnesses(
    db: Database, settings: Settings, *, host: str, ports: Sequence[int], directory: Path | None = None
) -> DemoWitnesses:
    """Start one witness per port for the demo log and return settings that list them (all must cosign)."""
    directory = directory or data_directory(settings)
    with db.transaction() as session:
        log_key = publish.log_signer(session, settings, create=True)
    if log_key is None:
        raise Conflict("the demo log has no signing key; run the demo in demo mode or set GONGZHI_LEDGER_SIGNER_KEY")
    log_vkey = log_key.verifier().vkey()
    servers, entries = [], []
    try:
        for name, port in zip(DEMO_WITNESS_NAMES, ports, strict=True):
            signer = _witness_key(directory, name)
            state = WitnessStore(directory / f"{name}.{log_key.key_id:08x}.state.db")
            server = serve_in_background(
                create_witness_app(Witness(signer, known_logs([log_vkey]), state)), host=host, port=port
            )
            servers.append(server)
            entries.append(f"{server.url}={signer.verifier().vkey()}")
    except BaseException:
        for server in servers:
            server.stop()
        raise
    listed = ",".join(filter(None, [settings.ledger_witnesses, *entries]))
    return DemoWitnesses(settings.model_copy(update={"ledger_witnesses": listed}), servers, directory)


def _witness_key(directory: Path, name: str) -> CosignatureSigner:
    """The demo witness's key, made on first use and kept (mode 600) in the data directory."""
    path = directory / f"{name}.key"
    if not path.exists():
        write_secret(path, generate_cosigner_key(name)[0])
    return load_witness_key(path.read_text())
