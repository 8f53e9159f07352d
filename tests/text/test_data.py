from __future__ import annotations

import csv
from pathlib import Path

import pytest
from openpyxl import Workbook

from gongzhi.errors import InvalidInput
from gongzhi.text.data import load_labelled


def test_csv_with_fallback_for_missing_details(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["留言主题", "留言详情", "一级标签", "分词文本"])
        writer.writerow(["路灯不亮", "\n\t\t\t人民路路灯坏了", "城乡建设", "人民路 路灯 坏"])
        writer.writerow(["噪音扰民", "", "环境保护", "工地 夜间 施工 噪音"])
        writer.writerow(["没有标签", "内容", "", ""])
    data = load_labelled(path)
    assert data.labels == ["城乡建设", "环境保护"]
    assert data.details[1] == "工地夜间施工噪音"


def test_xlsx_single_text_column(tmp_path: Path) -> None:
    book = Workbook()
    book.active.append(["留言", "问题类型"])
    book.active.append(["建议增加公交线路", "建言"])
    book.save(tmp_path / "m.xlsx")
    data = load_labelled(tmp_path / "m.xlsx", title_col=None, detail_col="留言", label_col="问题类型")
    assert (data.titles, data.details, data.labels) == ([""], ["建议增加公交线路"], ["建言"])


def test_missing_file_and_wrong_type(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="does not exist"):
        load_labelled(tmp_path / "none.csv")
    (tmp_path / "m.txt").write_text("x", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"\.csv or \.xlsx"):
        load_labelled(tmp_path / "m.txt")
