"""Every table, imported in one place so Alembic and ``create_all`` see the whole schema."""

from gongzhi.accounts.models import ApiKey, LoginSession, Role, User
from gongzhi.analytics.alert_models import Alert, AlertRule, AlertRun
from gongzhi.analytics.hotissues_models import HotIssueResult
from gongzhi.analytics.models import AnalyticsState, DayCube, DayFact, MonthCube, MonthFact, RegionVolume
from gongzhi.cases.duplicate_models import CaseSupport, DuplicateCheck, MergeProposal
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
from gongzhi.ledger.witness_models import LedgerWitness
from gongzhi.text.models import CaseAnalysis, TextModel

__all__ = [
    "Alert",
    "AlertRule",
    "AlertRun",
    "AnalyticsState",
    "DayCube",
    "DayFact",
    "MonthCube",
    "MonthFact",
    "RegionVolume",
    "ApiKey",
    "Attachment",
    "Base",
    "CalendarOverride",
    "Case",
    "CaseAnalysis",
    "CaseEvent",
    "CaseSupport",
    "Category",
    "Department",
    "DuplicateCheck",
    "ExtensionRequest",
    "HotIssueResult",
    "LedgerCheckpoint",
    "LedgerEntry",
    "LedgerSalt",
    "LedgerState",
    "LedgerTile",
    "LedgerWitness",
    "LoginSession",
    "MergeProposal",
    "Notification",
    "Rating",
    "Region",
    "Reply",
    "Role",
    "RoutingRule",
    "SlaPolicy",
    "TextModel",
    "User",
]
