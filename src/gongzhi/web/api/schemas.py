"""Shapes of the JSON API: what comes in (…In) and what goes out (…Out)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from gongzhi.cases.models import Case, CaseEvent, CaseType, Reply, Satisfaction, Status
from gongzhi.cases.queries import mask_name, mask_phone
from gongzhi.directory.models import Urgency


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LoginIn(Strict):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)


class RegisterIn(Strict):
    username: str = Field(min_length=3, max_length=80)
    password: str = Field(min_length=8, max_length=200)
    display_name: str | None = Field(None, max_length=100)
    email: str | None = Field(None, max_length=200)
    phone: str | None = Field(None, max_length=40)


class TokenOut(BaseModel):
    token: str
    username: str
    role: str
    display_name: str


class Versioned(Strict):
    version: int | None = Field(None, description="the case version you last saw; refused with 409 if it changed")


class DispatchIn(Versioned):
    department: str = Field(description="department code")
    category: str | None = Field(None, description="set or correct the category on the way")
    urgency: Urgency | None = None


class ArbitrateIn(Versioned):
    department: str
    reason: str | None = Field(None, max_length=2000)


class ReasonIn(Versioned):
    reason: str = Field(max_length=2000)


class OptionalReasonIn(Strict):
    reason: str | None = Field(None, max_length=2000)


class ExtensionIn(Strict):
    working_days: int = Field(ge=1, le=60)
    reason: str = Field(max_length=2000)


class ExtensionDecisionIn(Strict):
    approve: bool
    note: str | None = Field(None, max_length=2000)


class ReplyIn(Versioned):
    text: str = Field(max_length=10000)
    public: bool | None = Field(None, description="default: public when the citizen allowed publication")


class RatingIn(Strict):
    solved: bool
    satisfaction: Satisfaction
    comment: str | None = Field(None, max_length=2000)


class MergeIn(Strict):
    into: str = Field(description="tracking code of the case to merge into")


class ReceiptOut(BaseModel):
    tracking_code: str
    secret: str = Field(description="keep it: with the code it lets you follow, rate or withdraw the case")
    status: Status
    department: str | None
    track_url: str


class ReplyOut(BaseModel):
    department: str
    department_name: str
    text: str
    public: bool
    at: datetime

    @classmethod
    def of(cls, reply: Reply) -> ReplyOut:
        return cls(
            department=reply.department.code,
            department_name=reply.department.name,
            text=reply.text,
            public=reply.is_public,
            at=reply.at,
        )


class EventOut(BaseModel):
    kind: str
    from_status: Status | None
    to_status: Status | None
    actor_role: str
    department: str | None
    at: datetime
    reason: str | None
    data: dict[str, Any]

    @classmethod
    def of(cls, event: CaseEvent, *, public: bool) -> EventOut:
        return cls(
            kind=event.kind,
            from_status=event.from_status,
            to_status=event.to_status,
            actor_role=event.actor_role,
            department=event.department.code if event.department else None,
            at=event.at,
            reason=None if public else event.reason,
            data={} if public else event.data,
        )


class CasePublicOut(BaseModel):
    """What anyone may see of a public case: no name, no contact."""

    tracking_code: str
    title: str
    content: str
    type: CaseType
    category: str | None
    category_name: str | None
    region: str | None
    region_name: str | None
    address: str | None
    status: Status
    department: str | None
    department_name: str | None
    submitted_at: datetime
    replied_at: datetime | None
    closed_at: datetime | None
    supporters: int
    merged_into: str | None = None
    replies: list[ReplyOut] = []

    @classmethod
    def fields_of(cls, case: Case) -> dict[str, Any]:
        return {
            "tracking_code": case.tracking_code,
            "title": case.title,
            "content": case.content,
            "type": case.type,
            "category": case.category.code if case.category else None,
            "category_name": case.category.name if case.category else None,
            "region": case.region.code if case.region else None,
            "region_name": case.region.name if case.region else None,
            "address": case.address,
            "status": case.status,
            "department": case.department.code if case.department else None,
            "department_name": case.department.name if case.department else None,
            "submitted_at": case.submitted_at,
            "replied_at": case.replied_at,
            "closed_at": case.closed_at,
            "supporters": case.supporters,
        }


class CaseOut(CasePublicOut):
    """What staff and the citizen who wrote it see: deadlines, state details, masked contact."""

    id: int
    version: int
    channel: str
    urgency: Urgency
    is_public: bool
    lat: float | None
    long: float | None
    contact_name_masked: str | None
    contact_phone_masked: str | None
    dispatched_at: datetime | None
    accepted_at: datetime | None
    response_due: datetime | None
    resolution_due: datetime | None
    return_count: int
    reopen_count: int
    needs_arbitration: bool
    overdue: bool

    @classmethod
    def of(cls, case: Case, *, now: datetime, replies: list[Reply], merged_into: str | None = None) -> CaseOut:
        return cls(
            **cls.fields_of(case),
            id=case.id,
            version=case.version,
            channel=case.channel.value,
            urgency=case.urgency,
            is_public=case.is_public,
            lat=case.lat,
            long=case.long,
            contact_name_masked=mask_name(case.contact_name),
            contact_phone_masked=mask_phone(case.contact_phone),
            dispatched_at=case.dispatched_at,
            accepted_at=case.accepted_at,
            response_due=case.response_due,
            resolution_due=case.resolution_due,
            return_count=case.return_count,
            reopen_count=case.reopen_count,
            needs_arbitration=case.needs_arbitration,
            overdue=bool(
                case.resolution_due
                and now > case.resolution_due
                and case.status in (Status.DISPATCHED, Status.ACCEPTED, Status.REOPENED)
            ),
            replies=[ReplyOut.of(r) for r in replies],
            merged_into=merged_into,
        )


class PageOut(BaseModel):
    total: int
    page: int
    per_page: int
    pages: int
    items: list[Any]
