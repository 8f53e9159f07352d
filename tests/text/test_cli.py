from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from gongzhi.text.cli import app
from tests.text.fixtures import MESSAGES

runner = CliRunner()


def _write_csv(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["留言主题", "留言详情", "一级标签"])
        writer.writerows(MESSAGES)
    return path


def test_train_then_evaluate(tmp_path: Path) -> None:
    data = _write_csv(tmp_path / "messages.csv")
    trained = runner.invoke(app, ["train", "--data", str(data), "--out", str(tmp_path / "m"), "--folds", "3"])
    assert trained.exit_code == 0, trained.output
    assert "macro_f1" in json.loads(trained.stdout.strip().splitlines()[-1])
    evaluated = runner.invoke(app, ["evaluate", "--model", str(tmp_path / "m"), "--data", str(data)])
    assert evaluated.exit_code == 0, evaluated.output
    assert json.loads(evaluated.stdout.strip().splitlines()[-1])["accuracy"] == 1.0


def test_missing_columns_are_named(tmp_path: Path) -> None:
    data = _write_csv(tmp_path / "messages.csv")
    result = runner.invoke(app, ["train", "--data", str(data), "--out", str(tmp_path / "m"), "--label-col", "类别"])
    assert result.exit_code == 2
    assert "no column 类别" in result.output
