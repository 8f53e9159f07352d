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
from zoneinfo import ZoneInfo

from sqlalchemy import event, select
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool

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
    regions = session.execute(select(Region.id, Region.parent_id, Region.level)).all()
    offices: dict[int, int] = {}
    for department_id, region_id in session.execute(
        select(Department.id, Department.region_id)
        .where(Department.region_id.is_not(None), Department.active)
        .order_by(Department.id)
    ):
        offices.setdefault(region_id, department_id)
    return Snapshot(
        category_parent=dict(session.execute(select(Category.id, Category.parent_id)).all()),
        region_parent={id_: parent for id_, parent, _ in regions},
        region_level={id_: level for id_, _, level in regions},
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
    )
