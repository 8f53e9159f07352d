"""Attachment checks: how many, how big, and whether the bytes are what their type claims."""

from __future__ import annotations

import hashlib
from datetime import datetime

from gongzhi.cases.models import Attachment, Case
from gongzhi.cases.schemas import AttachmentIn
from gongzhi.config import Settings
from gongzhi.errors import InvalidInput, PayloadTooLarge

_MAGIC: dict[str, tuple[bytes, ...]] = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/pdf": (b"%PDF-",),
}


def check_attachments(files: list[AttachmentIn], settings: Settings) -> None:
    if len(files) > settings.attachment_max_count:
        raise InvalidInput(
            f"at most {settings.attachment_max_count} attachments per case; you sent {len(files)}",
            field="attachments",
        )
    for file in files:
        _check_one(file, settings)


def _check_one(file: AttachmentIn, settings: Settings) -> None:
    allowed = settings.allowed_attachment_types
    if file.content_type not in allowed:
        raise InvalidInput(
            f"{file.filename}: files of type {file.content_type} are not accepted; "
            f"send one of {', '.join(sorted(allowed))}",
            field="attachments",
        )
    if len(file.data) > settings.attachment_max_bytes:
        raise PayloadTooLarge(
            f"{file.filename} is larger than {_readable(settings.attachment_max_bytes)}; send a smaller file",
            field="attachments",
        )
    if not file.data:
        raise InvalidInput(f"{file.filename} is empty", field="attachments")
    if not _looks_like(file.content_type, file.data):
        raise InvalidInput(f"{file.filename} is not really {file.content_type}", field="attachments")


def _readable(size: int) -> str:
    """1536 → "1.5 KB", 10485760 → "10 MB": a limit as a person would write it."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size} bytes"


def _looks_like(content_type: str, data: bytes) -> bool:
    if content_type in _MAGIC:
        return data.startswith(_MAGIC[content_type])
    if content_type == "image/webp":
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    if content_type == "text/plain":
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return False
        return True
    return True


def attach(case: Case, files: list[AttachmentIn], now: datetime) -> list[Attachment]:
    return [
        Attachment(
            case=case,
            filename=file.filename,
            content_type=file.content_type,
            size=len(file.data),
            sha256=hashlib.sha256(file.data).hexdigest(),
            data=file.data,
            uploaded_at=now,
        )
        for file in files
    ]
