"""Fixtures of the ledger's database tests: settings with a fixed log key, and the case workflow desk."""

from __future__ import annotations

import pytest

from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.ledger.note import Ed25519Signer, generate_key
from tests.cases.steps import Desk
from tests.conftest import Clock
from tests.factories import World

ORIGIN = "test.gongzhi.example/ledger"
SKEY, VKEY = generate_key(ORIGIN, seed=bytes(range(32)))


@pytest.fixture
def settings(db: Database) -> Settings:
    """The shared test settings, plus the log's signer key (so the worker signs checkpoints)."""
    return Settings(
        database_url=db.url,
        secret_key="test-secret-not-for-production",
        demo=False,
        smtp_host=None,
        ledger_signer_key=SKEY,
    )


@pytest.fixture
def signer() -> Ed25519Signer:
    return Ed25519Signer.from_skey(SKEY)


@pytest.fixture
def desk(db: Database, settings: Settings, world: World, clock: Clock) -> Desk:
    return Desk(db=db, settings=settings, world=world, clock=clock)
