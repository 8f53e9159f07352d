"""The demo trains a category model on its seeded year; new cases are routed by it, unsure ones queued."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from gongzhi.cases.models import Case, Status
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.demo.seed import seed_demo
from gongzhi.demo.seed_directory import STAFF_PASSWORD
from gongzhi.text import registry
from gongzhi.text.models import CaseAnalysis, Purpose, TextModel
from tests.web.pages_support import csrf


def test_the_demo_routes_new_cases_with_its_trained_model(
    db: Database, settings: Settings, clock, client: TestClient, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    settings.model_dir = str(tmp_path / "models")
    registry.clear_cache()
    seed_demo(db, settings=settings, now=clock.now, cases=400, seed=7)
    with db.reading() as session:
        [model] = session.scalars(select(TextModel))
        assert model.active and model.purpose == Purpose.CATEGORY.value and "closed cases" in model.source
        rows = session.execute(select(CaseAnalysis, Case).join(Case, Case.id == CaseAnalysis.case_id)).all()
        routed = [case for analysis, case in rows if analysis.routed_by_model]
        waiting = [
            (analysis, case) for analysis, case in rows if case.status is Status.SUBMITTED and analysis.suggestions
        ]
    assert routed and all(case.department_id is not None for case in routed)
    assert waiting and all(len(analysis.suggestions) >= 2 for analysis, _ in waiting)
    token = csrf(client)
    client.post("/login", data={"csrf_token": token, "username": "dispatcher", "password": STAFF_PASSWORD})
    page = client.get("/staff/queue?tab=unclassified")
    assert page.status_code == 200 and "模型建议" in page.text and "%" in page.text
