"""Shared by the Open311 tests: schema checks against the vendored GeoReport v2 schemas, and ways to make cases."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from fastapi.testclient import TestClient
from httpx2 import Response
from jsonschema import Draft7Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from tests.factories import World, login, submission

SCHEMAS = Path(__file__).resolve().parents[1] / "fixtures" / "open311"
VENDORED = ("request.json", "requests.json", "service.json", "services.json", "service-definition.json")
BASE = "/open311/v2"

FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _w3c_datetime(value: object) -> bool:
    """The specification's subset of ISO 8601: a date, 'T', a time and a zone (Z or ±HH:MM)."""
    if not isinstance(value, str):
        return True
    return "T" in value and datetime.fromisoformat(value).tzinfo is not None


@FORMATS.checks("uri")
def _uri(value: object) -> bool:
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc)


@cache
def _schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


@cache
def _registry() -> Registry:
    return Registry().with_resources(
        (name, Resource.from_contents(_schema(name), default_specification=DRAFT7)) for name in VENDORED
    )


def check(instance: Any, schema: str) -> None:
    """Raise if ``instance`` does not match ``schema`` (a file under tests/fixtures/open311)."""
    Draft7Validator(_schema(schema), registry=_registry(), format_checker=FORMATS).validate(instance)


def check_error(response: Response, status: int, *words: str) -> str:
    """The specification's error answer with ``status``; returns the description, which must contain ``words``."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    check(body, "local/errors.json")
    assert body[0]["code"] == status
    description = body[0]["description"]
    for word in words:
        assert word in description, description
    return description


def post_form(world: World, **fields: str | None) -> dict[str, str]:
    """A valid POST requests form with ``fields`` changed; a field given as None is left out."""
    form: dict[str, str | None] = {
        "api_key": world.api_key,
        "service_code": "A0102",
        "lat": "31.2304",
        "long": "121.4737",
        "address_string": "湖畔小区5栋",
        "description": "自来水发黄有异味，已经持续三天，烧开后有沉淀。",
        "first_name": "小红",
        "last_name": "李",
        "phone": "13900001111",
        "email": "li.xiaohong@example.org",
        "device_id": "phone-123",
        "account_id": "acct-9",
    }
    form.update(fields)
    return {k: v for k, v in form.items() if v is not None}


def post_request(client: TestClient, world: World, fmt: str = "json", **fields: str | None) -> Response:
    return client.post(f"{BASE}/requests.{fmt}", data=post_form(world, **fields))


def publish(client: TestClient, **overrides: object) -> tuple[str, str]:
    """A public case through the JSON API (its citizen agreed to publication): (tracking code, secret)."""
    response = client.post("/api/v1/cases", json=submission(contact_email="wang.xm@example.org", **overrides))
    assert response.status_code == 201, response.text
    return response.json()["tracking_code"], response.json()["secret"]


def close(client: TestClient, code: str, secret: str) -> None:
    """Take a dispatched water case through accept, a public reply and a satisfied rating."""
    handler = login(client, "handler_water")
    assert client.post(f"/api/v1/cases/{code}/accept", headers=handler).status_code == 200
    reply = {"text": "经核实，因管网抢修临时停水，现已恢复供水，感谢您的反映。"}
    assert client.post(f"/api/v1/cases/{code}/reply", headers=handler, json=reply).status_code == 200
    rating = {"solved": True, "satisfaction": "satisfied"}
    response = client.post(f"/api/v1/cases/{code}/rating", headers={"X-Tracking-Secret": secret}, json=rating)
    assert response.json()["status"] == "closed", response.text
    client.cookies.clear()  # the handler's session must not ride along on later anonymous calls


__all__ = ["BASE", "check", "check_error", "close", "login", "post_form", "post_request", "publish"]
