"""A small jurisdiction for tests, built through the same domain functions production uses."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from fastapi.testclient import TestClient

from gongzhi.accounts.models import Role
from gongzhi.accounts.permissions import Actor
from gongzhi.accounts.service import actor_for, create_api_key, create_user
from gongzhi.db import Database
from gongzhi.directory import admin
from gongzhi.directory.lookup import department_by_code
from gongzhi.directory.models import DepartmentKind, RegionLevel, Urgency

PASSWORD = "correct-horse-battery"


@dataclass
class World:
    actors: dict[str, Actor] = field(default_factory=dict)
    api_key: str = ""


def build_world(db: Database, *, now: datetime) -> World:
    """城南区 with two streets, a hotline, two bureaus, a street office, a catalogue, and one user per role."""
    world = World()
    with db.transaction() as s:
        admin.create_region(s, code="city", name="临江市", level=RegionLevel.CITY)
        admin.create_region(s, code="cn", name="城南区", level=RegionLevel.DISTRICT, parent="city")
        admin.create_region(s, code="cn-hp", name="湖畔街道", level=RegionLevel.STREET, parent="cn")
        admin.create_region(s, code="cn-hp-1", name="柳岸社区", level=RegionLevel.COMMUNITY, parent="cn-hp")
        admin.create_region(s, code="cn-sx", name="石巷街道", level=RegionLevel.STREET, parent="cn")
        admin.create_department(s, code="hotline", name="12345热线办", kind=DepartmentKind.HOTLINE)
        admin.create_department(s, code="water", name="水务局", kind=DepartmentKind.BUREAU, supervisor="hotline")
        admin.create_department(s, code="urban", name="城市管理局", kind=DepartmentKind.BUREAU, supervisor="hotline")
        admin.create_department(
            s, code="st-hp", name="湖畔街道办事处", kind=DepartmentKind.STREET, supervisor="hotline", region="cn-hp"
        )
        admin.upsert_category(s, code="A", name="城乡建设", level=1)
        admin.upsert_category(s, code="A01", name="供水", level=2, parent="A")
        admin.upsert_category(s, code="A0101", name="停水", level=3, parent="A01", urgency=Urgency.OUTAGE)
        admin.upsert_category(s, code="A0102", name="水质", level=3, parent="A01")
        admin.upsert_category(s, code="A02", name="市容", level=2, parent="A")
        admin.upsert_category(s, code="A0201", name="占道经营", level=3, parent="A02")
        admin.upsert_category(s, code="A0202", name="其他市容", level=3, parent="A02")
        admin.set_routing_rule(s, category="A01", department="water")
        admin.set_routing_rule(s, category="A0201", department=None, by_street=True)
        users = {
            "dispatcher": (Role.DISPATCHER, None),
            "handler_water": (Role.HANDLER, "water"),
            "handler_urban": (Role.HANDLER, "urban"),
            "handler_street": (Role.HANDLER, "st-hp"),
            "supervisor": (Role.SUPERVISOR, "hotline"),
            "admin": (Role.ADMIN, None),
            "citizen": (Role.CITIZEN, None),
        }
        for name, (role, dept) in users.items():
            user = create_user(
                s,
                username=name,
                password=PASSWORD,
                role=role,
                now=now,
                email=f"{name}@example.org",
                department_id=department_by_code(s, dept).id if dept else None,
            )
            world.actors[name] = actor_for(user)
        world.api_key = create_api_key(s, name="test client", now=now)
    return world


def login(client: TestClient, username: str) -> dict[str, str]:
    response = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


def submission(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "title": "湖畔小区停水两天了",
        "content": "柳岸社区湖畔小区3栋从前天早上开始停水，没有任何通知，老人孩子生活很不方便，请尽快恢复供水。",
        "type": "help",
        "category": "A0101",
        "region": "cn-hp-1",
        "address": "湖畔小区3栋",
        "contact_name": "王小明",
        "contact_phone": "13812345678",
        "is_public": True,
    }
    data.update(overrides)
    return data
