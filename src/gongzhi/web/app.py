"""The application factory: one FastAPI app over one database, settings and clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import FastAPI

from gongzhi import __version__
from gongzhi.config import Settings
from gongzhi.db import Database, utcnow
from gongzhi.web import errors


def create_app(settings: Settings, *, db: Database | None = None, clock: Callable[[], datetime] = utcnow) -> FastAPI:
    settings.require_secret()
    app = FastAPI(
        title="gongzhi 共治",
        version=__version__,
        description="Citizens' messages to government, handled in the open. JSON API v1 and Open311 GeoReport v2.",
    )
    app.state.settings = settings
    app.state.db = db or Database(settings.database_url)
    app.state.clock = clock
    errors.install(app)
    from gongzhi.web.api import routes as api_routes

    app.include_router(api_routes.router)
    return app
