"""Fixtures of the analytics tests: the workflow through the domain (``desk``), a small history (``history``)."""

from __future__ import annotations

import pytest

from gongzhi.config import Settings
from gongzhi.db import Database
from tests.analytics.story import History, play
from tests.cases.steps import Desk
from tests.conftest import Clock
from tests.factories import World


@pytest.fixture
def desk(db: Database, settings: Settings, world: World, clock: Clock) -> Desk:
    return Desk(db=db, settings=settings, world=world, clock=clock)


@pytest.fixture
def history(desk: Desk) -> History:
    return play(desk)
