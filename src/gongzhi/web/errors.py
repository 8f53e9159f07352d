"""One place that turns errors into HTTP answers: a domain error keeps its message, nothing leaks a traceback."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException as StarletteHTTPException

from gongzhi.errors import GongzhiError

log = logging.getLogger(__name__)


def error_body(message: str, field: str | None = None, details: list[dict[str, str]] | None = None) -> dict:
    body: dict = {"error": message}
    if field:
        body["field"] = field
    if details:
        body["details"] = details
    return body


def install(app: FastAPI) -> None:
    app.add_exception_handler(GongzhiError, _domain)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(StaleDataError, _stale)
    app.add_exception_handler(IntegrityError, _integrity)
    app.add_exception_handler(DataError, _data)
    app.add_exception_handler(StarletteHTTPException, _http)
    app.add_exception_handler(Exception, _unexpected)


async def _domain(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, GongzhiError)
    return JSONResponse(error_body(exc.message, exc.field), status_code=exc.status_code)


def describe_validation(exc: RequestValidationError) -> tuple[int, list[dict[str, str]]]:
    """Readable field errors; malformed JSON is a 400, well-formed but wrong values a 422."""
    details = []
    status = 422
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "form")]
        if err.get("type") == "json_invalid":
            status = 400
            details.append({"field": "body", "message": f"the body is not valid JSON: {err.get('msg')}"})
            continue
        field = ".".join(loc) or "body"
        details.append({"field": field, "message": _friendly(err)})
    return status, details


def _friendly(err: dict) -> str:
    msg = str(err.get("msg", "invalid value"))
    if err.get("type") == "missing":
        return "this field is required"
    if err.get("type") == "extra_forbidden":
        return "unknown field; remove it (see /docs for the accepted fields)"
    return msg


async def _validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    status, details = describe_validation(exc)
    first = details[0] if details else {"field": "body", "message": "invalid request"}
    return JSONResponse(
        error_body(f"{first['field']}: {first['message']}", first["field"], details), status_code=status
    )


async def _stale(request: Request, exc: Exception) -> JSONResponse:
    return JSONResponse(
        error_body("the case was changed by someone else at the same time; reload it and try again"),
        status_code=409,
    )


async def _integrity(request: Request, exc: Exception) -> JSONResponse:
    log.warning("integrity error on %s: %s", request.url.path, exc)
    return JSONResponse(error_body("this conflicts with existing data (a duplicate code or name?)"), status_code=409)


async def _data(request: Request, exc: Exception) -> JSONResponse:
    """The database refused a value (a NUL character, a number out of range): the request's fault, not ours."""
    log.warning("data error on %s: %s", request.url.path, exc)
    return JSONResponse(
        error_body("a value in the request cannot be stored (invalid characters or out of range)"), status_code=400
    )


async def _http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else "request failed"
    if exc.status_code == 404 and message == "Not Found":
        message = f"no such address: {request.url.path}; see /docs for the API"
    if exc.status_code == 405:
        message = f"{request.method} is not allowed on {request.url.path}; see /docs"
    return JSONResponse(error_body(message), status_code=exc.status_code, headers=getattr(exc, "headers", None))


async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return JSONResponse(error_body("internal error; it has been logged — please try again later"), status_code=500)
