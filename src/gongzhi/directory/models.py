"""Tables of the jurisdiction: who governs where, what citizens may ask about, who answers, how fast."""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import Boolean, Date, Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gongzhi.db import Base


class RegionLevel(enum.StrEnum):
    CITY = "city"  # 市
    DISTRICT = "district"  # 区/县
    STREET = "street"  # 街道/镇
    COMMUNITY = "community"  # 社区/村


class DepartmentKind(enum.StrEnum):
    HOTLINE = "hotline"  # the 12345 centre and the city's inspection office
    BUREAU = "bureau"  # 委办局
    DISTRICT = "district"  # 区政府
    STREET = "street"  # 街道办事处
    ENTERPRISE = "enterprise"  # 公共服务企业: water, power, gas


class Urgency(enum.StrEnum):
    NORMAL = "normal"  # 一般
    EMERGENCY = "emergency"  # 紧急: threat to life or property
    OUTAGE = "outage"  # 停水停电停气停暖
    COMPLEX = "complex"  # 疑难复杂


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    return Enum(cls, name=name, native_enum=False, length=20, values_callable=lambda c: [m.value for m in c])


class Region(Base):
    __tablename__ = "region"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(100), default="")
    level: Mapped[RegionLevel] = mapped_column(_enum(RegionLevel, "region_level"))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)

    parent: Mapped[Region | None] = relationship(remote_side=[id])


class Department(Base):
    __tablename__ = "department"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(150), default="")
    kind: Mapped[DepartmentKind] = mapped_column(_enum(DepartmentKind, "department_kind"))
    supervisor_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    supervisor: Mapped[Department | None] = relationship(remote_side=[id])
    region: Mapped[Region | None] = relationship()


class Category(Base):
    """One node of the three-level service catalogue (一级/二级/三级分类)."""

    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(150), default="")
    level: Mapped[int] = mapped_column(Integer)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("category.id"), index=True)
    urgency: Mapped[Urgency] = mapped_column(_enum(Urgency, "urgency"), default=Urgency.NORMAL)
    description: Mapped[str] = mapped_column(String(500), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    parent: Mapped[Category | None] = relationship(remote_side=[id])


class RoutingRule(Base):
    """Category (and optionally region) → the department that answers for it.

    ``by_street`` rules send the case to the street office of the case's street, for matters that
    street offices handle wherever they happen (占道经营, 噪音扰民 …).
    """

    __tablename__ = "routing_rule"
    __table_args__ = (UniqueConstraint("category_id", "region_id", name="uq_routing_rule_category_region"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"), index=True)
    region_id: Mapped[int | None] = mapped_column(ForeignKey("region.id", ondelete="CASCADE"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("department.id"))
    by_street: Mapped[bool] = mapped_column(Boolean, default=False)


class SlaPolicy(Base):
    """Response and resolution time for a category (or every category) at an urgency.

    Durations are text such as ``2h`` (clock hours), ``24wh`` (working hours), ``7wd`` (working
    days); see ``gongzhi.directory.worktime.parse_duration``.
    """

    __tablename__ = "sla_policy"
    __table_args__ = (UniqueConstraint("category_id", "urgency", name="uq_sla_policy_category_urgency"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int | None] = mapped_column(ForeignKey("category.id", ondelete="CASCADE"))
    urgency: Mapped[Urgency] = mapped_column(_enum(Urgency, "urgency"))
    respond: Mapped[str] = mapped_column(String(20))
    resolve: Mapped[str] = mapped_column(String(20))


class CalendarOverride(Base):
    """A local change to the national calendar: an extra day off (typhoon) or an extra working day."""

    __tablename__ = "calendar_override"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    is_working_day: Mapped[bool] = mapped_column(Boolean)
    note: Mapped[str] = mapped_column(String(200), default="")
