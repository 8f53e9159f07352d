"""Domain objects as Open311 GeoReport v2 documents: plain dicts, rendered alike as JSON or XML.

Decisions (see also ``router``):
- status: Open311 knows only ``open`` and ``closed``. Closed, merged, invalid and withdrawn cases are
  ``closed``; every other state, ``replied`` included (the citizen may still reopen it), is ``open``.
  ``status_notes`` carries the detailed state in Chinese and the latest public reply.
- identifiers and codes are strings: ``service_request_id`` is the case's tracking code, ``service_code``
  the category code, ``address_id`` the region code.
- times are ISO 8601 with the offset of the jurisdiction's zone (``GONGZHI_TIMEZONE``).
- contact details never appear: nothing here reads the contact columns.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from gongzhi.cases.georeport import Service
from gongzhi.cases.intake import Receipt
from gongzhi.cases.models import Case, Reply, Status
from gongzhi.config import Settings

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-03-01T00:00:00+08:00"  # when this Open311 interface last changed; move it with every change
FORMATS = ["text/xml", "application/json"]
PATH = "/open311/v2"

CLOSED = frozenset({Status.CLOSED, Status.MERGED, Status.INVALID, Status.WITHDRAWN})
OPEN = frozenset(Status) - CLOSED

_LABELS = {
    Status.SUBMITTED: "待受理",
    Status.DISPATCHED: "待签收",
    Status.ACCEPTED: "办理中",
    Status.RETURNED: "已退单，待重新派单",
    Status.REPLIED: "已答复",
    Status.REOPENED: "重办",
    Status.CLOSED: "已办结",
    Status.MERGED: "已与相同诉求合并办理",
    Status.INVALID: "无效",
    Status.WITHDRAWN: "已撤回",
}


def open311_status(status: Status) -> str:
    return "closed" if status in CLOSED else "open"


def states_for(open311_statuses: set[str]) -> frozenset[Status]:
    """Our states behind Open311's ``open`` and ``closed``."""
    return frozenset().union(*(CLOSED if s == "closed" else OPEN for s in open311_statuses))


def discovery(settings: Settings) -> dict[str, Any]:
    return {
        "changeset": CHANGESET,
        "contact": f"The 12345 hotline office that runs {settings.base_url}",
        "key_service": f"Ask the administrators of {settings.base_url} for an api_key "
        "(they issue one with POST /api/v1/admin/api-keys). Only POST /requests needs a key.",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": settings.base_url.rstrip("/") + PATH,
                "changeset": CHANGESET,
                "type": "test" if settings.demo else "production",
                "formats": FORMATS,
            }
        ],
    }


def service(item: Service) -> dict[str, Any]:
    return {
        "service_code": item.code,
        "service_name": item.name,
        "description": item.description,
        "metadata": False,
        "type": "realtime",
        "keywords": ",".join(item.keywords),
        "group": item.group,
    }


def definition(item: Service) -> dict[str, Any]:
    """No service asks for extra fields (``metadata`` is false), so the attribute list is empty."""
    return {"service_code": item.code, "attributes": []}


def receipt(done: Receipt, *, base_url: str) -> dict[str, Any]:
    """The answer to POST requests; the tracking secret is for the citizen, so it travels with the notice."""
    return {
        "service_request_id": done.tracking_code,
        "service_notice": _notice(done, base_url),
        "account_id": None,
        "tracking_secret": done.secret,  # not in the specification; the schema allows extra properties
    }


def _notice(done: Receipt, base_url: str) -> str:
    code, secret, url = done.tracking_code, done.secret, f"{base_url.rstrip('/')}/track/{done.tracking_code}"
    routed = f"已转{done.case.department.name}办理。" if done.case.department else "将由12345热线派单办理。"
    return (
        f"已受理，查询码 {code}，查询密码 {secret}。{routed}"
        f"请提交人保存查询码和查询密码，凭此在 {url} 查看进度、评价答复；此诉求不公开。"
        f" Received: tracking code {code}, tracking secret {secret}. The person who reported it needs both "
        f"to follow the request at {url}. The request is not published."
    )


def token(case: Case) -> dict[str, Any]:
    """Cases are created at once, so a token is simply the tracking code, which is also the request's id."""
    return {"service_request_id": case.tracking_code, "token": case.tracking_code}


def request(case: Case, *, reply: Reply | None, zone: tzinfo) -> dict[str, Any]:
    """One public service request: what the public message board shows, never the citizen's contact."""
    category, region = case.category, case.region
    return {
        "service_request_id": case.tracking_code,
        "status": open311_status(case.status),
        "status_notes": _LABELS[case.status] + (f"：{reply.text}" if reply else ""),
        "service_name": category.name if category else None,
        "service_code": category.code if category else "",
        "description": case.content,
        "agency_responsible": case.department.name if case.department else None,
        "service_notice": None,
        "requested_datetime": _when(case.submitted_at, zone),
        "updated_datetime": _when(case.updated_at, zone),
        "expected_datetime": _when(case.resolution_due, zone),
        "address": case.address or (region.name if region else None),
        "address_id": region.code if region else None,
        "zipcode": None,
        "lat": case.lat,
        "long": case.long,
        "media_url": None,
    }


def _when(moment: datetime | None, zone: tzinfo) -> str | None:
    return moment.astimezone(zone).isoformat(timespec="seconds") if moment else None
