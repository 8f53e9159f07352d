"""The model registry: versions, one active per purpose, cached loading, and broken directories."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from gongzhi.cases.classify import suggest_categories
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.errors import InvalidInput, NotFound
from gongzhi.text import registry
from gongzhi.text.cli import app
from gongzhi.text.data import LabelledMessages
from gongzhi.text.models import Purpose, TextModel
from tests.text.conftest import TRAINED_AT
from tests.text.model_support import install, train_dir

runner = CliRunner()


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    registry.clear_cache()


def test_activating_a_version_deactivates_the_other_of_its_purpose(db: Database, category_model_dir: Path) -> None:
    first = install(db, category_model_dir, purpose=Purpose.CATEGORY, now=TRAINED_AT)
    second = install(db, category_model_dir, purpose=Purpose.CATEGORY, now=TRAINED_AT, activate=False)
    other = install(db, category_model_dir, purpose=Purpose.SENTIMENT, now=TRAINED_AT)
    with db.transaction() as session:
        registry.activate(session, second)
    with db.reading() as session:
        active = {row.id for row in session.scalars(select(TextModel).where(TextModel.active))}
        assert active == {second, other}
        assert registry.active_model(session, Purpose.CATEGORY).version == second
        assert [s.row.id for s in registry.list_models(session)] == [other, second, first]
        assert all(s.problem is None for s in registry.list_models(session))
    with db.transaction() as session, pytest.raises(NotFound, match="no model version 99"):
        registry.activate(session, 99)


def test_the_next_case_uses_a_newly_activated_version(db: Database, category_model_dir: Path, tmp_path: Path) -> None:
    install(db, category_model_dir, purpose=Purpose.CATEGORY, now=TRAINED_AT)
    message = {"title": "自来水发黄", "content": "家里自来水发黄，水质很差，请检测。"}
    with db.reading() as session:
        assert suggest_categories(session, **message)[0].category_code == "A01"
    # A second version that knows other labels: the same message now gets those.
    relabelled = LabelledMessages(
        ["供水问题", "水质问题", "自来水", "摆摊", "占道", "小贩"],
        ["自来水发黄水质差", "自来水有异味", "水压低没有水", "路边摆摊占道", "占道经营", "小贩占道摆卖"],
        ["W", "W", "W", "S", "S", "S"],
    )
    newer = install(db, train_dir(relabelled, tmp_path / "v2", TRAINED_AT), purpose=Purpose.CATEGORY, now=TRAINED_AT)
    with db.reading() as session:
        assert registry.active_model(session, Purpose.CATEGORY).version == newer
        assert suggest_categories(session, **message)[0].category_code == "W"


def test_a_corrupt_model_directory_means_no_suggestion_and_a_clear_message(
    db: Database, settings: Settings, category_model_dir: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(category_model_dir, broken)
    version = install(db, broken, purpose=Purpose.CATEGORY, now=TRAINED_AT)
    artefact = broken / "model.joblib"
    artefact.write_bytes(artefact.read_bytes()[:100])  # a truncated copy
    with db.reading() as session:
        assert registry.active_models(session) == {}
        assert suggest_categories(session, title="自来水发黄", content="水质很差") == []
        [status] = registry.list_models(session)
        assert "checksum mismatch" in status.problem
    with db.transaction() as session, pytest.raises(InvalidInput, match="corrupt"):
        registry.activate(session, version)

    listed = runner.invoke(app, ["list", "--db", settings.database_url])
    assert listed.exit_code == 0, listed.output
    assert "checksum" in listed.output
    refused = runner.invoke(app, ["activate", str(version), "--db", settings.database_url])
    assert refused.exit_code == 2
    assert "corrupt" in refused.output and "Traceback" not in refused.output


def test_a_missing_or_garbled_model_json_is_reported(db: Database, category_model_dir: Path, tmp_path: Path) -> None:
    garbled = tmp_path / "garbled"
    shutil.copytree(category_model_dir, garbled)
    install(db, garbled, purpose=Purpose.CATEGORY, now=TRAINED_AT)
    (garbled / "model.json").write_text("{not json", encoding="utf-8")
    gone = install(db, tmp_path / "nowhere", purpose=Purpose.TYPE, now=TRAINED_AT, activate=False)
    with db.reading() as session:
        assert registry.active_models(session) == {}
        problems = {s.row.id: s.problem for s in registry.list_models(session)}
    assert "does not exist" in problems[gone]
    assert any("corrupt" in (p or "") for p in problems.values())


def test_cli_trains_registers_activates_and_lists(settings: Settings, db: Database, tmp_path: Path) -> None:
    data = tmp_path / "labelled.csv"
    rows = ["留言主题,留言详情,一级标签"] + [
        f"{t},{d},{label}"
        for t, d, label in [
            ("公交车站太远", "小区附近没有公交车站，请增设", "交通运输"),
            ("红绿灯太短", "路口红绿灯时间太短，行人危险", "交通运输"),
            ("出租车拒载", "火车站出租车拒载乱收费", "交通运输"),
            ("学校乱收费", "学校要求交补课费，乱收费", "教育文体"),
            ("小学入学", "户口在本区却不能入学", "教育文体"),
            ("老师体罚", "老师体罚学生，孩子不敢上学", "教育文体"),
        ]
    ]
    data.write_text("\n".join(rows), encoding="utf-8")
    env = {"GONGZHI_MODEL_DIR": str(tmp_path / "models")}
    trained = runner.invoke(
        app, ["train", "--data", str(data), "--folds", "0", "--activate", "--db", settings.database_url], env=env
    )
    assert trained.exit_code == 0, trained.output
    result = json.loads(trained.stdout.strip().splitlines()[-1])
    assert result["active"] is True and result["purpose"] == "category"
    assert Path(result["model"]).parent == (tmp_path / "models").resolve()
    listed = runner.invoke(app, ["list", "--db", settings.database_url])
    assert str(result["version"]) in listed.output and "yes" in listed.output
    no_source = runner.invoke(app, ["train", "--folds", "0", "--db", settings.database_url], env=env)
    assert no_source.exit_code == 2 and "--data FILE or --from-db" in no_source.output
    wrong = runner.invoke(app, ["train", "--data", str(data), "--purpose", "mood", "--db", settings.database_url])
    assert wrong.exit_code == 2 and "unknown purpose 'mood'" in wrong.output
