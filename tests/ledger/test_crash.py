"""Crash safety of the sequencer: fail or kill it after every step, restart, and re-check the whole log.

After each failure the stored log must verify from scratch (``check_stored_log``: every index once,
every entry matching its leaf hash, every tile folding into the one above, every checkpoint ever
signed still a prefix of the tree), and finishing the work must give exactly the tree of all entries.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from sqlalchemy import select

from gongzhi.db import Database
from gongzhi.ledger import log, publish
from gongzhi.ledger.merkle import MemoryHashes, tree_root
from gongzhi.ledger.models import LedgerEntry
from gongzhi.ledger.note import Ed25519Signer
from gongzhi.ledger.selfcheck import check_stored_log
from tests.conftest import Clock
from tests.ledger.conftest import SKEY
from tests.ledger.test_log import append, assert_tree_is, records

STEPS = ["locked", "read", "hashed", "indexed", "tiled", "recorded"]
ROOT = Path(__file__).resolve().parents[2]


class Crash(Exception):
    """The injected failure."""


def publish_now(db: Database, signer: Ed25519Signer, clock: Clock) -> None:
    with db.transaction() as session:
        publish.publish(session, signer=signer, now=clock.now)


def verify_all(db: Database, signer: Ed25519Signer) -> int:
    """Check the stored log from scratch, checkpoints and signatures included; returns its size."""
    with db.reading() as session:
        return check_stored_log(session, verifiers=[signer.verifier()]).size


def started_log(db: Database, signer: Ed25519Signer, clock: Clock) -> list[bytes]:
    """300 entries integrated and signed, 400 more pending."""
    entries = records(700)
    append(db, entries[:300])
    log.sequence(db, batch=128)
    publish_now(db, signer, clock)
    append(db, entries[300:])
    return entries


@pytest.mark.parametrize("step", STEPS)
def test_a_failure_after_any_step_loses_nothing(db: Database, signer: Ed25519Signer, clock: Clock, step: str) -> None:
    entries = started_log(db, signer, clock)
    seen = 0

    def fail_in_second_batch(name: str) -> None:
        nonlocal seen
        seen += name == step
        if name == step and seen == 2:
            raise Crash(step)

    with pytest.raises(Crash):
        log.sequence(db, batch=128, step=fail_in_second_batch)
    assert verify_all(db, signer) == 300 + 128  # the first batch committed, the second rolled back whole
    publish_now(db, signer, clock)
    assert log.sequence(db, batch=128) == 700 - 428
    publish_now(db, signer, clock)
    assert verify_all(db, signer) == 700
    assert_tree_is(db, entries)


KILLER = """
import os, sys
from gongzhi.db import Database
from gongzhi.ledger import log, publish
url, step, skey = sys.argv[1:]
db = Database(url)
if step == "publish":
    from gongzhi.db import utcnow
    from gongzhi.ledger.note import Ed25519Signer
    publish.sign_checkpoint = lambda *args: os._exit(137)  # die after locking, before storing
    with db.transaction() as session:
        publish.publish(session, signer=Ed25519Signer.from_skey(skey), now=utcnow())
seen = 0
def kill(name):
    global seen
    seen += name == step
    if name == step and seen == 2:
        os._exit(137)  # like kill -9: no rollback, no clean-up, the connection just drops
log.sequence(db, batch=128, step=kill)
sys.exit(3)  # not reached when the step exists
"""


@pytest.mark.parametrize("step", [*STEPS, "publish"])
def test_a_killed_process_loses_nothing(db: Database, signer: Ed25519Signer, clock: Clock, step: str) -> None:
    entries = started_log(db, signer, clock)
    if step == "publish":
        log.sequence(db, batch=128)
    killed = subprocess.run([sys.executable, "-c", KILLER, db.url, step, SKEY], cwd=ROOT, capture_output=True)
    assert killed.returncode == 137, killed.stderr.decode()
    size = verify_all(db, signer)
    assert size == (700 if step == "publish" else 300 + 128)
    with db.reading() as session:
        assert publish.latest_checkpoint(session).size == 300  # the killed publication left no trace
    log.sequence(db)
    publish_now(db, signer, clock)
    assert verify_all(db, signer) == 700
    assert_tree_is(db, entries)


def test_concurrent_sequencers_and_writers_keep_one_consistent_log(
    db: Database, signer: Ed25519Signer, clock: Clock
) -> None:
    """Several sequencers at once (as several workers on PostgreSQL) while entries keep arriving."""
    errors: list[BaseException] = []

    def guarded(work):  # type: ignore[no-untyped-def]
        def run() -> None:
            try:
                work()
            except BaseException as exc:  # noqa: BLE001 - reported by the test below
                errors.append(exc)

        return run

    def write(offset: int) -> None:
        for chunk in range(10):
            append(db, records(37, start=offset + chunk * 37))

    def sequence() -> None:
        for _ in range(15):
            log.sequence(db, batch=50)
            publish_now(db, signer, clock)

    threads = [threading.Thread(target=guarded(lambda o=o: write(o))) for o in (0, 10_000)]
    threads += [threading.Thread(target=guarded(sequence)) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    log.sequence(db)
    publish_now(db, signer, clock)
    assert verify_all(db, signer) == 740
    with db.reading() as session:
        entries = list(session.scalars(select(LedgerEntry.data).order_by(LedgerEntry.leaf_index)))
    assert sorted(entries) == sorted(records(370) + records(370, start=10_000))
    with db.reading() as session:
        assert log.read_state(session)[1] == tree_root(MemoryHashes.from_entries(entries), 740)
