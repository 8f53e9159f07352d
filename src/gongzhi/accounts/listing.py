"""Reading accounts for the administration pages."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongzhi.accounts.models import STAFF_ROLES, User


def staff_users(session: Session) -> list[User]:
    """Every staff account (citizens are many and not administered one by one), by role then name."""
    query = select(User).where(User.role.in_(STAFF_ROLES)).order_by(User.role, User.username)
    return list(session.scalars(query))
