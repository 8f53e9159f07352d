"""``gongzhi witness keygen | serve``, ``verify-receipt --min-witnesses``, the settings, and the demo's witnesses."""

from __future__ import annotations

import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from typer.testing import CliRunner

from gongzhi import worker
from gongzhi.cli import app
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.ledger.checkpoint import CosignatureSigner, CosignatureVerifier
from gongzhi.ledger.demo_witnesses import DEMO_WITNESS_NAMES, data_directory, start_demo_witnesses
from gongzhi.ledger.policy import WitnessPolicy
from tests.cases.steps import Desk
from tests.conftest import Clock
from tests.ledger.conftest import SKEY, VKEY
from tests.ledger.test_cosign import KEY_1, KEY_2, DemoWitness, latest_note, running_pair, with_witnesses
from tests.ledger.test_receipts import receipt_of
from tests.ledger.test_witness import TESSERA_VKEY, body

runner = CliRunner()


def test_keygen_prints_a_witness_key_pair(tmp_path: Path) -> None:
    result = runner.invoke(app, ["witness", "keygen", "--name", "audit.example/witness"])
    assert result.exit_code == 0, result.output
    skey, vkey = result.stdout.splitlines()[:2]
    assert CosignatureSigner.from_skey(skey, 0).verifier() == CosignatureVerifier.from_vkey(vkey)

    key_file = tmp_path / "keys" / "witness.key"
    result = runner.invoke(app, ["witness", "keygen", "--name", "audit.example/witness", "--out", str(key_file)])
    assert result.exit_code == 0 and result.stdout.strip().startswith("audit.example/witness+")
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert CosignatureSigner.from_skey(key_file.read_text().strip(), 0).verifier().vkey() == result.stdout.strip()


def test_serve_wires_key_logs_and_state(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import uvicorn

    served = {}
    monkeypatch.setattr(uvicorn, "run", lambda application, **options: served.update(app=application, **options))
    monkeypatch.setenv("GONGZHI_WITNESS_KEY", KEY_1.skey())
    state = tmp_path / "state.db"
    args = ["witness", "serve", "--log", TESSERA_VKEY, "--state", str(state), "--port", "7399"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert served["port"] == 7399 and KEY_1.verifier().vkey() in result.output
    assert TestClient(served["app"]).post("/add-checkpoint", content=body(0, 3)).status_code == 200
    again = runner.invoke(app, args)  # restarted: says what it holds
    assert "holds size 3" in again.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--log", TESSERA_VKEY], "no witness key"),
        (["--log", TESSERA_VKEY, "--key", "/nonexistent/key"], "cannot read the witness key"),
        (["--log", "example.com/log=nonsense", "--key", "KEYFILE"], "verifier key"),
        (["--log", TESSERA_VKEY, "--key", "LOGKEYFILE"], "expected 0x04"),
    ],
)
def test_serve_refuses_bad_configuration_with_a_message(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, args: list[str], message: str
) -> None:
    monkeypatch.delenv("GONGZHI_WITNESS_KEY", raising=False)
    (tmp_path / "witness.key").write_text(KEY_1.skey())
    (tmp_path / "log.key").write_text(SKEY)
    args = [
        str(tmp_path / "witness.key") if a == "KEYFILE" else str(tmp_path / "log.key") if a == "LOGKEYFILE" else a
        for a in args
    ]
    result = runner.invoke(app, ["witness", "serve", *args, "--state", str(tmp_path / "s.db")])
    assert result.exit_code == 2 and message in result.output, result.output


def test_verify_receipt_applies_the_witness_policy(
    desk: Desk, settings: Settings, witnesses: list[DemoWitness], tmp_path: Path
) -> None:
    up, down = witnesses
    down.stop()
    code, _ = desk.submit(category="A0101")
    worker.run_ledger(desk.db, with_witnesses(settings, up.entry, down.entry), now=desk.clock.now)
    path = tmp_path / "receipt.json"
    path.write_text(receipt_of(desk, code).to_json())
    keys = ["--witness", KEY_1.verifier().vkey(), "--witness", KEY_2.verifier().vkey()]
    base = ["ledger", "verify-receipt", str(path), "--vkey", VKEY, *keys]
    one = runner.invoke(app, [*base, "--min-witnesses", "1"])
    assert one.exit_code == 0 and "cosigned by witness-1.test.example" in one.output, one.output
    both = runner.invoke(app, base)
    assert both.exit_code == 1 and "missing: witness-2.test.example" in both.output
    impossible = runner.invoke(app, [*base, "--min-witnesses", "3"])
    assert impossible.exit_code == 2 and "needs 0 to 2" in impossible.output


@pytest.fixture
def witnesses(tmp_path: Path) -> Iterator[list[DemoWitness]]:
    yield from running_pair(tmp_path)


def test_the_witness_settings_are_checked_at_start_up() -> None:
    entry = f"http://127.0.0.1:7381={KEY_1.verifier().vkey()}"
    assert len(Settings(ledger_witnesses=entry).witness_endpoints) == 1
    assert Settings(ledger_witnesses=entry).witness_quorum == 1
    with pytest.raises(ValidationError, match="GONGZHI_LEDGER_WITNESSES: witness entry 'nonsense' is not URL=VKEY"):
        Settings(ledger_witnesses="nonsense")
    with pytest.raises(ValidationError, match="QUORUM is 2, but 1 witnesses are listed"):
        Settings(ledger_witnesses=entry, ledger_witness_quorum=2)


def test_the_demo_runs_two_witnesses_that_cosign_its_checkpoints(db: Database, clock: Clock, tmp_path: Path) -> None:
    settings = Settings(database_url=db.url, demo=True)
    demo = start_demo_witnesses(db, settings, host="127.0.0.1", ports=(0, 0), directory=tmp_path / "witnesses")
    try:
        worker.run_ledger(db, demo.settings, now=clock.now)
        policy = WitnessPolicy.from_vkeys([e.vkey for e in demo.settings.witness_endpoints])
        assert [c.name for c in policy.check(latest_note(db)).cosigners] == list(DEMO_WITNESS_NAMES)
        vkeys = [e.vkey for e in demo.settings.witness_endpoints]
    finally:
        demo.stop()
    again = start_demo_witnesses(db, settings, host="127.0.0.1", ports=(0, 0), directory=tmp_path / "witnesses")
    again.stop()
    assert [e.vkey for e in again.settings.witness_endpoints] == vkeys  # the keys are kept in the data directory
    assert sorted(p.name for p in (tmp_path / "witnesses").glob("*.key")) == [f"{n}.key" for n in DEMO_WITNESS_NAMES]


def test_the_demo_data_directory_sits_beside_the_database() -> None:
    assert data_directory(Settings(database_url="sqlite:////srv/city/gongzhi.db")) == Path(
        "/srv/city/gongzhi-witnesses"
    )
    assert data_directory(Settings(database_url="postgresql://u@h/db")) == Path("gongzhi-witnesses")
