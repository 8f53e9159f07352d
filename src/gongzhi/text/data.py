"""Read labelled messages from a CSV or XLSX file into (titles, details, labels).

Jurisdictions export their history as spreadsheets with their own column names, so the columns are
named by the caller. ``fallback_col`` fills empty details from another column: the Teddy data has 758
rows without 留言详情 whose text survives only in 分词文本 (segmented, stop words removed); its spaces
are dropped so it reads like ordinary text.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from gongzhi.errors import InvalidInput


@dataclass(frozen=True)
class LabelledMessages:
    titles: list[str]
    details: list[str]
    labels: list[str]


def read_rows(path: Path) -> list[dict[str, str]]:
    """All rows of a CSV (UTF-8, with or without BOM) or XLSX (first sheet) file, as strings."""
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(f"data file {path} does not exist", field="data")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return [{k: v or "" for k, v in row.items() if k is not None} for row in csv.DictReader(fh)]
    if suffix in {".xlsx", ".xlsm"}:
        return _read_xlsx(path)
    raise InvalidInput(f"cannot read {path}: give a .csv or .xlsx file", field="data")


def _read_xlsx(path: Path) -> list[dict[str, str]]:
    from openpyxl import load_workbook  # only needed for spreadsheets

    workbook = load_workbook(path, read_only=True, data_only=True)
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        return [{h: "" if v is None else str(v) for h, v in zip(header, row, strict=False) if h} for row in rows]
    finally:
        workbook.close()


def load_labelled(
    path: Path,
    *,
    title_col: str | None = "留言主题",
    detail_col: str = "留言详情",
    label_col: str = "一级标签",
    fallback_col: str | None = "分词文本",
) -> LabelledMessages:
    """Labelled messages from ``path``; rows without a label are skipped; ``title_col=None``: no titles."""
    rows = read_rows(path)
    columns = set(rows[0]) if rows else set()
    missing = [c for c in (title_col, detail_col, label_col) if c is not None and c not in columns]
    if missing:
        raise InvalidInput(
            f"{path} has no column {', '.join(missing)}; its columns are: {', '.join(sorted(columns)) or '(none)'}",
            field="data",
        )
    titles, details, labels = [], [], []
    for row in rows:
        label = row[label_col].strip()
        if not label:
            continue
        detail = row[detail_col]
        if not detail.strip() and fallback_col and row.get(fallback_col):
            detail = row[fallback_col].replace(" ", "")
        titles.append(row[title_col] if title_col else "")
        details.append(detail)
        labels.append(label)
    return LabelledMessages(titles, details, labels)
