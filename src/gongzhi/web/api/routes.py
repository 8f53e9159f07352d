"""The JSON API v1, assembled."""

from fastapi import APIRouter, Depends

from gongzhi.web.api import admin, auth, cases, directory, kpi, notifications, public
from gongzhi.web.api.guards import reject_nul

router = APIRouter(prefix="/api/v1", dependencies=[Depends(reject_nul)])
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
