"""Who may do what: every permission check of the platform lives here.

An ``Actor`` is whoever is acting: a staff member, a registered citizen, a holder of a case's
tracking secret, an Open311 client, or the system itself (the deadline sweep).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from gongzhi.accounts.models import Role
from gongzhi.errors import Forbidden


class Action(enum.StrEnum):
    DISPATCH = "dispatch"
    ARBITRATE = "arbitrate"
    ACCEPT = "accept"
    RETURN = "return"
    REQUEST_EXTENSION = "request_extension"
    DECIDE_EXTENSION = "decide_extension"
    REPLY = "reply"
    RATE = "rate"
    WITHDRAW = "withdraw"
    INVALIDATE = "invalidate"
    MERGE = "merge"
    SUPERVISE = "supervise"
    VIEW_CONTACT = "view_contact"
    VIEW_CASE = "view_case"
    LIST_ALL = "list_all"
    ADMINISTER = "administer"
    VIEW_KPI = "view_kpi"
    VIEW_ANALYTICS = "view_analytics"  # the performance dashboard of every department, and its cases


@dataclass(frozen=True)
class Actor:
    role: Role | None  # None for the system and for anonymous secret holders
    user_id: int | None = None
    department_id: int | None = None
    case_id: int | None = None  # set for someone who proved the tracking secret of this case
    name: str = ""

    @property
    def is_system(self) -> bool:
        return self.role is None and self.case_id is None

    @property
    def label(self) -> str:
        if self.is_system:
            return "system"
        return self.role.value if self.role else "citizen"


SYSTEM = Actor(role=None, name="system")

_STAFF_ACTIONS: dict[Action, frozenset[Role]] = {
    Action.DISPATCH: frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}),
    Action.ARBITRATE: frozenset({Role.SUPERVISOR, Role.ADMIN}),
    Action.DECIDE_EXTENSION: frozenset({Role.SUPERVISOR, Role.ADMIN}),
    Action.INVALIDATE: frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}),
    Action.MERGE: frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}),
    Action.SUPERVISE: frozenset({Role.SUPERVISOR, Role.ADMIN}),
    Action.LIST_ALL: frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}),
    Action.ADMINISTER: frozenset({Role.ADMIN}),
    Action.VIEW_KPI: frozenset({Role.DISPATCHER, Role.HANDLER, Role.SUPERVISOR, Role.ADMIN}),
    Action.VIEW_ANALYTICS: frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}),
}
_DEPARTMENT_ACTIONS = frozenset({Action.ACCEPT, Action.RETURN, Action.REQUEST_EXTENSION, Action.REPLY})
_CITIZEN_ACTIONS = frozenset({Action.RATE, Action.WITHDRAW})


def can(
    actor: Actor,
    action: Action,
    *,
    case_department_id: int | None = None,
    case_id: int | None = None,
    case_citizen_id: int | None = None,
) -> bool:
    """Whether ``actor`` may take ``action`` on a case with the given owner and department."""
    if actor.is_system:
        return True
    if action in _STAFF_ACTIONS:
        return actor.role in _STAFF_ACTIONS[action]
    if action in _DEPARTMENT_ACTIONS:
        return _in_department(actor, case_department_id)
    if action in _CITIZEN_ACTIONS:
        return _owns(actor, case_id, case_citizen_id)
    if action is Action.VIEW_CONTACT:
        return actor.role in {Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN} or _in_department(actor, case_department_id)
    if action is Action.VIEW_CASE:
        return (
            actor.role in {Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN}
            or _in_department(actor, case_department_id)
            or _owns(actor, case_id, case_citizen_id)
        )
    return False


def require(actor: Actor, action: Action, **case_facts: int | None) -> None:
    """Raise ``Forbidden`` with a reason unless ``actor`` may take ``action``."""
    if not can(actor, action, **case_facts):
        raise Forbidden(_refusal(actor, action))


def _in_department(actor: Actor, department_id: int | None) -> bool:
    if actor.role in {Role.SUPERVISOR, Role.ADMIN}:
        return True
    return actor.role is Role.HANDLER and department_id is not None and actor.department_id == department_id


def _owns(actor: Actor, case_id: int | None, citizen_id: int | None) -> bool:
    if actor.case_id is not None and actor.case_id == case_id:
        return True
    return actor.role is Role.CITIZEN and citizen_id is not None and actor.user_id == citizen_id


def _refusal(actor: Actor, action: Action) -> str:
    who = actor.label
    if action in _DEPARTMENT_ACTIONS:
        return f"only a handler of the department the case is assigned to may {action.value}; you are {who}"
    if action in _CITIZEN_ACTIONS:
        return f"only the citizen who submitted the case (logged in, or with its tracking secret) may {action.value}"
    if action in _STAFF_ACTIONS:
        roles = ", ".join(sorted(r.value for r in _STAFF_ACTIONS[action]))
        return f"{action.value} needs one of the roles: {roles}; you are {who}"
    return f"you ({who}) may not {action.value} this case"
