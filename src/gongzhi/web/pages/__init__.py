"""The HTML pages: citizens, the public message board, staff desks and administration.

Routes are thin: parse the form, call one domain function inside one transaction, render a template.
``install`` adds them to the app with the static files and HTML answers for unknown addresses.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from gongzhi.web.i18n import N_
from gongzhi.web.pages import (
    account,
    admin,
    analytics,
    board,
    citizen,
    duplicates,
    hotissues,
    ledger_pages,
    opendata,
    staff,
    supervisor,
    surge,
    tracking,
    workspace,
)
from gongzhi.web.pages.render import error_page, gettext
from gongzhi.web.pages.route import page_router
from gongzhi.web.pages.security import LoginThrottle, csrf_guard, page_actor

STATIC = Path(__file__).parent.parent / "static"
NOT_PAGES = ("/api/", "/open311/", "/ledger/", "/docs", "/redoc", "/openapi.json", "/static/")

router = page_router(dependencies=[Depends(csrf_guard), Depends(page_actor)])
PARTS = (citizen, duplicates, tracking, ledger_pages, board, account, staff, workspace, supervisor, admin, analytics)
for part in (*PARTS, hotissues, opendata, surge):
    router.include_router(part.router)


def install(app: FastAPI) -> None:
    app.state.login_throttle = LoginThrottle()
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.include_router(router)
    json_answer = app.exception_handlers[StarletteHTTPException]

    async def http_error(request: Request, exc: Exception) -> Response:
        """Browsers asking for a page get a page; API clients keep the JSON answer."""
        wants_html = "text/html" in request.headers.get("accept", "")
        if not wants_html or request.url.path.startswith(NOT_PAGES) or not isinstance(exc, StarletteHTTPException):
            return await json_answer(request, exc)
        request.state.actor = None
        message = gettext(request, N_("There is no page at this address."))
        return error_page(request, exc.status_code, message if exc.status_code == 404 else str(exc.detail))

    app.add_exception_handler(StarletteHTTPException, http_error)
