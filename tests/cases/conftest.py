"""Fixtures of the case tests: the workflow driven through the domain (``desk``) or the JSON API (``api``)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from gongzhi.config import Settings
from gongzhi.db import Database
from tests.cases.steps import Api, Desk
from tests.conftest import Clock
from tests.factories import World


@pytest.fixture
def desk(db: Database, settings: Settings, world: World, clock: Clock) -> Desk:
    return Desk(db=db, settings=settings, world=world, clock=clock)


@pytest.fixture
def api(client: TestClient, world: World) -> Api:
    return Api(client)
