"""Supports (附议, "me too"): a citizen adds their voice to an open case instead of filing a duplicate.

The message board and the submit page show open public cases like the one a citizen is about to
file (``cases/similar.py``); "add my support" records a :class:`CaseSupport` rather than a new case,
so the department answers once and sees how many people it concerns. A person supports a case once:
a registered citizen by account, an anonymous one by a fingerprint the web layer derives from a
cookie (salted and hashed, so the table holds nothing that identifies anyone).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gongzhi.accounts.models import Role
from gongzhi.accounts.permissions import Actor
from gongzhi.cases.duplicate_models import CaseSupport
from gongzhi.cases.models import Case
from gongzhi.cases.similar import OPEN_STATES
from gongzhi.errors import Conflict, InvalidInput

FINGERPRINT_MAX = 64


def supporter_key(citizen: Actor | None, fingerprint: str | None) -> str:
    """Who is supporting: ``user:<id>`` for a logged-in citizen, else the anonymous fingerprint."""
    if citizen is not None and citizen.role is Role.CITIZEN and citizen.user_id is not None:
        return f"user:{citizen.user_id}"
    fingerprint = (fingerprint or "").strip()
    if not fingerprint or len(fingerprint) > FINGERPRINT_MAX:
        raise InvalidInput(
            "cannot tell supporters apart: log in as a citizen, or allow this site's cookies and try again",
            field="supporter",
        )
    return fingerprint


def add_support(
    session: Session, case: Case, *, citizen: Actor | None, fingerprint: str | None, now: datetime
) -> tuple[CaseSupport, bool]:
    """Record one support; a second one by the same person returns the first (``created`` False).

    Only open, published cases take supports: the public does not know the others, and a closed
    case will not be handled again because of them.
    """
    if not case.is_public:
        raise Conflict(f"case {case.tracking_code} is not published; only published cases can be supported")
    if case.status not in OPEN_STATES or case.merged_into_id is not None:
        raise Conflict(
            f"case {case.tracking_code} is {case.status.value}; support an open case, or leave a new message"
        )
    if citizen is not None and citizen.user_id is not None and citizen.user_id == case.citizen_id:
        raise Conflict("this is your own case; you need not support it")
    key = supporter_key(citizen, fingerprint)
    existing = session.scalar(select(CaseSupport).where(CaseSupport.case_id == case.id, CaseSupport.fingerprint == key))
    if existing is not None:
        return existing, False
    support = CaseSupport(
        case_id=case.id,
        citizen_id=citizen.user_id if key.startswith("user:") and citizen else None,
        fingerprint=key,
        at=now,
    )
    session.add(support)
    session.flush()  # the unique constraint answers a concurrent double click here, inside the transaction
    return support, True


def support_count(session: Session, case_id: int) -> int:
    return session.scalar(select(func.count()).select_from(CaseSupport).where(CaseSupport.case_id == case_id)) or 0


def support_counts(session: Session, case_ids: list[int]) -> dict[int, int]:
    """Supports of many cases in one query (lists, similar-case suggestions)."""
    if not case_ids:
        return {}
    rows = session.execute(
        select(CaseSupport.case_id, func.count()).where(CaseSupport.case_id.in_(case_ids)).group_by(CaseSupport.case_id)
    )
    counts = dict.fromkeys(case_ids, 0)
    counts.update({case_id: n for case_id, n in rows})  # noqa: C416 - rows are Row objects, not pairs
    return counts


def has_supported(session: Session, case_id: int, *, citizen: Actor | None, fingerprint: str | None) -> bool:
    try:
        key = supporter_key(citizen, fingerprint)
    except InvalidInput:
        return False
    found = select(CaseSupport.id).where(CaseSupport.case_id == case_id, CaseSupport.fingerprint == key)
    return session.scalar(found) is not None


def anonymous_fingerprint(secret_key: str, token: str) -> str:
    """The stored identity of an anonymous supporter: HMAC-SHA256 of their browser's random token.

    Salted with the server's secret, so the table cannot be matched against cookies seen elsewhere.
    """
    return hmac.new(secret_key.encode(), b"support:" + token.encode(), hashlib.sha256).hexdigest()
