"""What Open311 clients send, read and checked: the filters of GET requests and the form of POST requests.

Every parameter arrives as text and is checked here, so that each mistake is answered in the
specification's error format, under the parameter's Open311 name, with what to send instead.

Decisions:
- GET requests covers at most 90 days of ``requested_datetime``. Without dates it is the last 90 days;
  with only ``start_date`` the 90 days from it; with only ``end_date`` the 90 days up to it. A datetime
  without an offset is read in the jurisdiction's zone. ``service_request_id`` overrides every other
  filter, as the specification says.
- POST requests: the title is the first 60 characters of the description (else the service name);
  the name is ``last_name`` + ``first_name`` in Chinese order (``first last`` when both are Latin);
  ``address_id`` is a region code of the jurisdiction (see GET /api/v1/regions); ``media_url`` is
  appended to the message for the dispatcher; ``device_id``, ``account_id``, ``jurisdiction_id`` and
  ``attribute[…]`` are accepted and ignored. A multipart body may carry ``media`` files (as in the
  GeoReport v2.1 draft); they become the case's attachments.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from urllib.parse import urlsplit

from fastapi import Request, UploadFile
from pydantic import ValidationError

from gongzhi.cases.georeport import MAX_RESULTS, RequestSearch, Service
from gongzhi.cases.schemas import CONTENT_MAX, PHONE, AttachmentIn, SubmissionIn
from gongzhi.errors import InvalidInput
from gongzhi.web.open311.mapping import states_for

MAX_SPAN = timedelta(days=90)
DESCRIPTION_MAX = CONTENT_MAX  # 4000, the specification's limit
TITLE_LENGTH = 60
MEDIA_URL_MAX = 500
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
STATUSES = ("open", "closed")
# SubmissionIn's field → the Open311 parameter a client should correct
OPEN311_NAMES = {
    "title": "description",
    "content": "description",
    "category": "service_code",
    "region": "address_id",
    "address": "address_string",
    "contact_name": "last_name",
    "contact_phone": "phone",
    "contact_email": "email",
}
_SPACE_FOR_PLUS = re.compile(r"(T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?) (\d{2}:\d{2})$")  # "+08:00" sent unencoded


@dataclass(frozen=True)
class PostForm:
    """The fields of a POST requests body (the first value of each name) and its ``media`` files."""

    fields: dict[str, str] = field(default_factory=dict)
    media: list[AttachmentIn] = field(default_factory=list)

    def get(self, name: str) -> str:
        return self.fields.get(name, "").strip()


async def read_form(request: Request, *, max_bytes: int) -> PostForm:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in FORM_TYPES:
        raise InvalidInput(
            f"send the request as a form: Content-Type {FORM_TYPES[0]}, or {FORM_TYPES[1]} to attach media files; "
            f"got {kind or 'no Content-Type'}"
        )
    fields: dict[str, str] = {}
    media: list[AttachmentIn] = []
    async with request.form() as form:
        for name, value in form.multi_items():
            if isinstance(value, str):
                fields.setdefault(name, value)
            elif name == "media":
                media.append(await _attachment(value, max_bytes))
    return PostForm(fields=fields, media=media)


async def _attachment(upload: UploadFile, max_bytes: int) -> AttachmentIn:
    data = await upload.read(max_bytes + 1)  # one byte more than allowed is enough to refuse it
    return AttachmentIn(filename=upload.filename or "media", content_type=upload.content_type or "", data=data)


def submission(form: PostForm, service: Service) -> SubmissionIn:
    """The Open311 fields as the submission every channel sends to intake; never published by default."""
    description = form.get("description")
    if len(description) > DESCRIPTION_MAX:
        raise InvalidInput(
            f"description is {len(description)} characters long; Open311 allows at most {DESCRIPTION_MAX}",
            field="description",
        )
    lat, long = _coordinates(form)
    address, region = form.get("address_string") or None, form.get("address_id") or None
    if lat is None and address is None and region is None:
        raise InvalidInput(
            "a location is required: send lat and long, or address_string, or address_id (a region code)",
            field="lat",
        )
    raw = {
        "title": " ".join(description.split())[:TITLE_LENGTH] or service.name,
        "content": _content(description or service.name, _media_url(form.get("media_url"))),
        "category": service.code,
        "region": region,
        "address": address,
        "lat": lat,
        "long": long,
        "contact_name": full_name(form.get("first_name"), form.get("last_name")),
        "contact_phone": _phone(form.get("phone")),
        "contact_email": form.get("email") or None,
        "is_public": False,  # citizens did not agree, through a third-party app, to publication
    }
    try:
        return SubmissionIn.model_validate(raw)
    except ValidationError as exc:
        raise _in_open311_terms(exc) from None


def full_name(first: str, last: str) -> str | None:
    """王 + 小明 → 王小明; John + Smith → John Smith."""
    if not (first or last):
        return None
    if (first + last).isascii():
        return f"{first} {last}".strip()
    return last + first


def _coordinates(form: PostForm) -> tuple[float | None, float | None]:
    lat, long = form.get("lat"), form.get("long")
    if not lat and not long:
        return None, None
    if not (lat and long):
        raise InvalidInput(
            "lat and long go together: send both, or use address_string or address_id instead",
            field="long" if lat else "lat",
        )
    return _degrees(lat, "lat", 90), _degrees(long, "long", 180)


def _degrees(text: str, name: str, bound: int) -> float:
    try:
        value = float(text)
    except ValueError:
        raise InvalidInput(
            f"{name} must be decimal degrees (WGS84) such as 31.2304; got {text!r}", field=name
        ) from None
    if not math.isfinite(value) or abs(value) > bound:
        raise InvalidInput(f"{name} must be between -{bound} and {bound}; got {text!r}", field=name)
    return value


def _phone(text: str) -> str | None:
    if text and not PHONE.match(text):
        raise InvalidInput("phone must be digits, optionally with +, spaces or dashes (6–20 characters)", field="phone")
    return text or None


def _media_url(text: str) -> str | None:
    if not text:
        return None
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(text) > MEDIA_URL_MAX or " " in text:
        raise InvalidInput(f"media_url must be an http(s) URL of at most {MEDIA_URL_MAX} characters", field="media_url")
    return text


def _content(text: str, media_url: str | None) -> str:
    return f"{text}\n\n媒体链接 media_url: {media_url}" if media_url else text


def _in_open311_terms(exc: ValidationError) -> InvalidInput:
    first = exc.errors()[0]
    ours = str(first["loc"][0]) if first["loc"] else ""
    name = OPEN311_NAMES.get(ours, ours)
    return InvalidInput(f"{name}: {first['msg']}" if name else first["msg"], field=name or None)


def request_search(
    *,
    service_request_id: str | None,
    service_code: str | None,
    start_date: str | None,
    end_date: str | None,
    status: str | None,
    now: datetime,
    zone: tzinfo,
) -> RequestSearch:
    codes = _split(service_request_id)
    if codes:
        if len(codes) > MAX_RESULTS:
            raise InvalidInput(f"ask for at most {MAX_RESULTS} service_request_id at once", field="service_request_id")
        return RequestSearch(tracking_codes=tuple(codes))
    start, end = date_range(_datetime(start_date, "start_date", zone), _datetime(end_date, "end_date", zone), now=now)
    return RequestSearch(
        service_codes=tuple(_split(service_code)),
        submitted_from=start,
        submitted_to=end,
        statuses=states_for(_statuses(status)),
    )


def date_range(start: datetime | None, end: datetime | None, *, now: datetime) -> tuple[datetime, datetime]:
    end = end or (start + MAX_SPAN if start else now)
    start = start or end - MAX_SPAN
    if start > end:
        raise InvalidInput("start_date is after end_date; swap them", field="start_date")
    if end - start > MAX_SPAN:
        raise InvalidInput(
            f"start_date and end_date are {(end - start).days} days apart; ask for at most "
            f"{MAX_SPAN.days} days at a time",
            field="end_date",
        )
    return start, end


def _datetime(text: str | None, name: str, zone: tzinfo) -> datetime | None:
    if not text or not text.strip():
        return None
    value = _SPACE_FOR_PLUS.sub(r"\1+\2", text.strip())
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            f"{name} {text!r} is not a W3C datetime; send e.g. 2026-03-01T00:00:00+08:00 or 2026-02-28T16:00:00Z",
            field=name,
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(UTC)


def _statuses(text: str | None) -> set[str]:
    found = {s.lower() for s in _split(text)}
    unknown = found - set(STATUSES)
    if unknown:
        raise InvalidInput(
            f"status {', '.join(sorted(unknown))!r} is not an Open311 status; use open, closed or open,closed",
            field="status",
        )
    return found


def _split(text: str | None) -> list[str]:
    """A comma-separated parameter as its non-empty parts."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]
