"""Where hot issues read their messages: the cases of a window, or a spreadsheet of exported messages.

Cases: every case submitted in the window except those marked invalid or withdrawn (merged duplicates
stay: each is one more citizen with the problem). Its author is the registered citizen or, for an
anonymous message, a hash of the contact phone (so two messages from one phone count once and no
number leaves this module); its supports are its "me too" supports (``CaseSupport`` rows, counted by
:func:`gongzhi.cases.supports.support_counts`). ``Case.supporters`` is not added: it counts the
duplicates merged into the case, and those are messages of the issue already.

Spreadsheets: the columns of Teddy 附件3 (留言编号, 留言用户, 留言主题, 留言时间, 留言详情, 点赞数); times
without a zone are read in the jurisdiction's zone.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gongzhi.analytics.hotissues import HeatWeights, HotIssue, Message, Window, find_hot_issues
from gongzhi.cases.duplicate_models import CaseSupport
from gongzhi.cases.models import Case, Status
from gongzhi.cases.supports import support_counts
from gongzhi.directory.models import Department, Region
from gongzhi.errors import InvalidInput
from gongzhi.text.data import read_rows

EXCLUDED = (Status.INVALID, Status.WITHDRAWN)
COLUMNS = {"key": "留言编号", "author": "留言用户", "title": "留言主题", "at": "留言时间", "content": "留言详情"}
SUPPORTS_COLUMN = "点赞数"
_ID_BATCH = 900  # ids per IN (…) list: under SQLite's limit on bound parameters
#: Results kept per process: clustering a big window takes seconds, a page view should not.
CACHE_SIZE = 16
_cache: OrderedDict[tuple[object, ...], list[HotIssue]] = OrderedDict()
_cache_lock = threading.Lock()
_TIME_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d %H:%M", "%Y/%m/%d", "%Y-%m-%d")


def directory_words(session: Session) -> list[str]:
    """The jurisdiction's region and department names, for the segmenter's dictionary."""
    regions = session.scalars(select(Region.name))
    departments = session.scalars(select(Department.name))
    return sorted({*regions, *departments})


def case_hot_issues(
    session: Session, *, window: Window, top: int = 10, weights: HeatWeights | None = None, bucket_minutes: int = 10
) -> list[HotIssue]:
    """The hottest issues among the cases of ``window``, computed on demand and kept in memory.

    A result is reused while nothing changed: the key holds the database, the window (its end rounded
    down to ``bucket_minutes``, so a page reloaded a minute later hits the cache), the parameters, and
    :func:`case_fingerprint`, so a new or changed case, or a new "me too", computes afresh. Pages read
    what the worker stored instead (:mod:`gongzhi.analytics.hotissues_store`); this serves small windows.
    """
    window = Window(_floor(window.now, bucket_minutes), window.days)
    key = (str(session.get_bind().url), window, top, weights, case_fingerprint(session))
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    issues = find_hot_issues(
        case_messages(session, window=window),
        window=window,
        top=top,
        weights=weights,
        user_words=directory_words(session),
    )
    with _cache_lock:
        _cache[key] = issues
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
    return issues


def case_fingerprint(session: Session) -> str:
    """A digest of the cases and supports: changes whenever a case is added, edited, merged or supported.

    Count, latest change, sum of row versions, sum of merges, the highest tracking code (random: it tells
    apart two databases that differ only in content) and the number of supports.
    """
    row = session.execute(
        select(
            func.count(Case.id),
            func.max(Case.updated_at),
            func.sum(Case.version),
            func.sum(Case.supporters),
            func.max(Case.tracking_code),
        )
    ).one()
    count, updated, versions, merged, code = row
    supports = session.scalar(select(func.count(CaseSupport.id)))
    stamp = updated.isoformat() if updated else "-"
    return f"{count}|{stamp}|{versions or 0}|{merged or 0}|{code or '-'}|{supports}"


def _floor(moment: datetime, minutes: int) -> datetime:
    step = max(minutes, 1) * 60
    return datetime.fromtimestamp(moment.timestamp() // step * step, tz=UTC)


def case_messages(session: Session, *, window: Window) -> list[Message]:
    """The cases submitted in ``window`` as messages (module docstring)."""
    query = select(Case).where(Case.submitted_at <= window.now, Case.status.not_in(EXCLUDED))
    if window.days is not None:
        query = query.where(Case.submitted_at > window.now - timedelta(days=window.days))
    cases = list(session.scalars(query.order_by(Case.submitted_at, Case.id)))
    ids = [case.id for case in cases]
    supports: dict[int, int] = {}
    for start in range(0, len(ids), _ID_BATCH):
        supports.update(support_counts(session, ids[start : start + _ID_BATCH]))
    return [_from_case(case, supports.get(case.id, 0)) for case in cases]


def _from_case(case: Case, supports: int) -> Message:
    return Message(
        key=case.tracking_code,
        title=case.title,
        content=case.content,
        at=case.submitted_at,
        author=_author(case),
        supports=supports,
        region=case.region.name if case.region else None,
        address=case.address,
    )


def _author(case: Case) -> str | None:
    if case.citizen_id is not None:
        return f"user:{case.citizen_id}"
    phone = "".join(ch for ch in (case.contact_phone or "") if ch.isdigit())
    return "phone:" + hashlib.sha256(phone.encode()).hexdigest()[:16] if phone else None


def file_messages(path: Path, *, zone: ZoneInfo) -> list[Message]:
    """Messages from a .csv or .xlsx with Teddy 附件3's columns (点赞数 optional); a row without a time is refused."""
    rows = read_rows(path)
    columns = set(rows[0]) if rows else set()
    if not rows:
        raise InvalidInput(f"{path} holds no messages", field="data")
    missing = [c for c in COLUMNS.values() if c not in columns]
    if missing:
        raise InvalidInput(
            f"{path} has no column {', '.join(missing)}; its columns are: {', '.join(sorted(columns))}", field="data"
        )
    return [_from_row(row, number, zone) for number, row in enumerate(rows, start=2)]


def _from_row(row: dict[str, str], number: int, zone: ZoneInfo) -> Message:
    return Message(
        key=row[COLUMNS["key"]].strip() or f"row {number}",
        title=row[COLUMNS["title"]],
        content=row[COLUMNS["content"]],
        at=parse_time(row[COLUMNS["at"]], zone=zone, row=number),
        author=row[COLUMNS["author"]].strip() or None,
        supports=_count(row.get(SUPPORTS_COLUMN, ""), row=number),
    )


def parse_time(text: str, *, zone: ZoneInfo, row: int) -> datetime:
    """A local time as written in exports (``2019/2/28 11:25:05``, ``2019-08-01 10:00:00``) → UTC."""
    value = text.strip()
    for fmt in _TIME_FORMATS:
        try:
            parsed = datetime.strptime(value, fmt)
        except ValueError:
            continue
        return parsed.replace(tzinfo=zone).astimezone(UTC)
    raise InvalidInput(f"row {row}: cannot read the time {text!r}; write it like 2019/2/28 11:25:05", field="data")


def _count(text: str, *, row: int) -> int:
    value = text.strip()
    if not value:
        return 0
    try:
        count = int(float(value))
    except ValueError:
        raise InvalidInput(f"row {row}: 点赞数 {text!r} is not a number", field="data") from None
    return max(count, 0)
