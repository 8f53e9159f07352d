"""The JSON API v1, assembled."""

from fastapi import APIRouter

from gongzhi.web.api import admin, auth, cases, directory, kpi, notifications, public

router = APIRouter(prefix="/api/v1")
for part in (
    auth.router,
    directory.router,
    cases.router,
    cases.extensions_router,
    kpi.router,
    notifications.router,
    public.router,
    admin.router,
):
    router.include_router(part)
