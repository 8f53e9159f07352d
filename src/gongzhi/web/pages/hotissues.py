"""The hot-issues page (staff): the hottest problems of the last N days, each with its messages.

It reads what the worker stored (``gongzhi.analytics.hotissues_store``) and says when that was computed;
it never clusters a big window while someone waits.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request
from fastapi.responses import Response

from gongzhi.accounts.permissions import Action, require
from gongzhi.analytics.hotissues import HeatWeights
from gongzhi.analytics.hotissues_store import hot_issues_view
from gongzhi.web.deps import DbDep, NowDep, SettingsDep
from gongzhi.web.pages.render import render
from gongzhi.web.pages.route import page_router
from gongzhi.web.pages.security import StaffActor

router = page_router(prefix="/staff")
WINDOWS = (7, 14, 30, 90)
Days = Annotated[int, Query(ge=1, le=366, description="window: the last N days")]
Top = Annotated[int, Query(ge=1, le=50, description="how many issues")]


@router.get("/hot-issues")
def hot_issues(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    actor: StaffActor,
    days: Days = 30,
    top: Top = 10,
) -> Response:
    require(actor, Action.VIEW_ANALYTICS)
    with db.reading() as session:
        view = hot_issues_view(session, settings, days=days, top=top, now=now)
    values = {
        "view": view,
        "issues": view.issues,
        "days": days,
        "top": top,
        "windows": sorted({*WINDOWS, *settings.hot_issue_days, days}),
        "precomputed": settings.hot_issue_days,
        "interval_minutes": max(1, round(settings.hot_issue_interval_seconds / 60)),
        "start": view.start,
        "end": view.window.now,
        "weights": HeatWeights(),
    }
    return render(request, "staff/hot_issues.html", values)
