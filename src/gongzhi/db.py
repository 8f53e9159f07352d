"""Engine, sessions and the declarative base.

SQLite (the default, one office) runs in WAL mode with one writer: write transactions start with
``BEGIN IMMEDIATE`` so that two writers queue on the lock instead of deadlocking when both try to
upgrade a read lock; reads start with a plain ``BEGIN`` and never block the writer. PostgreSQL (a
city) needs none of this. A use case is one transaction, committed in one place: ``transaction``.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from typing import Any

try:
    import fcntl
except ImportError:  # Windows: writers of other processes wait on SQLite's busy timeout instead
    fcntl = None  # type: ignore[assignment]
from sqlalchemy import DateTime, Engine, MetaData, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

_WRITE = "gongzhi_write"


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC in and out, on both backends (SQLite keeps no zone of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database; pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def normalise_url(url: str) -> str:
    """Accept the URLs people paste (``postgres://``, ``postgresql://``) and pick the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if make_url(url).get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


def _sqlite_engine(url: str) -> Engine:
    engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, pool_size=20)

    @event.listens_for(engine, "connect")
    def _configure(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_conn.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        write = conn.get_execution_options().get(_WRITE, False)
        if write is True:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif not write:
            conn.exec_driver_sql("BEGIN")
        # else a deferred writer: its reads run outside a transaction until the first write, below

    @event.listens_for(engine, "before_cursor_execute")
    def _first_write(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        lock = conn.get_execution_options().get(_WRITE)
        if isinstance(lock, _WriterQueue) and statement.lstrip()[:6].upper() != "SELECT" and lock.take():
            cursor.execute("BEGIN IMMEDIATE")

    return engine


class _WriterQueue:
    """Writers of one SQLite file, one at a time: a thread lock, then an exclusive ``flock`` on ``<db>-writer``.

    A blocked ``flock`` is woken by the kernel the moment the holder lets go, so processes queue
    instead of polling. Where ``fcntl`` does not exist (Windows) or the database is in memory, the
    thread lock alone remains and SQLite's busy timeout handles other processes.
    """

    def __init__(self, path: str | None) -> None:
        self._threads = threading.Lock()
        self._path = path
        self._fd: int | None = None
        self._held = threading.local()  # whether this thread's deferred writer has taken the lock

    def __enter__(self) -> None:
        self._threads.acquire()
        try:
            if self._path is not None and fcntl is not None:
                if self._fd is None:
                    self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
                fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            self._threads.release()
            raise

    def __exit__(self, *exc: object) -> None:
        try:
            if self._fd is not None and fcntl is not None:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            self._threads.release()

    def take(self) -> bool:
        """Queue for the lock on behalf of a deferred writer, once per transaction: True when just taken."""
        if getattr(self._held, "value", False):
            return False
        self.__enter__()
        self._held.value = True
        return True

    def give_back(self) -> None:
        """Let go of a lock ``take`` took, once the transaction has ended (nothing when it never wrote)."""
        if getattr(self._held, "value", False):
            self._held.value = False
            self.__exit__()


def _sqlite_write_lock(url: str) -> _WriterQueue:
    database = make_url(url).database
    in_memory = not database or database == ":memory:" or database.startswith("file::memory:")
    return _WriterQueue(None if in_memory else database + "-writer")


class Database:
    """One engine and its two session factories: writers and readers."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(self.url)
        self._writer = sessionmaker(self.engine.execution_options(**{_WRITE: True}), expire_on_commit=False)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._queue = _sqlite_write_lock(self.url) if self.is_sqlite else None
        self._write_lock: AbstractContextManager[object] = self._queue or nullcontext()
        self._deferred_writer = (
            sessionmaker(self.engine.execution_options(**{_WRITE: self._queue}), expire_on_commit=False)
            if self._queue is not None
            else self._writer
        )

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write use case: commits when the block ends, rolls back if it raises.

        On SQLite writers queue on a lock of ours before ``BEGIN IMMEDIATE`` — the threads of this
        process and, through a lock file beside the database, every gongzhi process writing to it
        (the server's workers, the worker, the CLI). SQLite's own busy handler would make them sleep
        and retry, which turns a queue of a few milliseconds into waits of hundreds.
        """
        with self._write_lock, self._writer() as session, session.begin():
            yield session

    @contextmanager
    def transaction_from_first_write(self) -> Iterator[Session]:
        """A write use case whose reads before its first write need no serialising: lookups, mostly.

        On SQLite the block's reads run outside a transaction, each seeing the latest commit, and the
        writers' queue and ``BEGIN IMMEDIATE`` come with the first statement that writes — so the
        lock is held for the writing only, not for the reading, validating and classifying before
        it (a submission holds it for about half the time). Reads after the first write are inside
        the transaction as usual. This is what PostgreSQL's READ COMMITTED gives every transaction;
        use ``transaction`` where a decision read early must still hold when written (``FOR UPDATE``
        reads, which SQLite cannot express, rely on the lock being taken at the start).
        """
        try:
            with self._deferred_writer() as session, session.begin():
                yield session
        finally:
            if self._queue is not None:
                self._queue.give_back()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A read-only use case; nothing is committed.

        Closing (not rolling back) ends the transaction without expiring what was loaded, so the
        objects read stay usable for rendering after the block.
        """
        with self._reader() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def utcnow() -> datetime:
    """The wall clock, for the edges of the system only (web, CLI, worker); domain code takes ``now``."""
    return datetime.now(UTC)
