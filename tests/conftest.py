"""Fixtures shared by every test: a migrated database on each backend, a controllable clock, the app.

Database tests run on SQLite always, and again on PostgreSQL when ``GONGZHI_TEST_DATABASE_URL`` is
set (CI sets it). The schema is built once per backend through the real migrations; each test then
starts from empty tables (a fresh copy of the SQLite file; TRUNCATE on PostgreSQL).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from gongzhi.config import Settings
from gongzhi.db import Base, Database, normalise_url
from gongzhi.migrate import upgrade
from gongzhi.web.app import create_app

PG_URL = os.environ.get("GONGZHI_TEST_DATABASE_URL")


@dataclass
class Clock:
    """Time under the test's control; starts on a Monday morning in Shanghai (01:00 UTC = 09:00 local)."""

    now: datetime = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now = self.now + timedelta(**delta)
        return self.now


@pytest.fixture(scope="session", autouse=True)
def _cheap_password_hashing() -> Iterator[None]:
    """Argon2 at production cost takes ~0.1 s a hash; tests hash hundreds of passwords, so they use a cheap one."""
    from argon2 import PasswordHasher

    from gongzhi.accounts import secrets

    production = secrets._hasher
    secrets._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    yield
    secrets._hasher = production


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_migrated() -> str:
    if not PG_URL:
        pytest.skip("GONGZHI_TEST_DATABASE_URL is not set: PostgreSQL pass skipped")
    engine = create_engine(normalise_url(PG_URL))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    upgrade(PG_URL)
    return PG_URL


def _truncate_all(db: Database) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with db.engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", "postgresql"])
def db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    if request.param == "sqlite":
        path = tmp_path / "gongzhi.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        database = Database(f"sqlite:///{path}")
    else:
        database = Database(request.getfixturevalue("postgres_migrated"))
        _truncate_all(database)
    yield database
    database.dispose()


@pytest.fixture
def settings(db: Database, tmp_path: Path) -> Settings:
    return Settings(
        database_url=db.url,
        secret_key="test-secret-not-for-production",
        demo=False,
        smtp_host=None,
        model_dir=str(tmp_path / "models"),  # never ./gongzhi-models of the checkout
    )


@pytest.fixture
def app(settings: Settings, db: Database, clock: Clock):  # type: ignore[no-untyped-def]
    return create_app(settings, db=db, clock=clock)


@pytest.fixture
def client(app) -> Iterator[TestClient]:  # type: ignore[no-untyped-def]
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture
def world(db: Database, clock: Clock):  # type: ignore[no-untyped-def]
    from tests.factories import build_world

    return build_world(db, now=clock.now)
