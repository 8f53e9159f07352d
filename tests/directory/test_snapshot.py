"""The directory snapshot: a change made here is used at once, one made by another process within the TTL."""

from __future__ import annotations

import pytest

from gongzhi.db import Database
from gongzhi.directory import admin, snapshot
from gongzhi.directory.lookup import category_by_code
from gongzhi.directory.routing import route


def _routed(db: Database, code: str) -> str | None:
    with db.reading() as s:
        department = route(s, category=category_by_code(s, code), region=None)
        return department.code if department else None


def test_a_change_committed_here_is_used_by_the_next_transaction(db: Database, world) -> None:  # type: ignore[no-untyped-def]
    assert _routed(db, "A0202") is None  # loads the snapshot
    with db.transaction() as s:
        admin.set_routing_rule(s, category="A02", department="urban")
        assert route(s, category=category_by_code(s, "A0202"), region=None).code == "urban"  # type: ignore[union-attr]
    assert _routed(db, "A0202") == "urban"


def test_a_rolled_back_change_is_never_used(db: Database, world) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(RuntimeError), db.transaction() as s:
        admin.set_routing_rule(s, category="A02", department="urban")
        raise RuntimeError("abandon")
    assert _routed(db, "A0202") is None


def test_another_process_change_is_seen_after_the_ttl(
    db: Database,
    world,  # type: ignore[no-untyped-def]
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _routed(db, "A0202") is None
    other = Database(db.url)  # another process's engine: its commit cannot reach this one's snapshot
    try:
        with other.transaction() as s:
            admin.set_routing_rule(s, category="A02", department="urban")
    finally:
        other.dispose()
    assert _routed(db, "A0202") is None  # stale, within the TTL
    monkeypatch.setattr(snapshot, "TTL", 0.0)
    assert _routed(db, "A0202") == "urban"
