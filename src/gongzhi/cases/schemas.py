"""What a citizen may send, validated in one place for every channel (web, JSON API, Open311, e-mail)."""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationError, field_validator

from gongzhi.cases.models import CaseType
from gongzhi.errors import InvalidInput

TITLE_MAX = 200
CONTENT_MAX = 4000  # the Open311 description limit
PHONE = re.compile(r"^\+?[0-9][0-9 -]{5,19}$")


class SubmissionIn(BaseModel):
    """A new case as a citizen writes it."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    title: str = Field(min_length=1, max_length=TITLE_MAX, description="一句话概括 / one line")
    content: str = Field(min_length=1, max_length=CONTENT_MAX, description="详细描述 / the message")
    type: CaseType = Field(CaseType.HELP, description="consultation, help, complaint, report, suggestion, praise")
    category: str | None = Field(None, max_length=40, description="third-level category code, if known")
    region: str | None = Field(None, max_length=40, description="region code (street or community)")
    address: str | None = Field(None, max_length=300)
    lat: float | None = Field(None, ge=-90, le=90)
    long: float | None = Field(None, ge=-180, le=180)
    contact_name: str | None = Field(None, max_length=100)
    contact_phone: str | None = Field(None, max_length=40)
    contact_email: EmailStr | None = None
    is_public: bool = Field(False, description="may the message and its reply be published")

    @field_validator("contact_phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value and not PHONE.match(value):
            raise ValueError("contact_phone must be digits, optionally with +, spaces or dashes (6–20 characters)")
        return value or None

    @field_validator("category", "region", "address", "contact_name", mode="after")
    @classmethod
    def _empty_is_none(cls, value: str | None) -> str | None:
        return value or None


class AttachmentIn(BaseModel):
    filename: str = Field(min_length=1, max_length=200)
    content_type: str
    data: bytes


def validate_submission(raw: dict[str, object]) -> SubmissionIn:
    """Validate a submission that did not come through FastAPI (Open311 forms, e-mail, CLI, demo)."""
    try:
        return SubmissionIn.model_validate(raw)
    except ValidationError as exc:
        raise invalid_from(exc) from None


def invalid_from(exc: ValidationError) -> InvalidInput:
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or None
    return InvalidInput(f"{field}: {first['msg']}" if field else first["msg"], field=field)
