"""A person's notifications: deadlines, escalations, replies."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from gongzhi.cases.models import Case, Notification
from gongzhi.web.deps import CurrentActor, DbDep

router = APIRouter(tags=["notifications"])


@router.get("/notifications", summary="My notifications, newest first")
def mine(db: DbDep, actor: CurrentActor, limit: Annotated[int, Query(ge=1, le=200)] = 50) -> list[dict[str, object]]:
    with db.reading() as session:
        rows = session.execute(
            select(Notification, Case.tracking_code)
            .outerjoin(Case, Case.id == Notification.case_id)
            .where(Notification.user_id == actor.user_id)
            .order_by(Notification.id.desc())
            .limit(limit)
        )
        return [
            {
                "kind": n.kind,
                "case": code,
                "message": n.message,
                "at": n.created_at.isoformat(),
                "read": n.read_at is not None,
            }
            for n, code in rows
        ]
