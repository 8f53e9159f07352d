"""A route class that answers every error on an Open311 route in the specification's format.

The application's handlers (``gongzhi.web.errors``) answer ``{"error": …}`` for the JSON API.
Open311 clients expect ``[{"code": 404, "description": "…"}]`` (or ``<errors>`` in XML) with status
400, 403 or 404, so the routes of this package catch errors before those handlers see them:

    GongzhiError        domain errors: 401/403 → 403, 404 → 404, anything else → 400
    RequestValidation   a parameter FastAPI could not read → 400
    HTTPException       e.g. a malformed multipart body → its status, mapped as above

Unexpected exceptions still reach the application's handler (a logged 500).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException

from gongzhi.errors import GongzhiError
from gongzhi.web.errors import describe_validation
from gongzhi.web.open311 import render


class Open311Route(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def answer_in_open311_format(request: Request) -> Response:
            try:
                return await handler(request)
            except GongzhiError as exc:
                return _error(request, exc.status_code, exc.message)
            except RequestValidationError as exc:
                _, details = describe_validation(exc)
                return _error(request, 400, "; ".join(f"{d['field']}: {d['message']}" for d in details))
            except HTTPException as exc:
                if exc.status_code >= 500:
                    raise
                return _error(request, exc.status_code, exc.detail if isinstance(exc.detail, str) else "bad request")

        return answer_in_open311_format


def open311_status(status_code: int) -> int:
    """The specification answers errors with 400, 403 or 404 only."""
    if status_code in (401, 403):
        return 403
    return 404 if status_code == 404 else 400


def _error(request: Request, status_code: int, description: str) -> Response:
    fmt = render.format_of_path(request.url.path)
    return render.errors(fmt, open311_status(status_code), description or "bad request")
