"""Refuse, before any route runs, text that the database cannot store: the NUL character (U+0000).

PostgreSQL text cannot hold NUL while SQLite can, so without this check the same request is stored on
one backend and fails with a 500 on the other. No message, code or search term needs one.
"""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from starlette.datastructures import UploadFile

from gongzhi.errors import InvalidInput

NUL = "\x00"
_NUL_IN_JSON = (b"\\u0000", b"\x00")  # JSON can only spell NUL as the escape (raw control bytes are invalid)


async def reject_nul(request: Request) -> None:
    """A 400 naming the first place (path, query parameter, body field) that contains a NUL character."""
    for where, text in [*_url_texts(request), *await _body_texts(request)]:
        if NUL in text:
            raise InvalidInput(f"{where} contains a NUL character (\\0); remove it", field=where)


def _url_texts(request: Request) -> Iterator[tuple[str, str]]:
    yield "path", request.url.path
    for name, value in request.query_params.multi_items():
        yield name, name + value


async def _body_texts(request: Request) -> list[tuple[str, str]]:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("application/json"):
        if not _may_hold_nul(await request.body()):
            return []  # the common case: no need to parse the body a second time
        try:
            return list(_json_texts(await request.json(), "body"))
        except ValueError:
            return []  # not JSON: FastAPI answers that one with a 400 of its own
    if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        form = await request.form()
        return [
            (name, (value.filename or "") if isinstance(value, UploadFile) else name + value)
            for name, value in form.multi_items()
        ]
    return []


def _may_hold_nul(body: bytes) -> bool:
    """Whether a JSON body can contain NUL in some string; only then is it parsed to say where."""
    return any(spelling in body for spelling in _NUL_IN_JSON)


def _json_texts(value: object, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield where, value
    elif isinstance(value, dict):
        for key, item in value.items():
            path = str(key) if where == "body" else f"{where}.{key}"
            yield path, str(key)
            yield from _json_texts(item, path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _json_texts(item, f"{where}.{index}")
