"""A per-database snapshot of the directory's slow-changing tables, so routing a case reads none of them.

Every submission walks the category and region hierarchies, the routing rules, the service levels
and the calendar overrides: a dozen queries for tables that change a few times a year. The snapshot
holds their ids and values (never ORM objects, which belong to one session) and is shared by every
session of one engine, so each database (each test's, each server's) has its own.

Staleness: a transaction that changes the directory through ``gongzhi.directory.admin`` calls
``changed``; that session then reads the tables directly until it ends, and its commit drops this
process's snapshot. Other processes (the server's other workers, the CLI) rebuild theirs after at
most ``TTL`` seconds, so a new rule or holiday reaches them within that time.
"""

from __future__ import annotations

import time
import weakref
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import event, inspect, select
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.util import identity_key
from sqlalchemy.pool import Pool

from gongzhi.db import Base
from gongzhi.directory.models import (
    CalendarOverride,
    Category,
    Department,
    Region,
    RegionLevel,
    RoutingRule,
    SlaPolicy,
    Urgency,
)
from gongzhi.directory.worktime import WorkingCalendar

TTL = 5.0  # seconds another process's directory change may go unseen here
_CHANGED = "gongzhi.directory.changed"


@dataclass(frozen=True)
class Rule:
    department_id: int | None
    by_street: bool


@dataclass
class Snapshot:
    """The directory as ids: hierarchies, rules, street offices, service levels, calendar overrides."""

    category_parent: dict[int, int | None]
    region_parent: dict[int, int | None]
    region_level: dict[int, RegionLevel]
    rules: dict[tuple[int, int | None], Rule]
    street_office: dict[int, int]  # street region id → its (first) active department
    sla: dict[tuple[Urgency, int | None], tuple[str, str]]  # (urgency, category id or None) → respond, resolve
    overrides: dict[date, bool]
    rows: dict[type[Base], dict[int, dict[str, Any]]]  # columns of regions, departments, categories by id
    codes: dict[type[Base], dict[str, int]]  # their ids by code
    loaded_at: float = field(default_factory=time.monotonic)
    _calendars: dict[ZoneInfo, WorkingCalendar] = field(default_factory=dict)

    def category_chain(self, category_id: int) -> list[int]:
        """The category, its parent, its grandparent … up to the root."""
        return _chain(self.category_parent, category_id)

    def region_chain(self, region_id: int) -> list[int]:
        """The region, its parent … up to the city."""
        return _chain(self.region_parent, region_id)

    def calendar(self, zone: ZoneInfo) -> WorkingCalendar:
        """The working calendar with this jurisdiction's overrides (built once per zone)."""
        if zone not in self._calendars:
            self._calendars[zone] = WorkingCalendar(tz=zone, overrides=self.overrides)
        return self._calendars[zone]


def _chain(parents: dict[int, int | None], start: int) -> list[int]:
    chain: list[int] = []
    current: int | None = start
    while current is not None:
        chain.append(current)
        current = parents.get(current)
    return chain


_snapshots: weakref.WeakKeyDictionary[Pool, Snapshot] = weakref.WeakKeyDictionary()


def directory(session: Session) -> Snapshot:
    """This database's snapshot, rebuilt when older than ``TTL``; read afresh in a session that changed it.

    Keyed by the engine's pool, which the engine shares with its execution-option copies (the writer
    sessions' bind), and which ``Engine.dispose`` replaces.
    """
    if session.info.get(_CHANGED):
        return _load(session)
    pool = session.get_bind().pool
    snapshot = _snapshots.get(pool)
    if snapshot is None or time.monotonic() - snapshot.loaded_at > TTL:
        snapshot = _snapshots[pool] = _load(session)
    return snapshot


_Row = TypeVar("_Row", Region, Department, Category)
CACHED: tuple[type[Base], ...] = (Region, Department, Category)


def row_by_id(session: Session, cls: type[_Row], id_: int) -> _Row | None:
    """A region, department or category as an object of ``session``, without a query when possible.

    Intake looks up a category, a department and maybe a region for every message; each query costs
    more than the rest of routing. The object comes from the session when already there, else is
    built from the snapshot's values and added as if loaded (``make_transient_to_detached``), so it
    behaves as a queried one: lazy loads work and changes are flushed. A session that changes the
    directory, and an id the snapshot does not know yet, read the table.
    """
    present = session.identity_map.get(identity_key(cls, id_))
    if present is not None:
        return present  # type: ignore[return-value]
    values = None if session.info.get(_CHANGED) else directory(session).rows[cls].get(id_)
    if values is None:
        return session.get(cls, id_)
    row = cls(**values)
    make_transient_to_detached(row)
    session.add(row)
    return row


def row_by_code(session: Session, cls: type[_Row], code: str) -> _Row | None:
    """Like ``row_by_id``, by the row's public code."""
    id_ = None if session.info.get(_CHANGED) else directory(session).codes[cls].get(code)
    if id_ is None:
        return session.scalar(select(cls).where(cls.code == code))
    return row_by_id(session, cls, id_)


def changed(session: Session) -> None:
    """Note that this transaction changes the directory: it reads it directly, and its commit drops the snapshot."""
    session.info[_CHANGED] = True


@event.listens_for(Session, "after_commit")
def _drop_after_change(session: Session) -> None:
    if session.info.pop(_CHANGED, False):
        _snapshots.pop(session.get_bind().pool, None)


@event.listens_for(Session, "after_rollback")
def _forget_change(session: Session) -> None:
    session.info.pop(_CHANGED, None)


def _load(session: Session) -> Snapshot:
    rows = {cls: _columns(session, cls) for cls in CACHED}
    offices: dict[int, int] = {}
    for department_id, values in sorted(rows[Department].items()):
        if values["region_id"] is not None and values["active"]:
            offices.setdefault(values["region_id"], department_id)
    return Snapshot(
        category_parent={id_: values["parent_id"] for id_, values in rows[Category].items()},
        region_parent={id_: values["parent_id"] for id_, values in rows[Region].items()},
        region_level={id_: values["level"] for id_, values in rows[Region].items()},
        rules={
            (category_id, region_id): Rule(department_id, by_street)
            for category_id, region_id, department_id, by_street in session.execute(
                select(RoutingRule.category_id, RoutingRule.region_id, RoutingRule.department_id, RoutingRule.by_street)
            )
        },
        street_office=offices,
        sla={
            (urgency, category_id): (respond, resolve)
            for urgency, category_id, respond, resolve in session.execute(
                select(SlaPolicy.urgency, SlaPolicy.category_id, SlaPolicy.respond, SlaPolicy.resolve)
            )
        },
        overrides=dict(session.execute(select(CalendarOverride.day, CalendarOverride.is_working_day)).all()),
        rows=rows,
        codes={cls: {values["code"]: id_ for id_, values in rows[cls].items()} for cls in CACHED},
    )


def _columns(session: Session, cls: type[Base]) -> dict[int, dict[str, Any]]:
    """Every row of a table as its mapped attributes' values, by id."""
    names = [attribute.key for attribute in inspect(cls).column_attrs]
    return {
        values["id"]: values
        for values in map(dict, session.execute(select(*(getattr(cls, n) for n in names))).mappings())
    }
