"""``gongzhi ledger audit``: an outside party rebuilds the published log and checks its history."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from gongzhi.cases.models import CaseEvent
from gongzhi.cli import app as cli
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.ledger.audit import AuditError, audit, split_bundle
from gongzhi.ledger.audit_events import event_rows, read_export, write_event_export
from gongzhi.ledger.audit_state import AuditStateError, load_state, save_state
from gongzhi.ledger.checkpoint import CosignatureSigner, generate_cosigner_key
from gongzhi.ledger.export import export_tiles
from gongzhi.ledger.fetch import DirectoryFetcher, FetchError, HttpFetcher
from gongzhi.ledger.note import add_signatures, generate_key
from gongzhi.ledger.policy import WitnessPolicy
from gongzhi.ledger.tiles import format_entry_bundle, parse_entry_bundle
from tests.conftest import Clock
from tests.factories import World, submission
from tests.ledger.audit_helpers import SIZE, ClientFetcher, execute, served, signed_log
from tests.ledger.conftest import VKEY

runner = CliRunner()


def test_an_audit_rebuilds_the_whole_log_and_remembers_its_checkpoint(
    client: TestClient, db: Database, settings: Settings, clock: Clock, tmp_path: Path
) -> None:
    signed_log(db, settings, clock)
    state = load_state(tmp_path / "state.json", VKEY)
    seen: list[int] = []
    report = audit(ClientFetcher(client), vkey=VKEY, now=clock.now, state=state, progress=seen.append)
    assert (report.checkpoint.size, report.earlier, report.files) == (SIZE, 0, 2 * 3 + 1)
    assert sum(seen) == SIZE and seen == [256, 256, 92]
    assert [c.size for c in state.checkpoints] == [SIZE] and len(state.tile_roots) == 2 * 32
    assert len(state.tail) == 92 * 32
    save_state(tmp_path / "state.json", state)

    signed_log(db, settings, clock, 300, start=SIZE)
    state = load_state(tmp_path / "state.json", VKEY)
    report = audit(ClientFetcher(client), vkey=VKEY, now=clock.now, state=state)
    assert (report.checkpoint.size, report.earlier) == (SIZE + 300, 1)
    assert [c.size for c in state.checkpoints] == [SIZE, SIZE + 300]


def test_the_wrong_key_or_no_checkpoint_fails_before_anything_is_fetched(client: TestClient, clock: Clock) -> None:
    with pytest.raises(AuditError, match="serves no checkpoint"):
        audit(ClientFetcher(client), vkey=VKEY, now=clock.now)


def test_a_checkpoint_signed_by_another_key_fails(
    client: TestClient, db: Database, settings: Settings, clock: Clock
) -> None:
    signed_log(db, settings, clock, 10)
    other = generate_key("test.gongzhi.example/ledger", seed=bytes(32))[1]
    with pytest.raises(AuditError, match="does not verify with the log's key"):
        audit(ClientFetcher(client), vkey=other, now=clock.now)


def test_a_state_file_of_another_log_or_damaged_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.json"
    path.write_text("{not json")
    with pytest.raises(AuditStateError, match="move it away"):
        load_state(path, VKEY)
    save_state(path, load_state(tmp_path / "none.json", VKEY))
    with pytest.raises(AuditStateError, match="one state file per log"):
        load_state(path, generate_key("other.example/log")[1])


def test_every_case_event_of_the_export_has_its_entry(
    client: TestClient, db: Database, settings: Settings, world: World, clock: Clock, tmp_path: Path
) -> None:
    for _ in range(2):
        assert client.post("/api/v1/cases", json=submission()).status_code == 201
    signed_log(db, settings, clock, 10)
    export = tmp_path / "events.jsonl"
    with db.reading() as session:
        assert write_event_export(export, event_rows(session)) == 4  # two submissions and their dispatches
    report = audit(ClientFetcher(client), vkey=VKEY, now=clock.now, events=read_export(export))
    assert report.events == 4

    with db.transaction() as session:  # an event recorded behind the ledger's back, without its entry
        first = session.scalars(select(CaseEvent).order_by(CaseEvent.id)).first()
        assert first is not None
        session.add(CaseEvent(case_id=first.case_id, kind="note", actor_role="admin", at=clock.now, data={}))
    with db.reading() as session:
        write_event_export(export, event_rows(session))
    with pytest.raises(AuditError, match="event 'note' .* has no ledger entry"):
        audit(ClientFetcher(client), vkey=VKEY, now=clock.now, events=read_export(export))


def test_the_cases_csv_export_checks_each_submission(
    client: TestClient, db: Database, settings: Settings, world: World, clock: Clock, tmp_path: Path
) -> None:
    code = client.post("/api/v1/cases", json=submission()).json()["tracking_code"]
    signed_log(db, settings, clock, 3)
    export = tmp_path / "cases.csv"
    result = runner.invoke(cli, ["cases", "export", str(export), "--db", db.url])
    assert result.exit_code == 0, result.output
    assert read_export(export) == Counter({(code, "submit", clock.now.strftime("%Y-%m-%dT%H:%M:%SZ")): 1})
    assert audit(ClientFetcher(client), vkey=VKEY, now=clock.now, events=read_export(export)).events == 1


def test_audit_over_real_http_passes_then_fails_naming_the_altered_entry(
    app: object, db: Database, settings: Settings, clock: Clock, tmp_path: Path
) -> None:
    signed_log(db, settings, clock)
    state = tmp_path / "audit-state.json"
    with served(app) as url:
        result = runner.invoke(cli, ["ledger", "audit", url, "--vkey", VKEY, "--state", str(state)])
        assert result.exit_code == 0, result.output
        assert f"holds {SIZE} entries" in result.stdout
        assert load_state(state, VKEY).size == SIZE

        execute(db, "UPDATE ledger_entry SET data = :d WHERE leaf_index = 300", d=b'{"n":-1,"type":"test","v":1}')
        result = runner.invoke(cli, ["ledger", "audit", url, "--vkey", VKEY, "--state", str(state)])
    assert result.exit_code == 1
    assert "first divergence at entry 300" in result.output and "entry 300 does not match" in result.output


def test_audit_of_a_static_export_and_cli_errors(
    db: Database, settings: Settings, clock: Clock, tmp_path: Path
) -> None:
    signed_log(db, settings, clock, 70_000 // 100)
    with db.reading() as session:
        export_tiles(session, tmp_path / "tiles")
    result = runner.invoke(cli, ["ledger", "audit", str(tmp_path / "tiles"), "--vkey", VKEY])
    assert result.exit_code == 0, result.output
    result = runner.invoke(cli, ["ledger", "audit", str(tmp_path / "nowhere"), "--vkey", VKEY])
    assert result.exit_code == 2 and "is not a directory" in result.output
    result = runner.invoke(cli, ["ledger", "audit", str(tmp_path / "tiles"), "--vkey", "garbage"])
    assert result.exit_code == 2 and "key" in result.output
    (tmp_path / "tiles" / "tile" / "0" / "000").unlink()
    result = runner.invoke(cli, ["ledger", "audit", str(tmp_path / "tiles"), "--vkey", VKEY])
    assert result.exit_code == 1 and "tile/0/000 is missing" in result.output


def test_fetchers_report_what_they_cannot_read(tmp_path: Path) -> None:
    with pytest.raises(FetchError, match="not an http"):
        HttpFetcher("ftp://example.org/ledger")
    with pytest.raises(FetchError, match="cannot fetch"):
        HttpFetcher("http://127.0.0.1:9/ledger", timeout=2).fetch("checkpoint")
    assert DirectoryFetcher(tmp_path).fetch("checkpoint") is None


def test_the_fast_bundle_splitter_agrees_with_the_exact_parser() -> None:
    entries = [bytes([i]) * (i * 7 % 300) for i in range(256)]
    bundle = format_entry_bundle(entries)
    assert split_bundle(bundle, 256) == parse_entry_bundle(bundle, count=256) == entries
    for broken in (bundle[:-1], bundle + b"\x00", bundle[:1], b"\x00\x05abc"):
        assert split_bundle(broken, 256) is None
    assert split_bundle(bundle, 255) is None
    assert split_bundle(b"", 0) == []


class CosignedFetcher(ClientFetcher):
    """The log as a witness-aware deployment serves it: the checkpoint with a witness's cosignature added."""

    def __init__(self, client: TestClient, witness_skey: str, timestamp: int) -> None:
        super().__init__(client)
        self.signer = CosignatureSigner.from_skey(witness_skey, timestamp)

    def fetch(self, path: str) -> bytes | None:
        data = super().fetch(path)
        if path != "checkpoint" or data is None:
            return data
        return add_signatures(data, [self.signer]).encode()


def test_a_witness_policy_requires_its_cosignatures(
    client: TestClient, db: Database, settings: Settings, clock: Clock, tmp_path: Path
) -> None:
    signed_log(db, settings, clock, 300)
    skey, vkey = generate_cosigner_key("witness.example/w1", seed=bytes([7]) * 32)
    policy = WitnessPolicy.from_vkeys([vkey])
    cosigned = CosignedFetcher(client, skey, int(clock.now.timestamp()))
    assert audit(cosigned, vkey=VKEY, now=clock.now, policy=policy).checkpoint.size == 300
    with pytest.raises(AuditError, match="not cosigned as the witness policy requires.*witness.example/w1"):
        audit(ClientFetcher(client), vkey=VKEY, now=clock.now, policy=policy)

    with served(client.app) as url:
        result = runner.invoke(cli, ["ledger", "audit", url, "--vkey", VKEY, "--witness", vkey])
        assert result.exit_code == 1 and "missing: witness.example/w1" in result.output
        result = runner.invoke(cli, ["ledger", "audit", url, "--vkey", VKEY, "--witness", vkey, "--quorum", "0"])
        assert result.exit_code == 0, result.output
        result = runner.invoke(cli, ["ledger", "audit", url, "--vkey", VKEY, "--witness", vkey, "--quorum", "2"])
        assert result.exit_code == 2
