"""The directory snapshot: a change made here is used at once, one made by another process within the TTL."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select

from gongzhi.db import Database
from gongzhi.directory import admin, snapshot
from gongzhi.directory.lookup import category_by_code
from gongzhi.directory.models import Category, Department
from gongzhi.directory.routing import route
from gongzhi.errors import NotFound


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


def _statements(db: Database) -> list[str]:
    seen: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *args: seen.append(args[2]))
    return seen


def test_directory_rows_come_from_the_snapshot_without_a_query(db: Database, world) -> None:  # type: ignore[no-untyped-def]
    with db.reading() as s:
        snapshot.directory(s)  # loaded once
        urban = s.scalar(select(Department.id).where(Department.code == "urban"))
    seen = _statements(db)
    with db.reading() as s:
        category = category_by_code(s, "A0202")
        assert category_by_code(s, "A0202") is category  # the session's own object, once it has one
        department = snapshot.row_by_id(s, Department, urban)  # type: ignore[arg-type]
        assert seen == [], "a query for a row the snapshot holds"
        assert (category.code, category.name, category.level, category.active) == ("A0202", "其他市容", 3, True)
        assert category.parent.code == "A02"  # relationships load as on a queried row
        assert department is not None and department in s and not s.dirty


def test_a_cached_row_is_updated_like_a_queried_one(db: Database, world) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as s:
        snapshot.changed(s)  # as the directory's admin functions do
        category = category_by_code(s, "A0202")
        category.name = "市容其他"
    with db.transaction() as s:
        category = category_by_code(s, "A0202")
        assert category.name == "市容其他", "the commit of a directory change did not refresh the snapshot"
        category.description = "街面环境"
    with db.reading() as s:
        assert s.scalar(select(Category.description).where(Category.code == "A0202")) == "街面环境"


def test_a_row_added_by_another_process_is_found_before_the_ttl(db: Database, world) -> None:  # type: ignore[no-untyped-def]
    with db.reading() as s:
        snapshot.directory(s)
    other = Database(db.url)
    try:
        with other.transaction() as s:
            admin.upsert_category(s, code="A0203", name="占道经营", level=3, parent="A02")
    finally:
        other.dispose()
    with db.reading() as s:  # not in this process's snapshot yet: read from the table
        assert category_by_code(s, "A0203").name == "占道经营"
        with pytest.raises(NotFound, match="A0299"):
            category_by_code(s, "A0299")
