"""Hot issues of the cases of the last N days, as JSON (the formula is in ``gongzhi.analytics.hotissues``).

The stored result of the worker when there is one (``gongzhi.analytics.hotissues_store``), with its
``computed_at`` and ``source``; ``source: "pending"`` with no issues when the window is too big to compute
during a request and the worker has not stored it yet.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from gongzhi.accounts.permissions import Action, require
from gongzhi.analytics.hotissues import HeatWeights
from gongzhi.analytics.hotissues_store import hot_issues_view
from gongzhi.web.deps import CurrentActor, DbDep, NowDep, SettingsDep

router = APIRouter(tags=["analytics"])
FORMULA = (
    "heat = (w_m·ln(1+messages) + w_c·ln(1+citizens) + w_s·ln(1+supports) + w_g·growth) · 2^(−age_days / half_life); "
    "growth = max(0, ln((1+recent) / (1+earlier·R/(W−R)))), R = recent_fraction·W"
)


@router.get("/analytics/hot-issues", summary="The hottest issues (groups of similar cases) of the last N days")
def hot_issues(
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    actor: CurrentActor,
    days: Annotated[int, Query(ge=1, le=366, description="window: the last N days")] = 30,
    top: Annotated[int, Query(ge=1, le=100, description="how many issues")] = 10,
) -> dict[str, Any]:
    require(actor, Action.VIEW_ANALYTICS)
    weights = HeatWeights()
    with db.reading() as session:
        view = hot_issues_view(session, settings, days=days, top=top, now=now)
    return {
        "from": view.start.isoformat(),
        "to": view.window.now.isoformat(),
        "days": days,
        "source": view.source,
        "computed_at": view.computed_at.isoformat() if view.computed_at else None,
        "window_messages": view.messages,
        "formula": FORMULA,
        "weights": {
            "messages": weights.messages,
            "citizens": weights.citizens,
            "supports": weights.supports,
            "growth": weights.growth,
            "recent_fraction": weights.recent_fraction,
            "half_life_days": weights.half_life_days,
        },
        "issues": [issue.as_dict() for issue in view.issues],
    }
