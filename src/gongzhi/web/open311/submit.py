"""POST requests as one use case: check the client's key, the service and the place, then the ordinary intake."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from gongzhi.accounts.service import check_api_key
from gongzhi.cases import intake
from gongzhi.cases.georeport import Service, service_by_code
from gongzhi.cases.models import Channel
from gongzhi.config import Settings
from gongzhi.directory.lookup import region_by_code
from gongzhi.errors import Forbidden, InvalidInput, NotFound
from gongzhi.web.open311.params import PostForm, submission


def create_request(session: Session, *, form: PostForm, now: datetime, settings: Settings) -> intake.Receipt:
    """The new case and its receipt; runs inside the caller's transaction."""
    _check_key(session, form.get("api_key"))
    data = submission(form, _service(session, form.get("service_code")))
    if data.region:
        _check_region(session, data.region)
    return intake.submit(
        session, data=data, channel=Channel.OPEN311, now=now, settings=settings, attachments=form.media
    )


def _check_key(session: Session, key: str) -> None:
    if not key:
        raise Forbidden(
            "api_key is required to create a service request; ask the operator of this server for one",
            field="api_key",
        )
    check_api_key(session, key=key)


def _service(session: Session, code: str) -> Service:
    if not code:
        raise InvalidInput("service_code is required; choose one from /open311/v2/services.json", field="service_code")
    try:
        return service_by_code(session, code)
    except NotFound as exc:  # a bad value in a request body is the client's error: 400, not 404
        raise InvalidInput(exc.message, field="service_code") from None


def _check_region(session: Session, code: str) -> None:
    try:
        region_by_code(session, code, field="address_id")
    except NotFound:
        raise InvalidInput(
            f"address_id {code!r} is not a region code of this jurisdiction; list them at /api/v1/regions",
            field="address_id",
        ) from None
