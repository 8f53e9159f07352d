"""The JSON API v1, assembled."""

from fastapi import APIRouter, Depends

from gongzhi.web.api import (
    admin,
    analytics,
    auth,
    cases,
    directory,
    duplicates,
    hotissues,
    kpi,
    notifications,
    public,
    surge,
)
from gongzhi.web.api.guards import reject_nul

router = APIRouter(prefix="/api/v1", dependencies=[Depends(reject_nul)])
for part in (
    auth.router,
    directory.router,
    duplicates.router,  # before cases.router: its /cases/{code}/… paths are more specific
    cases.router,
    cases.extensions_router,
    kpi.router,
    hotissues.router,  # before analytics.router, whose /analytics prefix it shares
    analytics.router,
    surge.router,
    notifications.router,
    public.router,
    admin.router,
):
    router.include_router(part)
