"""The supervisor's desk: overdue and warned cases, extension requests, returns to arbitrate, 督办 orders."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from gongzhi.accounts.permissions import Action, require
from gongzhi.cases.worklists import overdue_cases, pending_extensions, supervision_orders, to_arbitrate, warned_cases
from gongzhi.directory import listing
from gongzhi.web.deps import DbDep, NowDep
from gongzhi.web.pages.render import render
from gongzhi.web.pages.route import page_router
from gongzhi.web.pages.security import StaffActor

router = page_router(prefix="/staff")


@router.get("/supervisor")
def desk(request: Request, db: DbDep, now: NowDep, actor: StaffActor) -> Response:
    require(actor, Action.SUPERVISE)
    with db.reading() as session:
        values = {
            "overdue": overdue_cases(session, now=now),
            "warned": warned_cases(session, now=now),
            "extensions": pending_extensions(session),
            "arbitrate": to_arbitrate(session),
            "orders": supervision_orders(session),
            "departments": listing.departments(session),
        }
        return render(request, "staff/supervisor.html", values)
