"""The SQLite writer queue: gongzhi processes writing to one file wait their turn on a lock file."""

from __future__ import annotations

import fcntl
import os
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from gongzhi.db import Database


def test_a_writer_waits_while_another_process_holds_the_queue(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'q.db'}")
    with db.transaction() as session:
        session.execute(text("CREATE TABLE t (x INTEGER)"))
    other = os.open(tmp_path / "q.db-writer", os.O_RDWR)  # what another process's Database holds
    fcntl.flock(other, fcntl.LOCK_EX)
    done = threading.Event()

    def write() -> None:
        with db.transaction() as session:
            session.execute(text("INSERT INTO t VALUES (1)"))
        done.set()

    writer = threading.Thread(target=write)
    writer.start()
    try:
        assert not done.wait(0.3), "the write went ahead while another process held the writer queue"
    finally:
        fcntl.flock(other, fcntl.LOCK_UN)
        os.close(other)
    assert done.wait(5)
    writer.join()
    with db.reading() as session:
        assert session.scalar(text("SELECT count(*) FROM t")) == 1
    db.dispose()


def test_a_failed_transaction_lets_the_next_writer_in(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'q.db'}")
    try:
        with db.transaction() as session:
            session.execute(text("CREATE TABLE t (x INTEGER NOT NULL)"))
        with pytest.raises(IntegrityError), db.transaction() as session:
            session.execute(text("INSERT INTO t VALUES (NULL)"))
        other = os.open(tmp_path / "q.db-writer", os.O_RDWR)
        try:  # the queue is free again: another process could take it without waiting
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fcntl.flock(other, fcntl.LOCK_UN)
        finally:
            os.close(other)
        with db.transaction() as session:
            session.execute(text("INSERT INTO t VALUES (2)"))
    finally:
        db.dispose()


def _queue_is_free(path: Path) -> bool:
    """Whether another process could take the writer queue now, without waiting."""
    other = os.open(path, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(other, fcntl.LOCK_UN)
        return True
    finally:
        os.close(other)


def test_a_deferred_writer_reads_without_the_queue_and_takes_it_at_its_first_write(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'q.db'}")
    queue = tmp_path / "q.db-writer"
    try:
        with db.transaction() as session:
            session.execute(text("CREATE TABLE t (x INTEGER)"))
        with db.transaction_from_first_write() as session:
            assert session.scalar(text("SELECT count(*) FROM t")) == 0
            assert _queue_is_free(queue), "reading took the writer queue"
            with db.transaction() as other:  # another writer commits meanwhile: the reader does not block it
                other.execute(text("INSERT INTO t VALUES (1)"))
            assert session.scalar(text("SELECT count(*) FROM t")) == 1, (
                "a read before the first write sees the latest commit"
            )
            session.execute(text("INSERT INTO t VALUES (2)"))
            assert not _queue_is_free(queue), "writing without the writer queue"
            assert session.scalar(text("SELECT count(*) FROM t")) == 2
        assert _queue_is_free(queue), "the queue was kept after the commit"
        with db.reading() as session:
            assert session.scalar(text("SELECT count(*) FROM t")) == 2
    finally:
        db.dispose()


def test_a_deferred_writer_that_fails_rolls_back_and_frees_the_queue(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'q.db'}")
    queue = tmp_path / "q.db-writer"
    try:
        with db.transaction() as session:
            session.execute(text("CREATE TABLE t (x INTEGER NOT NULL)"))
        with pytest.raises(IntegrityError), db.transaction_from_first_write() as session:
            session.execute(text("INSERT INTO t VALUES (1)"))
            session.execute(text("INSERT INTO t VALUES (NULL)"))
        assert _queue_is_free(queue)
        with db.transaction_from_first_write() as session:  # a use case that only read never queues at all
            session.execute(text("SELECT count(*) FROM t"))
            assert _queue_is_free(queue)
        with db.reading() as session:
            assert session.scalar(text("SELECT count(*) FROM t")) == 0, "the first insert was not rolled back"
    finally:
        db.dispose()


def test_deferred_writers_of_many_threads_all_commit(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'q.db'}")
    try:
        with db.transaction() as session:
            session.execute(text("CREATE TABLE t (x INTEGER)"))

        def write(start: int) -> None:
            for x in range(start, start + 25):
                with db.transaction_from_first_write() as session:
                    session.execute(text("SELECT count(*) FROM t"))
                    session.execute(text("INSERT INTO t VALUES (:x)"), {"x": x})

        threads = [threading.Thread(target=write, args=(100 * i,)) for i in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        with db.reading() as session:
            assert session.scalar(text("SELECT count(DISTINCT x) FROM t")) == 150
    finally:
        db.dispose()
