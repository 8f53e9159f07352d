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
