"""Tables of cases (诉求) and everything that happens to them."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gongzhi.accounts.models import User
from gongzhi.db import Base, UTCDateTime
from gongzhi.directory.models import Category, Department, Region, Urgency, _enum


class CaseType(enum.StrEnum):
    CONSULTATION = "consultation"  # 咨询
    HELP = "help"  # 求助
    COMPLAINT = "complaint"  # 投诉
    REPORT = "report"  # 举报
    SUGGESTION = "suggestion"  # 建议
    PRAISE = "praise"  # 表扬


class Status(enum.StrEnum):
    SUBMITTED = "submitted"  # 待受理
    DISPATCHED = "dispatched"  # 待签收
    ACCEPTED = "accepted"  # 办理中
    RETURNED = "returned"  # 已退单
    REPLIED = "replied"  # 已答复
    REOPENED = "reopened"  # 重办
    CLOSED = "closed"  # 已办结
    MERGED = "merged"  # 已合并
    INVALID = "invalid"  # 无效
    WITHDRAWN = "withdrawn"  # 已撤回


class Channel(enum.StrEnum):
    WEB = "web"
    API = "api"
    OPEN311 = "open311"
    EMAIL = "email"
    PHONE = "phone"


class Satisfaction(enum.StrEnum):
    SATISFIED = "satisfied"  # 满意
    BASIC = "basically_satisfied"  # 基本满意
    UNSATISFIED = "unsatisfied"  # 不满意


class Case(Base):
    __tablename__ = "case_item"
    __table_args__ = (
        Index("ix_case_item_status_submitted", "status", "submitted_at"),
        Index("ix_case_item_department_status", "department_id", "status"),
        Index("ix_case_item_public_submitted", "is_public", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_code: Mapped[str] = mapped_column(String(24), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    channel: Mapped[Channel] = mapped_column(_enum(Channel, "channel"))
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    type: Mapped[CaseType] = mapped_column(_enum(CaseType, "case_type"))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    urgency: Mapped[Urgency] = mapped_column(_enum(Urgency, "urgency"), default=Urgency.NORMAL)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    address: Mapped[str | None] = mapped_column(String(300))
    lat: Mapped[float | None] = mapped_column(Float)
    long: Mapped[float | None] = mapped_column(Float)
    contact_name: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    contact_email: Mapped[str | None] = mapped_column(String(200))
    citizen_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    is_public: Mapped[bool] = mapped_column(Boolean, default=False)

    status: Mapped[Status] = mapped_column(_enum(Status, "case_status"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("case_item.id"), index=True)
    return_count: Mapped[int] = mapped_column(Integer, default=0)
    reopen_count: Mapped[int] = mapped_column(Integer, default=0)
    needs_arbitration: Mapped[bool] = mapped_column(Boolean, default=False)
    arbitrated: Mapped[bool] = mapped_column(Boolean, default=False)
    supporters: Mapped[int] = mapped_column(Integer, default=0)

    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    response_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_unit: Mapped[str | None] = mapped_column(String(20))  # worktime.TimeUnit of the SLA
    resolution_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_due: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution_unit: Mapped[str | None] = mapped_column(String(20))
    response_warned: Mapped[bool] = mapped_column(Boolean, default=False)
    response_escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    resolution_warned: Mapped[bool] = mapped_column(Boolean, default=False)
    resolution_escalated: Mapped[bool] = mapped_column(Boolean, default=False)
    version: Mapped[int] = mapped_column(Integer, default=1)

    category: Mapped[Category | None] = relationship(lazy="joined")
    region: Mapped[Region | None] = relationship(lazy="joined")
    department: Mapped[Department | None] = relationship(lazy="joined")
    citizen: Mapped[User | None] = relationship()

    __mapper_args__ = {"version_id_col": version}


class CaseEvent(Base):
    """One thing that happened to a case: who, when, what, why. The case row caches the result."""

    __tablename__ = "case_event"
    __table_args__ = (Index("ix_case_event_kind_at", "kind", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_item.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[Status | None] = mapped_column(_enum(Status, "case_status"))
    to_status: Mapped[Status | None] = mapped_column(_enum(Status, "case_status"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    actor_role: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    case: Mapped[Case] = relationship()  # so an event can be written with a case that is not yet flushed
    actor: Mapped[User | None] = relationship()
    department: Mapped[Department | None] = relationship()


class Reply(Base):
    __tablename__ = "case_reply"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_item.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    text: Mapped[str] = mapped_column(Text)
    is_public: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime)

    department: Mapped[Department] = relationship(lazy="joined")


class Rating(Base):
    """The citizen's follow-up (回访): solved or not, how satisfied, in their words."""

    __tablename__ = "case_rating"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_item.id"), index=True)
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    solved: Mapped[bool] = mapped_column(Boolean)
    satisfaction: Mapped[Satisfaction] = mapped_column(_enum(Satisfaction, "satisfaction"))
    comment: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class ExtensionStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"  # the case was replied, withdrawn or merged before a supervisor decided


class ExtensionRequest(Base):
    __tablename__ = "extension_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_item.id"), index=True)
    department_id: Mapped[int] = mapped_column(ForeignKey("department.id"))
    requested_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    working_days: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(Text)
    status: Mapped[ExtensionStatus] = mapped_column(_enum(ExtensionStatus, "extension_status"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)


class Attachment(Base):
    """A file a citizen attached; kept in the database so a backup of it is a backup of everything."""

    __tablename__ = "case_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_item.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    case: Mapped[Case] = relationship()  # so a file can be attached to a case that is not yet flushed


class Notification(Base):
    """A message to a person or a role; e-mail goes out later from the worker (an outbox).

    Writing the record in the use case's transaction and sending the e-mail afterwards means a mail
    server that is down can never roll back a citizen's accepted case.
    """

    __tablename__ = "notification"
    __table_args__ = (Index("ix_notification_unsent", "email_to", "emailed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_item.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_to: Mapped[str | None] = mapped_column(String(200))
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    email_error: Mapped[str | None] = mapped_column(String(500))

    case: Mapped[Case | None] = relationship()  # so a case not yet flushed can be notified about
