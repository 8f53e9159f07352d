"""The command line on a real database: schema, accounts, catalogue import, export, worker, errors."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from typer.testing import CliRunner

from gongzhi.cases.intake import submit
from gongzhi.cases.models import Channel
from gongzhi.cases.schemas import validate_submission
from gongzhi.cli import app
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.directory.models import Category
from tests.factories import build_world, submission

runner = CliRunner()


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    result = runner.invoke(app, ["db", "upgrade", "--db", url])
    assert result.exit_code == 0, result.output
    return url


def _catalogue_csv(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["一级分类", "二级分类", "三级分类"])
        writer.writerows(rows)
    return path


ROWS = [
    ("城乡建设", "物业管理", "物业服务"),
    ("城乡建设", "物业管理", "维修基金"),
    ("环境保护", "噪音污染", "施工噪音"),
]


def _categories(url: str) -> dict[str, tuple[str, int, str | None]]:
    db = Database(url)
    with db.reading() as session:
        rows = list(session.scalars(select(Category)))
        by_id = {c.id: c.code for c in rows}
        out = {c.code: (c.name, c.level, by_id.get(c.parent_id)) for c in rows}
    db.dispose()
    return out


def test_catalogue_import_csv_is_idempotent_and_keeps_codes(url: str, tmp_path: Path) -> None:
    first = runner.invoke(app, ["catalogue", "import", str(_catalogue_csv(tmp_path / "c.csv", ROWS)), "--db", url])
    assert first.exit_code == 0, first.output
    assert "3 rows: 7 categories created, 2 already known" in first.output
    before = _categories(url)
    assert before["C01"] == ("城乡建设", 1, None)
    assert before["C0101"] == ("物业管理", 2, "C01")
    assert before["C010102"] == ("维修基金", 3, "C0101")
    assert before["C020101"] == ("施工噪音", 3, "C0201")

    more = [*ROWS, ("环境保护", "噪音污染", "社会生活噪音")]
    again = runner.invoke(app, ["catalogue", "import", str(_catalogue_csv(tmp_path / "d.csv", more)), "--db", url])
    assert again.exit_code == 0, again.output
    after = _categories(url)
    assert {k: v for k, v in after.items() if k in before} == before
    assert after["C020102"] == ("社会生活噪音", 3, "C0201")


def test_catalogue_import_xlsx(url: str, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["一级分类", "二级分类", "三级分类"])
    for row in ROWS:
        sheet.append(list(row))
    path = tmp_path / "c.xlsx"
    book.save(path)
    result = runner.invoke(app, ["catalogue", "import", str(path), "--db", url])
    assert result.exit_code == 0, result.output
    assert len(_categories(url)) == 7


def test_catalogue_import_refuses_missing_columns_with_a_message(url: str, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("类别,名称\nA,B\n", encoding="utf-8")
    result = runner.invoke(app, ["catalogue", "import", str(path), "--db", url])
    assert result.exit_code == 2
    assert "no column 一级分类" in result.output
    assert "Traceback" not in result.output


def test_catalogue_import_refuses_a_file_that_is_not_a_workbook(url: str, tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_bytes(b"not a zip")
    result = runner.invoke(app, ["catalogue", "import", str(path), "--db", url])
    assert result.exit_code == 2
    assert "not a readable xlsx" in result.output


def test_user_add_and_duplicate(url: str) -> None:
    ok = runner.invoke(
        app, ["user", "add", "lijing", "--role", "dispatcher", "--password", "long-enough-1", "--db", url]
    )
    assert ok.exit_code == 0, ok.output
    again = runner.invoke(
        app, ["user", "add", "lijing", "--role", "dispatcher", "--password", "long-enough-1", "--db", url]
    )
    assert again.exit_code == 2
    assert "taken" in again.output
    handler = runner.invoke(
        app,
        ["user", "add", "h1", "--role", "handler", "--department", "nope", "--password", "long-enough-1", "--db", url],
    )
    assert handler.exit_code == 2
    assert "department 'nope' does not exist" in handler.output


def test_export_csv_and_xlsx_without_contacts(url: str, tmp_path: Path) -> None:
    db = Database(url)
    now = datetime(2026, 3, 2, 1, tzinfo=UTC)
    build_world(db, now=now)
    with db.transaction() as session:
        for i in range(3):
            submit(
                session,
                data=validate_submission(submission(title=f"问题{i}")),
                channel=Channel.WEB,
                now=now,
                settings=Settings(database_url=url),
            )
    db.dispose()

    out_csv = tmp_path / "cases.csv"
    result = runner.invoke(app, ["cases", "export", str(out_csv), "--db", url])
    assert result.exit_code == 0, result.output
    with out_csv.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["title"] for r in rows) == ["问题0", "问题1", "问题2"]
    assert all(r["department"] == "water" for r in rows)
    assert "13812345678" not in out_csv.read_text(encoding="utf-8-sig")

    out_xlsx = tmp_path / "cases.xlsx"
    assert runner.invoke(app, ["cases", "export", str(out_xlsx), "--db", url]).exit_code == 0
    sheet = load_workbook(out_xlsx).active
    assert sheet.max_row == 4
    assert runner.invoke(app, ["cases", "export", str(tmp_path / "x.pdf"), "--db", url]).exit_code == 2


def test_worker_once(url: str) -> None:
    result = runner.invoke(app, ["worker", "--once", "--db", url])
    assert result.exit_code == 0, result.output
    assert "CycleReport" in result.output


def test_bad_database_url_is_a_message() -> None:
    result = runner.invoke(app, ["db", "upgrade", "--db", "mysql://x"])
    assert result.exit_code == 2
    assert "must start with sqlite" in result.output
