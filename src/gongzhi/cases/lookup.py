"""Find cases by their public tracking code, and prove ownership with the tracking secret."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongzhi.accounts.permissions import Actor
from gongzhi.accounts.secrets import token_matches
from gongzhi.cases.models import Case
from gongzhi.errors import Forbidden, NotFound


def case_by_code(session: Session, code: str) -> Case:
    case = session.scalar(select(Case).where(Case.tracking_code == code.strip().upper()))
    if case is None:
        raise NotFound(f"no case with tracking code {code!r}; check the code on your confirmation")
    return case


def secret_holder(session: Session, *, code: str, secret: str) -> tuple[Case, Actor]:
    """The case and an actor who may follow it, if ``secret`` is the case's tracking secret."""
    case = case_by_code(session, code)
    if not token_matches(secret.strip(), case.secret_hash):
        raise Forbidden("the tracking secret does not match this case; check your confirmation", field="secret")
    return case, Actor(role=None, case_id=case.id, name="citizen")
