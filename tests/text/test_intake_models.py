"""Intake with active models: confident → routed by the rules; unsure → the dispatcher's queue with three
suggestions; type predicted when the citizen gave none; sentiment kept; never a failed submission."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from gongzhi.cases import intake, workflow
from gongzhi.cases.classify import suggest_categories
from gongzhi.cases.models import Case, CaseEvent, CaseType, Channel, Status
from gongzhi.cases.schemas import validate_submission
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.directory.lookup import category_by_code, department_by_code
from gongzhi.text import registry
from gongzhi.text.data import closed_case_examples
from gongzhi.text.models import CaseAnalysis, Purpose
from tests.factories import World
from tests.text.conftest import TRAINED_AT
from tests.text.model_support import install
from tests.web.pages_support import login

WATER_MESSAGE = {"title": "自来水发黄有异味", "content": "家里自来水发黄，水质很差，不敢喝，请水务部门检测。"}
STALL_MESSAGE = {"title": "门口有人摆摊", "content": "小区门口人行道上小贩摆摊卖菜，占道经营，行人过不去。"}


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    registry.clear_cache()


def _submit(db: Database, settings: Settings, world: World, clock, **fields: object) -> Case:  # type: ignore[no-untyped-def]
    raw = {"region": "cn-hp-1", **fields}
    with db.transaction() as session:
        receipt = intake.submit(
            session, data=validate_submission(raw), channel=Channel.API, now=clock.now, settings=settings
        )
        case_id = receipt.case.id
    with db.reading() as session:
        case = session.get(Case, case_id)
        session.expunge(case)
        return case


def _analysis(db: Database, case: Case) -> CaseAnalysis | None:
    with db.reading() as session:
        return session.scalar(select(CaseAnalysis).where(CaseAnalysis.case_id == case.id))


def _submit_event(db: Database, case: Case) -> CaseEvent:
    with db.reading() as session:
        return session.scalar(select(CaseEvent).where(CaseEvent.case_id == case.id, CaseEvent.kind == "submit"))


def test_a_confident_suggestion_is_routed_by_the_rules_and_recorded(
    db: Database, settings: Settings, world: World, clock, category_model_dir: Path
) -> None:
    version = install(db, category_model_dir, purpose=Purpose.CATEGORY, now=TRAINED_AT)
    settings.route_confidence = 0.5
    case = _submit(db, settings, world, clock, **WATER_MESSAGE)
    assert case.status is Status.DISPATCHED
    assert case.category.code == "A01" and case.department.code == "water"
    machine = _submit_event(db, case).data["machine"]
    assert machine["category_model"] == version and machine["routed_by_model"] is True
    assert machine["suggestions"][0]["code"] == "A01" and machine["suggestions"][0]["confidence"] >= 0.5

    stall = _submit(db, settings, world, clock, **STALL_MESSAGE)  # A0201 is routed "by street"
    assert stall.category.code == "A0201" and stall.department.code == "st-hp"


def test_an_unsure_model_leaves_the_case_to_the_dispatcher_with_three_suggestions(
    db: Database, settings: Settings, world: World, clock, category_model_dir: Path
) -> None:
    install(db, category_model_dir, purpose=Purpose.CATEGORY, now=TRAINED_AT)
    settings.route_confidence = 1.0  # nothing is that sure
    case = _submit(db, settings, world, clock, **WATER_MESSAGE)
    assert case.status is Status.SUBMITTED and case.category is None and case.department is None
    analysis = _analysis(db, case)
    assert [s["code"] for s in analysis.suggestions][0] == "A01"
    assert len(analysis.suggestions) == 3 and not analysis.routed_by_model
    confidences = [s["confidence"] for s in analysis.suggestions]
    assert confidences == sorted(confidences, reverse=True) and sum(confidences) <= 1.0001


def test_a_category_chosen_by_the_citizen_is_kept(
    db: Database, settings: Settings, world: World, clock, category_model_dir: Path
) -> None:
    install(db, category_model_dir, purpose=Purpose.CATEGORY, now=TRAINED_AT)
    settings.route_confidence = 0.5
    case = _submit(db, settings, world, clock, category="A0202", **STALL_MESSAGE)
    assert case.category.code == "A0202"
    analysis = _analysis(db, case)
    assert analysis is None or analysis.suggestions == []


def test_without_a_model_or_with_foreign_text_intake_still_works(
    db: Database, settings: Settings, world: World, clock, category_model_dir: Path
) -> None:
    plain = _submit(db, settings, world, clock, title="路灯不亮", content="小区里的路灯坏了一个月了。")
    assert plain.status is Status.SUBMITTED and _analysis(db, plain) is None
    install(db, category_model_dir, purpose=Purpose.CATEGORY, now=TRAINED_AT)
    english = _submit(db, settings, world, clock, title="Broken street light", content="It has been dark for weeks.")
    assert english.status is Status.SUBMITTED and english.category is None
    assert _analysis(db, english).suggestions == []


def test_the_type_is_predicted_only_when_the_citizen_gave_none(
    db: Database, settings: Settings, world: World, clock, type_model_dir: Path
) -> None:
    install(db, type_model_dir, purpose=Purpose.TYPE, now=TRAINED_AT)
    question = {"title": "咨询拆迁规划", "content": "您好，我想问下我们村近几年有什么拆迁规划吗？请问什么时候公布？"}
    predicted = _submit(db, settings, world, clock, **question)
    assert predicted.type is CaseType.CONSULTATION
    analysis = _analysis(db, predicted)
    assert analysis.predicted_type == "consultation" and 0 < analysis.type_confidence <= 1
    chosen = _submit(db, settings, world, clock, type="complaint", **question)
    assert chosen.type is CaseType.COMPLAINT
    assert _analysis(db, chosen) is None  # nothing predicted, nothing recorded


def test_the_worker_labels_sentiment_in_batches_for_analytics(
    db: Database, settings: Settings, world: World, clock, tmp_path: Path
) -> None:
    from gongzhi.text.sentiment import fill_sentiment
    from gongzhi.text.types import load_sentiments
    from gongzhi.worker import run_once
    from tests.text.conftest import FIXTURES
    from tests.text.model_support import train_dir

    angry = _submit(db, settings, world, clock, category="A0201", **STALL_MESSAGE)  # before any model
    english = _submit(db, settings, world, clock, title="Noise", content="Loud music every night.")
    with db.transaction() as session:
        assert fill_sentiment(session, now=clock.now) == 0  # no sentiment model: nothing to do
    path = train_dir(load_sentiments(FIXTURES / "msgabench_sample.csv"), tmp_path / "sentiment", TRAINED_AT)
    install(db, path, purpose=Purpose.SENTIMENT, now=TRAINED_AT)
    assert _analysis(db, angry) is None  # intake never waits for the sentiment model
    assert run_once(db, settings, now=clock.now).sentiments == 2
    analysis = _analysis(db, angry)
    assert analysis.sentiment in {"angry", "neutral"} and 0.5 <= analysis.sentiment_confidence <= 1
    assert _analysis(db, english).sentiment == "unknown"
    with db.transaction() as session:
        assert fill_sentiment(session, now=clock.now) == 0  # each case is labelled once


def test_training_from_the_database_learns_the_dispatchers_final_category(
    db: Database, settings: Settings, world: World, clock, category_model_dir: Path
) -> None:
    install(db, category_model_dir, purpose=Purpose.CATEGORY, now=TRAINED_AT)
    settings.route_confidence = 1.0
    cases = [_submit(db, settings, world, clock, **WATER_MESSAGE) for _ in range(3)]
    cases += [_submit(db, settings, world, clock, category="A0201", **STALL_MESSAGE) for _ in range(3)]
    with db.transaction() as session:
        first = session.get(Case, cases[0].id)
        # The dispatcher disagrees with the model (A01) and files it under 其他市容 (A0202)
        workflow.dispatch(
            session,
            first,
            department=department_by_code(session, "urban"),
            actor=world.actors["dispatcher"],
            now=clock.now,
            settings=settings,
            category=category_by_code(session, "A0202"),
        )
        for case in cases[1:3]:
            workflow.dispatch(
                session,
                session.get(Case, case.id),
                department=department_by_code(session, "water"),
                actor=world.actors["dispatcher"],
                now=clock.now,
                settings=settings,
                category=category_by_code(session, "A0102"),  # 水质, routed by its parent A01
            )
        for case in cases:
            session.get(Case, case.id).status = Status.CLOSED  # their handling is not what this test is about
    with db.reading() as session:
        examples = closed_case_examples(session, minimum=1)
    labels = examples.messages.labels
    assert sorted(labels) == ["A01", "A01", "A0201", "A0201", "A0201", "A0202"]  # 水质 → A01, the routed level
    assert examples.corrections == 1
    with db.reading() as session:
        assert closed_case_examples(session, minimum=2).dropped == {"A0202": 1}


def test_the_dispatcher_sees_three_suggestions_with_confidence(
    client: TestClient, db: Database, settings: Settings, world: World, clock, category_model_dir: Path
) -> None:
    install(db, category_model_dir, purpose=Purpose.CATEGORY, now=TRAINED_AT)
    settings.route_confidence = 1.0
    case = _submit(db, settings, world, clock, **WATER_MESSAGE)
    login(client, "dispatcher")
    page = client.get("/staff/queue?tab=unclassified")
    assert page.status_code == 200
    assert "模型建议" in page.text or "Model suggests" in page.text
    for name in ("供水", "占道经营", "其他市容"):
        assert name in page.text
    assert f'id="cat-{case.id}"' in page.text and '<option value="A01" selected>' in page.text
    workspace = client.get(f"/staff/cases/{case.tracking_code}")
    assert "供水" in workspace.text and "%" in workspace.text


def test_type_and_sentiment_models_train_from_msgabench_columns(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from gongzhi.text.cli import app
    from gongzhi.text.store import load_model
    from tests.text.conftest import FIXTURES

    for purpose, labels in (
        ("type", {"consultation", "suggestion", "complaint_or_help"}),
        ("sentiment", {"angry", "neutral"}),
    ):
        out = tmp_path / purpose
        args = ["train", "--purpose", purpose, "--data", str(FIXTURES / "msgabench_sample.csv"), "--out", str(out)]
        result = CliRunner().invoke(app, [*args, "--folds", "3"])
        assert result.exit_code == 0, result.output
        assert set(load_model(out).labels) == labels
        assert 0 <= json.loads(result.stdout.strip().splitlines()[-1])["macro_f1"] <= 1
        sample = str(FIXTURES / "msgabench_sample.csv")
        evaluated = CliRunner().invoke(app, ["evaluate", "--model", str(out), "--data", sample, "--no-png"])
        assert evaluated.exit_code == 0, evaluated.output
        assert json.loads(evaluated.stdout.strip().splitlines()[-1])["accuracy"] > 0.5  # its own training rows
    from_db = CliRunner().invoke(app, ["train", "--purpose", "type", "--from-db", "--out", str(tmp_path / "x")])
    assert from_db.exit_code == 2 and "train type with --data FILE" in from_db.output


def test_model_train_from_db_registers_and_activates(
    db: Database, settings: Settings, world: World, clock, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from gongzhi.text.cli import app

    few = CliRunner().invoke(app, ["train", "--from-db", "--db", settings.database_url, "--folds", "0"])
    assert few.exit_code == 2 and "at least 2 categories with 5 closed cases" in few.output
    ids = [_submit(db, settings, world, clock, category="A0102", **WATER_MESSAGE).id for _ in range(5)]
    ids += [_submit(db, settings, world, clock, category="A0201", **STALL_MESSAGE).id for _ in range(5)]
    with db.transaction() as session:
        for case_id in ids:
            session.get(Case, case_id).status = Status.CLOSED
    args = ["train", "--from-db", "--activate", "--db", settings.database_url, "--folds", "0"]
    result = CliRunner().invoke(app, args, env={"GONGZHI_MODEL_DIR": str(tmp_path / "models")})
    assert result.exit_code == 0, result.output
    trained = json.loads(result.stdout.strip().splitlines()[-1])
    assert trained["closed_cases"] == 10 and trained["active"] is True and "user_words" not in trained
    with db.reading() as session:
        assert suggest_categories(session, **WATER_MESSAGE)[0].category_code == "A01"
