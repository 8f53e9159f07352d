"""Words for the platform's codes (states, types, roles, events), in the catalogue's source language."""

from __future__ import annotations

from gongzhi.web.i18n import N_

LABELS: dict[str, str] = {
    # case states
    "submitted": N_("Awaiting dispatch"),
    "dispatched": N_("Awaiting acceptance"),
    "accepted": N_("In progress"),
    "returned": N_("Returned"),
    "replied": N_("Replied"),
    "reopened": N_("Reopened"),
    "closed": N_("Closed"),
    "merged": N_("Merged"),
    "invalid": N_("Invalid"),
    "withdrawn": N_("Withdrawn"),
    # case types
    "consultation": N_("Question"),
    "help": N_("Request for help"),
    "complaint": N_("Complaint"),
    "report": N_("Report"),
    "suggestion": N_("Suggestion"),
    "praise": N_("Praise"),
    # satisfaction
    "satisfied": N_("Satisfied"),
    "basically_satisfied": N_("Basically satisfied"),
    "unsatisfied": N_("Unsatisfied"),
    # urgency
    "normal": N_("Normal"),
    "emergency": N_("Emergency"),
    "outage": N_("Outage"),
    "complex": N_("Complex"),
    # roles
    "citizen": N_("Citizen"),
    "dispatcher": N_("Dispatcher"),
    "handler": N_("Handler"),
    "supervisor": N_("Supervisor"),
    "admin": N_("Administrator"),
    "system": N_("System"),
}

EVENTS: dict[str, str] = {
    "submit": N_("Submitted"),
    "dispatch": N_("Dispatched to a department"),
    "arbitrate": N_("Assigned by a supervisor"),
    "accept": N_("Accepted by the department"),
    "return": N_("Returned by the department"),
    "reply": N_("Replied"),
    "close": N_("Closed"),
    "reopen": N_("Reopened: the citizen was not satisfied"),
    "auto_close": N_("Closed without a rating"),
    "withdraw": N_("Withdrawn by the citizen"),
    "invalidate": N_("Marked invalid"),
    "merge": N_("Merged into another case"),
    "merged_in": N_("A duplicate case was merged in"),
    "request_extension": N_("Extension requested"),
    "decide_extension": N_("Extension decided"),
    "supervise": N_("Supervision order (督办)"),
    "support": N_("Supported by another citizen"),
    "warning": N_("Deadline warning"),
    "escalation": N_("Escalated to the supervisor"),
    "contact_viewed": N_("Contact details viewed"),
    "arbitration_reason": N_("Reason of the arbitration"),
}

STAFF_ONLY_EVENTS = frozenset({"contact_viewed", "warning", "escalation", "arbitration_reason"})
