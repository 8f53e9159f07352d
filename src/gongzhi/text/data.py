"""Read labelled messages from a CSV or XLSX file into (titles, details, labels).

Jurisdictions export their history as spreadsheets with their own column names, so the columns are
named by the caller. ``fallback_col`` fills empty details from another column: the Teddy data has 758
rows without 留言详情 whose text survives only in 分词文本 (segmented, stop words removed); its spaces
are dropped so it reads like ordinary text.
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gongzhi.errors import InvalidInput

if TYPE_CHECKING:
    from sqlalchemy.orm import Session


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


@dataclass(frozen=True)
class CaseExamples:
    """Training data from the platform's own closed cases, and what was left out and why."""

    messages: LabelledMessages
    corrections: int  # cases whose final category differs from the model's first suggestion at intake
    dropped: dict[str, int]  # labels with too few examples to learn, and their counts


def closed_case_examples(session: Session, *, minimum: int = 3) -> CaseExamples:
    """(title, content, category code) of every closed case with a category, labelled at the routing level.

    The label is the case's final category — the one the dispatcher chose or confirmed, so their
    corrections are what the next model learns — lifted to the deepest level of its chain that a
    routing rule names (the level the catalogue routes on; the category itself when no rule does).
    Labels with fewer than ``minimum`` cases are dropped: a category cannot be learnt from one case.
    """
    from sqlalchemy import select

    from gongzhi.cases.models import Case, Status
    from gongzhi.directory.models import Category
    from gongzhi.directory.snapshot import directory
    from gongzhi.text.models import CaseAnalysis

    snapshot = directory(session)
    code_of: dict[int, str] = {row.id: row.code for row in session.execute(select(Category.id, Category.code))}
    routed = {category_id for category_id, _place in snapshot.rules}
    label_of: dict[int, str] = {}

    def label(category_id: int) -> str:
        if category_id not in label_of:
            chain = snapshot.category_chain(category_id)
            label_of[category_id] = code_of[next((c for c in chain if c in routed), category_id)]
        return label_of[category_id]

    query = (
        select(Case.title, Case.content, Case.category_id, CaseAnalysis.suggestions)
        .outerjoin(CaseAnalysis, CaseAnalysis.case_id == Case.id)
        .where(Case.status == Status.CLOSED, Case.category_id.is_not(None))
        .order_by(Case.id)
    )
    rows = [
        (title, content, label(category_id), suggested)
        for title, content, category_id, suggested in session.execute(query)
    ]
    counts = Counter(row[2] for row in rows)
    dropped = {code: n for code, n in sorted(counts.items()) if n < minimum}
    kept = [row for row in rows if row[2] not in dropped]
    corrections = sum(1 for *_, code, suggested in kept if suggested and suggested[0].get("code") != code)
    messages = LabelledMessages([r[0] for r in kept], [r[1] for r in kept], [r[2] for r in kept])
    return CaseExamples(messages, corrections, dropped)
