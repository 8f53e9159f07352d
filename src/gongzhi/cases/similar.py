"""Open cases like a given message: a cheap SQL prefilter, then the text comparison of ``text.duplicates``.

It runs on every submission (merge proposals) and as citizens type (the "others reported this" check),
so it must stay cheap however big the database grows: SQL keeps only open, unmerged cases of the last
``duplicate_window_days`` in the same street (or district, when the message names no street; any place
when it names none), newest first, at most ``duplicate_max_candidates``; only their titles and the
head of their details are read. Comparing a few hundred profiles takes milliseconds.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from gongzhi.cases.models import Case, Status
from gongzhi.config import Settings
from gongzhi.directory.models import Region, RegionLevel
from gongzhi.directory.snapshot import directory
from gongzhi.text.duplicates import BODY_CHARS, Match, Profile, cached_profile, compare, profile, score

#: Cases that can still take a duplicate (``workflow.merge`` accepts these as the main case).
OPEN_STATES = (
    Status.SUBMITTED,
    Status.DISPATCHED,
    Status.ACCEPTED,
    Status.RETURNED,
    Status.REOPENED,
    Status.REPLIED,
)
#: The region level two cases must share to be compared (a street, or the district above a bare district).
AREA_LEVELS = (RegionLevel.STREET, RegionLevel.DISTRICT)


@dataclass(frozen=True)
class Similar:
    case_id: int
    tracking_code: str
    title: str
    submitted_at: datetime
    is_public: bool
    match: Match


def area_regions(session: Session, region: Region | None) -> list[int] | None:
    """Ids of the regions in the same street (or district) as ``region``; None: no restriction."""
    if region is None:
        return None
    snap = directory(session)
    chain = snap.region_chain(region.id)
    area = next((r for r in chain if snap.region_level.get(r) in AREA_LEVELS), chain[-1])
    return [r for r in snap.region_parent if area in snap.region_chain(r)]


def _candidates(
    session: Session,
    *,
    region: Region | None,
    now: datetime,
    settings: Settings,
    exclude_id: int | None,
    public_only: bool,
    not_by: int | None = None,
    before_id: int | None = None,
) -> list[tuple[int, str, str, str, datetime, bool, float | None, float | None, str | None]]:
    since = now - timedelta(days=settings.duplicate_window_days)
    query = (
        select(
            Case.id,
            Case.tracking_code,
            Case.title,
            func.substr(Case.content, 1, BODY_CHARS),
            Case.submitted_at,
            Case.is_public,
            Case.lat,
            Case.long,
            Region.code,
        )
        .outerjoin(Region, Region.id == Case.region_id)
        .where(
            Case.status.in_(OPEN_STATES),
            Case.merged_into_id.is_(None),
            Case.submitted_at >= since,
            Case.submitted_at <= now,
        )
        .order_by(Case.submitted_at.desc())
        .limit(settings.duplicate_max_candidates)
    )
    regions = area_regions(session, region)
    if regions is not None:
        query = query.where(or_(Case.region_id.in_(regions), Case.region_id.is_(None)))
    if exclude_id is not None:
        query = query.where(Case.id != exclude_id)
    if before_id is not None:  # only cases that arrived before it (same second included)
        query = query.where(Case.id < before_id)
    if public_only:
        query = query.where(Case.is_public)
    if not_by is not None:  # a citizen need not be offered their own case
        query = query.where(or_(Case.citizen_id.is_(None), Case.citizen_id != not_by))
    return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


def similar_cases(
    session: Session,
    *,
    of: Profile,
    region: Region | None,
    now: datetime,
    settings: Settings,
    exclude_id: int | None = None,
    public_only: bool = False,
    not_by: int | None = None,
    limit: int = 5,
    before_id: int | None = None,
) -> list[Similar]:
    """Open cases scoring at least ``duplicate_threshold`` against ``of``, best first.

    A message too short or without Chinese text (``Profile.comparable``) matches nothing: no
    suggestion is better than a wrong one.
    """
    if not of.comparable:
        return []
    found: list[tuple[float, int, Profile]] = []
    rows = _candidates(
        session,
        region=region,
        now=now,
        settings=settings,
        exclude_id=exclude_id,
        public_only=public_only,
        not_by=not_by,
        before_id=before_id,
    )
    near = settings.duplicate_near_m
    for order, (_id, _code, title, head, _at, _public, lat, long, region_code) in enumerate(rows):
        other = cached_profile(title, head or "", region_code, lat, long)
        value = score(of, other, near_m=near)
        if value >= settings.duplicate_threshold:
            found.append((-value, order, other))  # rows come newest first: ties go to the newest
    best = heapq.nsmallest(limit, found)  # explain (``compare``) only the few that are shown
    return [
        Similar(
            rows[order][0],
            rows[order][1],
            rows[order][2],
            rows[order][4],
            rows[order][5],
            compare(of, other, near_m=near),
        )
        for _, order, other in best
    ]


def profile_of(case: Case) -> Profile:
    return profile(
        case.title, case.content, region=case.region.code if case.region else None, lat=case.lat, long=case.long
    )
