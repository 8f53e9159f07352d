"""Export cases for people who work in spreadsheets (xlsx) or other tools (CSV)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select
from sqlalchemy.orm import Session

from gongzhi.cases.models import Case
from gongzhi.errors import InvalidInput

COLUMNS = (
    "tracking_code",
    "submitted_at",
    "channel",
    "type",
    "status",
    "title",
    "content",
    "category",
    "category_name",
    "region",
    "region_name",
    "address",
    "department",
    "department_name",
    "urgency",
    "dispatched_at",
    "accepted_at",
    "replied_at",
    "closed_at",
    "response_due",
    "resolution_due",
    "return_count",
    "reopen_count",
    "is_public",
)


def rows(session: Session, *, start: datetime | None, end: datetime | None) -> Iterator[list[object]]:
    """Cases in submission order, without names or contacts: exports leave the building."""
    query = select(Case).order_by(Case.submitted_at, Case.id).execution_options(yield_per=1000)
    if start:
        query = query.where(Case.submitted_at >= start)
    if end:
        query = query.where(Case.submitted_at < end)
    for case in session.scalars(query):
        yield _row(case)


def _row(case: Case) -> list[object]:
    def when(value: datetime | None) -> str:
        return value.isoformat() if value else ""

    return [
        case.tracking_code,
        when(case.submitted_at),
        case.channel.value,
        case.type.value,
        case.status.value,
        case.title,
        case.content,
        case.category.code if case.category else "",
        case.category.name if case.category else "",
        case.region.code if case.region else "",
        case.region.name if case.region else "",
        case.address or "",
        case.department.code if case.department else "",
        case.department.name if case.department else "",
        case.urgency.value,
        when(case.dispatched_at),
        when(case.accepted_at),
        when(case.replied_at),
        when(case.closed_at),
        when(case.response_due),
        when(case.resolution_due),
        case.return_count,
        case.reopen_count,
        case.is_public,
    ]


def write(path: Path, data: Iterator[list[object]], *, progress: Callable[[int], None] | None = None) -> int:
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InvalidInput(f"export to .csv or .xlsx, not {suffix or 'a file without extension'}")
    count = 0
    if suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:  # the BOM makes Excel read UTF-8
            writer = csv.writer(handle)
            writer.writerow(COLUMNS)
            for row in data:
                writer.writerow(row)
                count += 1
                if progress:
                    progress(1)
        return count
    book = Workbook(write_only=True)
    sheet = book.create_sheet("cases")
    sheet.append(list(COLUMNS))
    for row in data:
        sheet.append(row)
        count += 1
        if progress:
            progress(1)
    book.save(path)
    return count
