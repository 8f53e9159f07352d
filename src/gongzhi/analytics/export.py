"""Tables of figures as CSV and XLSX files, and as plain rows for JSON.

CSV is UTF-8 with a byte-order mark, so that Excel opens Chinese names correctly; XLSX is written
with openpyxl, rates as numbers formatted as percentages.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook

from gongzhi.analytics.performance import Row

RATE_COLUMNS = frozenset({"response_rate", "resolution_rate", "satisfaction_rate", "return_rate", "overdue_rate"})
COLUMNS: tuple[tuple[str, str], ...] = (
    ("code", "代码 code"),
    ("name", "名称 name"),
    ("received", "受理 received"),
    ("dispatched", "派单 dispatched"),
    ("responded_on_time", "按时响应 responded on time"),
    ("response_rate", "响应率 response rate"),
    ("returned", "退单 returned"),
    ("return_rate", "退单率 return rate"),
    ("replied", "答复 replied"),
    ("replied_late", "超期答复 replied late"),
    ("overdue_rate", "超期率 overdue rate"),
    ("rated", "回访 rated"),
    ("solved", "已解决 solved"),
    ("resolution_rate", "解决率 resolution rate"),
    ("satisfied", "满意 satisfied"),
    ("basically_satisfied", "基本满意 basically satisfied"),
    ("unsatisfied", "不满意 unsatisfied"),
    ("satisfaction_rate", "满意率 satisfaction rate"),
    ("reopened", "重办 reopened"),
    ("closed", "办结 closed"),
    ("median_handling_hours", "办理时长中位数(小时) median handling hours"),
)
RANKED: tuple[tuple[str, str], ...] = (("rank", "排名 rank"), *COLUMNS, ("score", "综合得分 score"))


@dataclass
class Sheet:
    """A table ready to be written: a title, column keys with their headings, and rows of values."""

    title: str
    columns: tuple[tuple[str, str], ...]
    rows: list[dict[str, Any]]


def row_values(row: Row, lang: str = "zh_CN") -> dict[str, Any]:
    name = row.member.name_en if lang == "en" and row.member.name_en else row.member.name
    return {
        "rank": row.rank,
        "code": row.member.code,
        "name": name,
        "score": row.score,
        **row.figures.as_dict(),
    }


def sheet(title: str, rows: Sequence[Row], *, ranked: bool = False, lang: str = "zh_CN") -> Sheet:
    return Sheet(title, RANKED if ranked else COLUMNS, [row_values(r, lang) for r in rows])


def to_csv(table: Sheet) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([heading for _, heading in table.columns])
    for row in table.rows:
        writer.writerow(["" if row.get(key) is None else row.get(key) for key, _ in table.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def to_xlsx(table: Sheet) -> bytes:
    book = Workbook()
    ws = book.active
    ws.title = _sheet_title(table.title)
    ws.append([heading for _, heading in table.columns])
    for row in table.rows:
        ws.append([row.get(key) for key, _ in table.columns])
    for index, (key, _) in enumerate(table.columns, start=1):
        if key in RATE_COLUMNS:
            for cell in ws.iter_cols(min_col=index, max_col=index, min_row=2):
                for c in cell:
                    c.number_format = "0.0%"
    ws.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    """Excel refuses sheet names over 31 characters or with any of []:*?/\\."""
    cleaned = "".join(ch for ch in title if ch not in "[]:*?/\\")
    return cleaned[:31] or "Sheet"
