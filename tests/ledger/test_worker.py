"""The worker's ledger job, the log's key in each mode, and the ledger settings."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from gongzhi import worker
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.ledger import publish
from gongzhi.ledger.note import generate_key
from gongzhi.web.app import create_app
from tests.cases.steps import Desk
from tests.conftest import Clock
from tests.ledger.conftest import ORIGIN, SKEY


def test_a_worker_cycle_integrates_and_signs_when_the_tree_grew(desk: Desk, settings: Settings) -> None:
    desk.submit(category="A0101")
    report = worker.run_once(desk.db, settings, now=desk.clock.now)
    assert (report.ledger_integrated, report.checkpoint_size) == (2, 2)
    again = worker.run_once(desk.db, settings, now=desk.clock.now)
    assert (again.ledger_integrated, again.checkpoint_size) == (0, None)


def test_without_a_key_outside_demo_mode_entries_are_integrated_but_not_signed(db: Database, clock: Clock) -> None:
    settings = Settings(database_url=db.url, secret_key="s" * 20, demo=False)
    assert worker.run_ledger(db, settings, now=clock.now) == (0, None)
    with db.reading() as session:
        assert publish.latest_checkpoint(session) is None


def test_demo_mode_makes_a_key_once_and_keeps_it(db: Database, clock: Clock) -> None:
    settings = Settings(database_url=db.url, demo=True, base_url="https://demo.gongzhi.example")
    assert settings.ledger_origin == "demo.gongzhi.example/ledger"
    worker.run_ledger(db, settings, now=clock.now)
    with TestClient(create_app(settings.model_copy(update={"demo": False, "secret_key": "s" * 20}), db=db)) as c:
        assert c.get("/ledger/key").status_code == 404  # outside demo mode the stored key is not used
    client = TestClient(create_app(settings, db=db, clock=clock))  # not entered: no background worker
    key = client.get("/ledger/key").text.strip()
    assert key.startswith("demo.gongzhi.example/ledger+")
    worker.run_ledger(db, settings, now=clock.now)
    assert client.get("/ledger/key").text.strip() == key
    assert "— demo.gongzhi.example/ledger " in client.get("/ledger/checkpoint").text


def test_the_signer_key_names_the_origin() -> None:
    assert Settings(ledger_signer_key=SKEY).ledger_origin == ORIGIN
    assert Settings(ledger_signer_key=SKEY, ledger_origin=ORIGIN).ledger_origin == ORIGIN
    with pytest.raises(ValidationError, match="make them agree"):
        Settings(ledger_signer_key=SKEY, ledger_origin="other.example/ledger")
    with pytest.raises(ValidationError, match="not a usable signer key"):
        Settings(ledger_signer_key=generate_key("x")[1])
    with pytest.raises(ValidationError, match="must not be empty or hold spaces"):
        Settings(ledger_origin="has space")
