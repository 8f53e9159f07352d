"""Every table, imported in one place so Alembic and ``create_all`` see the whole schema."""

from gongzhi.accounts.models import ApiKey, LoginSession, Role, User
from gongzhi.cases.models import (
    Attachment,
    Case,
    CaseEvent,
    ExtensionRequest,
    Notification,
    Rating,
    Reply,
)
from gongzhi.db import Base
from gongzhi.directory.models import (
    CalendarOverride,
    Category,
    Department,
    Region,
    RoutingRule,
    SlaPolicy,
)
from gongzhi.ledger.models import LedgerCheckpoint, LedgerEntry, LedgerSalt, LedgerState, LedgerTile

__all__ = [
    "ApiKey",
    "Attachment",
    "Base",
    "CalendarOverride",
    "Case",
    "CaseEvent",
    "Category",
    "Department",
    "ExtensionRequest",
    "LedgerCheckpoint",
    "LedgerEntry",
    "LedgerSalt",
    "LedgerState",
    "LedgerTile",
    "LoginSession",
    "Notification",
    "Rating",
    "Region",
    "Reply",
    "Role",
    "RoutingRule",
    "SlaPolicy",
    "User",
]
