"""Import the three-level service catalogue from a spreadsheet (xlsx) or CSV.

Expected columns (Chinese or English headers): 一级分类 / level1, 二级分类 / level2, 三级分类 / level3,
and optionally 一级编码 / code1, 二级编码 / code2, 三级编码 / code3. Without codes, an entry is matched
by its name under its parent, and a new one gets the next free code (C01, C0101, C010101), so
importing the same file twice, or a file with added rows, keeps every existing code stable.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from gongzhi.directory.admin import upsert_category
from gongzhi.directory.models import Category
from gongzhi.errors import InvalidInput

HEADERS = {
    "name": (("一级分类", "level1"), ("二级分类", "level2"), ("三级分类", "level3")),
    "code": (("一级编码", "code1"), ("二级编码", "code2"), ("三级编码", "code3")),
}


@dataclass(frozen=True)
class Row:
    names: tuple[str, str, str]
    codes: tuple[str | None, str | None, str | None]


@dataclass
class ImportReport:
    rows: int = 0
    created: int = 0
    existing: int = 0


def read_rows(path: Path) -> list[Row]:
    if not path.exists():
        raise InvalidInput(f"{path} does not exist")
    table = _read_xlsx(path) if path.suffix.lower() in (".xlsx", ".xlsm") else _read_csv(path)
    if not table:
        raise InvalidInput(f"{path} is empty")
    header, *body = table
    name_cols = [_column(header, aliases, path) for aliases in HEADERS["name"]]
    code_cols = [_column(header, aliases, path, required=False) for aliases in HEADERS["code"]]
    return [_row(raw, name_cols, code_cols, line) for line, raw in enumerate(body, start=2) if any(raw)]


def _read_xlsx(path: Path) -> list[list[str]]:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise InvalidInput(f"{path} is not a readable xlsx workbook ({exc.__class__.__name__})") from None
    sheet = book.worksheets[0]
    rows = [["" if v is None else str(v).strip() for v in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    return rows


def _read_csv(path: Path) -> list[list[str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [[cell.strip() for cell in row] for row in csv.reader(handle)]
    except UnicodeDecodeError:
        raise InvalidInput(f"{path} is not UTF-8 text; save the CSV as UTF-8") from None


def _column(header: list[str], aliases: tuple[str, str], path: Path, *, required: bool = True) -> int | None:
    for alias in aliases:
        if alias in header:
            return header.index(alias)
    if required:
        raise InvalidInput(f"{path} has no column {aliases[0]} (or {aliases[1]}); its columns are: {', '.join(header)}")
    return None


def _row(raw: list[str], name_cols: list[int | None], code_cols: list[int | None], line: int) -> Row:
    def cell(col: int | None) -> str:
        return raw[col].strip() if col is not None and col < len(raw) and raw[col] else ""

    names = tuple(cell(c) for c in name_cols)
    if not all(names):
        raise InvalidInput(f"line {line}: every row needs all three levels, got {' / '.join(names)}")
    codes = tuple(cell(c) or None for c in code_cols)
    return Row(names=names, codes=codes)  # type: ignore[arg-type]


def import_catalogue(
    session: Session, rows: Iterable[Row], *, progress: Callable[[int], None] | None = None
) -> ImportReport:
    report = ImportReport()
    known = {(c.parent_id, c.name): c for c in session.scalars(select(Category))}
    for row in rows:
        parent: Category | None = None
        for level, (name, code) in enumerate(zip(row.names, row.codes, strict=True), start=1):
            existing = known.get((parent.id if parent else None, name))
            if existing is not None and code in (None, existing.code):
                report.existing += 1
                parent = existing
                continue
            category = upsert_category(
                session,
                code=code or _next_code(session, parent),
                name=name,
                level=level,
                parent=parent.code if parent else None,
                name_en="",
            )
            known[(category.parent_id, name)] = category
            report.created += 1
            parent = category
        report.rows += 1
        if progress:
            progress(1)
    return report


def _next_code(session: Session, parent: Category | None) -> str:
    prefix = parent.code if parent else "C"
    same_parent = Category.parent_id == parent.id if parent else Category.parent_id.is_(None)
    siblings = session.scalars(select(Category.code).where(same_parent))
    used = {c[len(prefix) :] for c in siblings if c.startswith(prefix) and c[len(prefix) :].isdigit()}
    number = 1
    while f"{number:02d}" in used:
        number += 1
    return f"{prefix}{number:02d}"
