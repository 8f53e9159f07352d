"""The route class of every HTML page: errors become pages in the user's language, never JSON or a traceback.

The JSON API and Open311 keep their own error formats: this class only wraps routes of ``pages``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.routing import APIRoute
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from starlette.exceptions import HTTPException

from gongzhi.errors import GongzhiError
from gongzhi.web.errors import describe_validation
from gongzhi.web.i18n import N_
from gongzhi.web.pages.render import error_page, gettext, redirect
from gongzhi.web.pages.security import LoginRequired, PageError, finish

log = logging.getLogger(__name__)
Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class PageRoute(APIRoute):
    def get_route_handler(self) -> Handler:
        inner = super().get_route_handler()

        async def handler(request: Request) -> Response:
            try:
                response = await inner(request)
            except Exception as exc:  # every failure of a page is answered by a page
                response = answer_error(request, exc)
            return finish(request, response)

        return handler


def answer_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, LoginRequired):
        return redirect(request, "/login?next=" + quote(request.url.path + _query(request), safe="/"))
    if isinstance(exc, PageError):
        return error_page(request, exc.status_code, gettext(request, exc.message, **exc.values))
    if isinstance(exc, GongzhiError):
        return error_page(request, exc.status_code, exc.message)
    if isinstance(exc, RequestValidationError):
        _, details = describe_validation(exc)
        return error_page(request, 400, "; ".join(f"{d['field']}: {d['message']}" for d in details))
    if isinstance(exc, StaleDataError):
        return error_page(request, 409, gettext(request, N_("Someone changed this case at the same time. Reload it.")))
    if isinstance(exc, IntegrityError | DataError):
        log.warning("database refused a page request on %s: %s", request.url.path, exc)
        return error_page(request, 409, gettext(request, N_("This conflicts with existing data.")))
    if isinstance(exc, HTTPException):
        return error_page(request, exc.status_code, str(exc.detail))
    log.exception("unexpected error on %s %s", request.method, request.url.path)
    return error_page(request, 500, gettext(request, N_("An internal error occurred; it has been logged.")))


def _query(request: Request) -> str:
    return "?" + request.url.query if request.url.query else ""


def page_router(**kwargs: Any) -> APIRouter:
    return APIRouter(route_class=PageRoute, include_in_schema=False, **kwargs)
