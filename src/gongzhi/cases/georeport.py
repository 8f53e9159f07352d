"""The catalogue and the public cases as Open311 GeoReport v2 sees them: services and service requests.

A case is visible through Open311 when the public message board would show it (its citizen agreed
to publication and it was not withdrawn or invalid) and it has a category, which is its service:
a case still waiting for a dispatcher to classify it appears once classified.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from gongzhi.cases.models import Case, Reply, Status
from gongzhi.cases.queries import PUBLIC_STATES, replies_of_many
from gongzhi.directory.models import Category
from gongzhi.errors import NotFound

SERVICE_LEVEL = 3  # the third level of the catalogue is what a citizen reports
MAX_RESULTS = 1000  # the specification's suggested ceiling for GET requests


@dataclass(frozen=True)
class Service:
    """A third-level category as Open311 sees it, with the names of its parents."""

    code: str
    name: str
    description: str
    group: str | None
    keywords: tuple[str, ...]


@dataclass(frozen=True)
class RequestSearch:
    """Filters of GET requests. Codes given by ``tracking_codes`` override every other filter."""

    tracking_codes: tuple[str, ...] = ()
    service_codes: tuple[str, ...] = ()
    submitted_from: datetime | None = None
    submitted_to: datetime | None = None  # inclusive
    statuses: frozenset[Status] = field(default_factory=frozenset)  # empty: every public state
    limit: int = MAX_RESULTS


def services(session: Session) -> list[Service]:
    """Every active third-level category, in code order."""
    everything = list(session.scalars(select(Category).order_by(Category.code)))  # parents come from the identity map
    return [_service(c) for c in everything if c.level == SERVICE_LEVEL and c.active]


def service_by_code(session: Session, code: str) -> Service:
    category = session.scalar(select(Category).where(Category.code == code.strip()))
    if category is None or not category.active or category.level != SERVICE_LEVEL:
        raise NotFound(
            f"service_code {code!r} is not a service here; the list is at /open311/v2/services.json",
            field="service_code",
        )
    return _service(category)


def _service(category: Category) -> Service:
    parents = []
    parent = category.parent
    while parent is not None:
        parents.insert(0, parent.name)
        parent = parent.parent
    return Service(
        code=category.code,
        name=category.name,
        description=category.description or " › ".join([*parents, category.name]),
        group=parents[0] if parents else None,
        keywords=tuple(parents),
    )


def public_requests(session: Session, *, search: RequestSearch) -> list[Case]:
    """Visible cases matching ``search``, newest first, at most ``search.limit``."""
    query = select(Case).where(*_visible(), *_conditions(search))
    query = query.order_by(Case.submitted_at.desc(), Case.id.desc()).limit(search.limit)
    return list(session.scalars(query).unique())


def public_request(session: Session, tracking_code: str) -> Case:
    code = tracking_code.strip().upper()
    case = session.scalar(select(Case).where(Case.tracking_code == code, *_visible()))
    if case is None:
        raise NotFound(
            f"no public service request {tracking_code!r}: it does not exist, or its citizen did not agree "
            "to publish it (the citizen can follow it with the tracking code and secret)",
            field="service_request_id",
        )
    return case


def latest_public_replies(session: Session, cases: Iterable[Case]) -> dict[int, Reply]:
    """Each case's latest public reply (a merged case shows the reply of the case it joined), in one query."""
    return {case_id: found[-1] for case_id, found in replies_of_many(session, cases, public_only=True).items() if found}


def _visible() -> list[ColumnElement[bool]]:
    return [Case.is_public, Case.status.in_(PUBLIC_STATES), Case.category_id.is_not(None)]


def _conditions(search: RequestSearch) -> list[ColumnElement[bool]]:
    if search.tracking_codes:
        return [Case.tracking_code.in_([c.strip().upper() for c in search.tracking_codes])]
    out: list[ColumnElement[bool]] = []
    if search.service_codes:
        out.append(Case.category_id.in_(select(Category.id).where(Category.code.in_(search.service_codes))))
    if search.submitted_from is not None:
        out.append(Case.submitted_at >= search.submitted_from)
    if search.submitted_to is not None:
        out.append(Case.submitted_at <= search.submitted_to)
    if search.statuses:
        out.append(Case.status.in_(search.statuses))
    return out
