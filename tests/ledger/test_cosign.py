"""The log collects its witnesses' cosignatures: the worker, two witnesses over real HTTP, failures, 409s."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select

from gongzhi import worker
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.ledger import cosign, publish
from gongzhi.ledger.checkpoint import CosignatureSigner, open_checkpoint
from gongzhi.ledger.note import Ed25519Verifier
from gongzhi.ledger.policy import WitnessPolicy
from gongzhi.ledger.verify import verify_receipt
from gongzhi.ledger.witness import Witness, WitnessStore, known_logs
from gongzhi.ledger.witness_client import HttpAnswer, Transport
from gongzhi.ledger.witness_http import BackgroundServer, create_witness_app, serve_in_background
from gongzhi.ledger.witness_models import LedgerWitness
from tests.cases.steps import Desk
from tests.ledger.conftest import ORIGIN, VKEY
from tests.ledger.test_receipts import receipt_of

KEY_1 = CosignatureSigner("witness-1.test.example", bytes([11] * 32), 0)
KEY_2 = CosignatureSigner("witness-2.test.example", bytes([12] * 32), 0)


@dataclass
class DemoWitness:
    """A witness of the test log, with its own state file, served over HTTP on a free local port."""

    key: CosignatureSigner
    state: Path
    server: BackgroundServer | None = None
    port: int = 0

    @property
    def witness(self) -> Witness:
        return Witness(self.key, known_logs([VKEY]), WitnessStore(self.state))

    def start(self) -> DemoWitness:
        self.server = serve_in_background(create_witness_app(self.witness), port=self.port)
        self.port = urlsplit(self.server.url).port or 0
        return self

    def stop(self) -> None:
        if self.server:
            self.server.stop()

    @property
    def entry(self) -> str:
        return f"http://127.0.0.1:{self.port}={self.key.verifier().vkey()}"

    def held(self) -> int:
        return WitnessStore(self.state).latest(ORIGIN).size


def running_pair(tmp_path: Path) -> Iterator[list[DemoWitness]]:
    """Two witnesses of the test log over HTTP, stopped afterwards (the body of a ``witnesses`` fixture)."""
    pair = [DemoWitness(KEY_1, tmp_path / "w1.db").start(), DemoWitness(KEY_2, tmp_path / "w2.db").start()]
    yield pair
    for w in pair:
        w.stop()


@pytest.fixture
def witnesses(tmp_path: Path) -> Iterator[list[DemoWitness]]:
    yield from running_pair(tmp_path)


def with_witnesses(settings: Settings, *entries: str, quorum: int | None = None) -> Settings:
    return settings.model_copy(update={"ledger_witnesses": ",".join(entries), "ledger_witness_quorum": quorum})


def latest_note(db: Database) -> str:
    with db.reading() as session:
        checkpoint = publish.latest_checkpoint(session)
        assert checkpoint is not None
        return checkpoint.note


def rows(db: Database) -> dict[str, LedgerWitness]:
    return {row.vkey.split("+")[0]: row for row in cosign.witness_rows(db)}


def test_the_worker_publishes_a_checkpoint_cosigned_by_two_witnesses(
    desk: Desk, settings: Settings, witnesses: list[DemoWitness]
) -> None:
    cosigning = with_witnesses(settings, *(w.entry for w in witnesses))
    code, _ = desk.submit(category="A0101")
    worker.run_ledger(desk.db, cosigning, now=desk.clock.now)

    note = latest_note(desk.db)
    size = open_checkpoint(note, [Ed25519Verifier.from_vkey(VKEY)]).checkpoint.size
    policy = WitnessPolicy.from_vkeys([w.key.verifier().vkey() for w in witnesses])
    assert [c.name for c in policy.check(note).cosigners] == [KEY_1.name, KEY_2.name]
    assert [w.held() for w in witnesses] == [size, size]  # each witness now holds this checkpoint
    client = TestClient(create_app_for(desk, cosigning))
    assert client.get("/ledger/checkpoint").text == note  # the cosigned note is what is served
    receipt = receipt_of(desk, code).to_json()
    assert verify_receipt(receipt, log_key=VKEY, witness_keys=[KEY_1.verifier().vkey(), KEY_2.verifier().vkey()])

    desk.submit(category="A0101")  # the log grows: the next round sends a consistency proof from `size`
    worker.run_ledger(desk.db, cosigning, now=desk.clock.advance(seconds=5))
    grown = latest_note(desk.db)
    new_size = open_checkpoint(grown, [Ed25519Verifier.from_vkey(VKEY)]).checkpoint.size
    assert new_size > size and len(policy.check(grown).cosigners) == 2
    assert [w.held() for w in witnesses] == [new_size, new_size]
    assert {name: (row.size, row.failures) for name, row in rows(desk.db).items()} == {
        KEY_1.name: (new_size, 0),
        KEY_2.name: (new_size, 0),
    }


def create_app_for(desk: Desk, settings: Settings):  # type: ignore[no-untyped-def]
    from gongzhi.web.app import create_app

    return create_app(settings, db=desk.db, clock=desk.clock)


def test_a_witness_that_is_down_never_blocks_the_log(
    desk: Desk, settings: Settings, witnesses: list[DemoWitness]
) -> None:
    up, down = witnesses
    down.stop()
    cosigning = with_witnesses(settings, up.entry, down.entry)
    desk.submit(category="A0101")
    report_size = worker.run_ledger(desk.db, cosigning, now=desk.clock.now)[1]
    assert report_size is not None  # the checkpoint was published all the same …
    policy = WitnessPolicy.from_vkeys([up.key.verifier().vkey(), down.key.verifier().vkey()], 1)
    result = policy.check(latest_note(desk.db))  # … with the cosignature that arrived
    assert [c.name for c in result.cosigners] == [up.key.name] and result.missing == (down.key.name,)
    row = rows(desk.db)[down.key.name]
    assert row.failures == 1 and "cannot reach witness" in (row.last_error or "")
    assert row.next_attempt_at is not None and row.next_attempt_at > desk.clock.now

    # Not asked again before its pause is over; asked, and cosigning, once it is back.
    assert cosign.collect(desk.db, cosigning, now=desk.clock.now).failed == {}
    down.start()
    report = cosign.collect(desk.db, cosigning, now=desk.clock.advance(seconds=10))
    assert report.cosigned == [down.key.name]
    assert (
        len(
            WitnessPolicy.from_vkeys([up.key.verifier().vkey(), down.key.verifier().vkey()])
            .check(latest_note(desk.db))
            .cosigners
        )
        == 2
    )
    assert rows(desk.db)[down.key.name].failures == 0


def asgi_transport(apps: dict[str, object]) -> Transport:
    """Requests to ``http://<host>/…`` go to ``apps[host]`` in-process (real ASGI requests, no sockets)."""
    clients = {host: TestClient(app) for host, app in apps.items()}  # type: ignore[arg-type]

    def post(url: str, body: bytes, timeout: float) -> HttpAnswer:
        parts = urlsplit(url)
        response = clients[parts.netloc].post(parts.path, content=body)
        return HttpAnswer(response.status_code, response.headers.get("content-type", ""), response.content)

    return post


def test_a_witness_the_log_lost_track_of_answers_409_and_is_caught_up(
    desk: Desk, settings: Settings, tmp_path: Path
) -> None:
    witness = Witness(KEY_1, known_logs([VKEY]), WitnessStore(tmp_path / "w.db"))
    transport = asgi_transport({"w1.test": create_witness_app(witness)})
    cosigning = with_witnesses(settings, f"http://w1.test={KEY_1.verifier().vkey()}")
    desk.submit(category="A0101")
    worker.run_ledger(desk.db, settings, now=desk.clock.now)  # these witnesses answer in-process only
    assert cosign.collect(desk.db, cosigning, now=desk.clock.now, transport=transport).cosigned
    first = witness.store.latest(ORIGIN).size

    with desk.db.transaction() as session:  # the log forgets what the witness holds (restored backup, say)
        session.execute(delete(LedgerWitness))
    desk.submit(category="A0101")
    worker.run_ledger(desk.db, settings, now=desk.clock.advance(seconds=5))
    report = cosign.collect(desk.db, cosigning, now=desk.clock.now, transport=transport)
    assert report.cosigned == [KEY_1.name]  # old size 0 → 409 "first" → proof from `first` → cosigned
    assert witness.store.latest(ORIGIN).size == report.size and report.size > first


def test_a_witness_configured_with_the_wrong_key_is_reported_and_skipped(
    desk: Desk, settings: Settings, tmp_path: Path
) -> None:
    witness = Witness(KEY_2, known_logs([VKEY]), WitnessStore(tmp_path / "w.db"))
    transport = asgi_transport({"w.test": create_witness_app(witness)})
    cosigning = with_witnesses(settings, f"http://w.test={KEY_1.verifier().vkey()}")  # KEY_1 expected, KEY_2 signs
    desk.submit(category="A0101")
    worker.run_ledger(desk.db, settings, now=desk.clock.now)
    report = cosign.collect(desk.db, cosigning, now=desk.clock.now, transport=transport)
    assert "no line is a valid cosignature" in report.failed[KEY_1.name]
    assert "— witness-2" not in latest_note(desk.db)


def test_a_witness_that_does_not_know_the_log_is_reported(desk: Desk, settings: Settings, tmp_path: Path) -> None:
    stranger = Witness(KEY_1, {}, WitnessStore(tmp_path / "w.db"))
    transport = asgi_transport({"w.test": create_witness_app(stranger)})
    cosigning = with_witnesses(settings, f"http://w.test={KEY_1.verifier().vkey()}")
    desk.submit(category="A0101")
    worker.run_ledger(desk.db, settings, now=desk.clock.now)
    report = cosign.collect(desk.db, cosigning, now=desk.clock.now, transport=transport)
    assert report.failed[KEY_1.name].startswith("witness witness-1.test.example answered 404: this witness does not")
    with desk.db.reading() as session:
        assert session.scalars(select(LedgerWitness.failures)).one() == 1
