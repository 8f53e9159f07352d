"""The Open311 GeoReport v2 routes under ``/open311/v2``: parse, call one domain function, render.

Every resource ends in ``.json`` or ``.xml``. Only POST requests needs an ``api_key``. Decisions the
specification leaves open (details in ``mapping`` and ``params``):
- publication: a request created through Open311 is not public (the specification has no consent
  field, and a citizen using a third-party app did not agree to publication); GET requests lists only
  cases whose citizen agreed, as the public message board does.
- POST answers 200, as the specification's examples do, with the tracking code as
  ``service_request_id`` and the tracking secret in ``service_notice`` and in ``tracking_secret``.
- tokens: cases are created at once, so a token is the tracking code and resolves to itself, for
  private cases too: it tells only that the case exists, and the client that created a private case
  must be able to resolve its token.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from gongzhi.cases import georeport as queries
from gongzhi.cases.lookup import case_by_code
from gongzhi.cases.models import Case
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.errors import NotFound
from gongzhi.web.deps import DbDep, NowDep, SettingsDep
from gongzhi.web.open311 import mapping, params, render, submit
from gongzhi.web.open311.route import Open311Route
from gongzhi.web.threads import run_intake

router = APIRouter(prefix=mapping.PATH, tags=["open311"], route_class=Open311Route)

FormatParam = Annotated[str, Path(description="json or xml")]


async def _post_form(request: Request, settings: SettingsDep) -> params.PostForm:
    return await params.read_form(request, max_bytes=settings.attachment_max_bytes)


PostFormDep = Annotated[params.PostForm, Depends(_post_form)]


@router.get("/discovery.{format}", summary="Service discovery: this endpoint, its formats, where to get a key")
def discovery(format: FormatParam, settings: SettingsDep) -> Response:
    return render.respond(render.parse_format(format), mapping.discovery(settings), root="discovery")


@router.get("/services.{format}", summary="GET services: every third-level category of the catalogue")
def services(format: FormatParam, db: DbDep, jurisdiction_id: str | None = None) -> Response:
    fmt = render.parse_format(format)
    with db.reading() as session:
        body = [mapping.service(item) for item in queries.services(session)]
    return render.respond(fmt, body, root="services")


@router.get("/services/{service_code}.{format}", summary="GET service definition (no extra attributes)")
def service_definition(
    service_code: str, format: FormatParam, db: DbDep, jurisdiction_id: str | None = None
) -> Response:
    fmt = render.parse_format(format)
    with db.reading() as session:
        body = mapping.definition(queries.service_by_code(session, service_code))
    return render.respond(fmt, body, root="service_definition")


@router.post("/requests.{format}", summary="POST service request: form-encoded or multipart, api_key required")
async def create_request(
    format: FormatParam, form: PostFormDep, db: DbDep, settings: SettingsDep, now: NowDep
) -> Response:
    fmt = render.parse_format(format)
    body = await run_intake(settings, _create, db, settings, form, now)
    return render.respond(fmt, body, root="service_requests")


def _create(db: Database, settings: Settings, form: params.PostForm, now: datetime) -> list[dict[str, Any]]:
    with db.transaction_from_first_write() as session:
        done = submit.create_request(session, form=form, now=now, settings=settings)
        return [mapping.receipt(done, base_url=settings.base_url)]


@router.get("/tokens/{token}.{format}", summary="GET service_request_id from a token (the tracking code)")
def token(token: str, format: FormatParam, db: DbDep, jurisdiction_id: str | None = None) -> Response:
    fmt = render.parse_format(format)
    with db.reading() as session:
        body = [mapping.token(case_by_code(session, token))]
    return render.respond(fmt, body, root="service_requests")


@router.get("/requests.{format}", summary="GET service requests: public cases, newest first, at most 1000")
def list_requests(
    format: FormatParam,
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    service_request_id: str | None = None,
    service_code: str | None = None,
    start_date: str | None = None,
    end_date: str | None = None,
    status: str | None = None,
    jurisdiction_id: str | None = None,
) -> Response:
    fmt = render.parse_format(format)
    search = params.request_search(
        service_request_id=service_request_id,
        service_code=service_code,
        start_date=start_date,
        end_date=end_date,
        status=status,
        now=now,
        zone=settings.zone,
    )
    with db.reading() as session:
        body = _requests(session, queries.public_requests(session, search=search), settings.zone)
    return render.respond(fmt, body, root="service_requests")


@router.get("/requests/{service_request_id}.{format}", summary="GET service request: one public case")
def one_request(
    service_request_id: str, format: FormatParam, db: DbDep, settings: SettingsDep, jurisdiction_id: str | None = None
) -> Response:
    fmt = render.parse_format(format)
    with db.reading() as session:
        body = _requests(session, [queries.public_request(session, service_request_id)], settings.zone)
    return render.respond(fmt, body, root="service_requests")


def _requests(session: Session, cases: list[Case], zone: tzinfo) -> list[dict[str, Any]]:
    replies = queries.latest_public_replies(session, cases)
    return [mapping.request(case, reply=replies.get(case.id), zone=zone) for case in cases]


@router.api_route("/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
def unknown(path: str, request: Request) -> Response:
    hint = " (add .json or .xml)" if "." not in path.rsplit("/", 1)[-1] else ""
    raise NotFound(
        f"{request.method} {request.url.path} is not an Open311 GeoReport v2 resource{hint}; "
        f"GET {mapping.PATH}/discovery.json lists the endpoint; the resources are services, requests and tokens"
    )
