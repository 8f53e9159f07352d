"""The application factory: one FastAPI app over one database, settings and clock."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime

from fastapi import FastAPI

from gongzhi import __version__, worker
from gongzhi.config import Settings
from gongzhi.db import Database, utcnow
from gongzhi.web import errors, open311, pages
from gongzhi.web import ledger as ledger_web
from gongzhi.web import notary as notary_web
from gongzhi.web.api import routes as api_routes


def create_app(settings: Settings, *, db: Database | None = None, clock: Callable[[], datetime] = utcnow) -> FastAPI:
    settings.require_secret()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        """In demo mode the worker runs inside the web process, so one command brings everything up."""
        if not settings.demo:
            yield
            return
        thread, stop = worker.start_in_background(app.state.db, settings)
        yield
        stop.set()
        thread.join(timeout=5)

    app = FastAPI(
        lifespan=lifespan,
        title="gongzhi 共治",
        version=__version__,
        description="Citizens' messages to government, handled in the open. JSON API v1 and Open311 GeoReport v2.",
    )
    app.state.settings = settings
    app.state.db = db or Database(settings.database_url)
    app.state.clock = clock
    errors.install(app)
    app.include_router(api_routes.router)
    app.include_router(open311.router)
    app.include_router(ledger_web.router)
    app.include_router(ledger_web.receipts_router)
    app.include_router(notary_web.router)
    pages.install(app)  # HTML pages and /static, after the API so its routes match first
    return app
