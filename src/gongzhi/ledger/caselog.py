"""Case events in the ledger: which entry each ``CaseEvent`` becomes, and the citizen's receipt.

``cases.events`` calls ``track`` for every event it writes. The entries are built when the
transaction commits (SQLAlchemy's ``before_commit``), not at once, because a use case finishes
its event after ``events.apply`` returns: dispatch fills in the event's data afterwards, and a
reply's text arrives in its own row. At commit time everything is final, and the entries are
still written in the same transaction as the events they record: both commit, or neither.

Entry schemas (version 1), canonical JSON (see ``entries``):

``case.submitted``  case, at, channel, case_type, category, public, and ``commitment`` to the
                    citizen's words and contact (SUBMISSION_FIELDS), never the text itself.
``case.event``      case, at, kind (dispatch, accept, return, reply, close, reopen, merge …), from,
                    to, actor (a role, never a person), department, data; and the event's words
                    (``reason``, a reply's ``text``) in plain when the case is public and they are the
                    staff's, else a ``commitment`` to them (a citizen's rating comment, a private reply).

Each commitment's salt is kept in ``ledger_salt`` for the receipt; ``forget_personal_data`` drops
the salts of a case, after which the log still verifies but nobody can open its commitments.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, delete, inspect, select
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from gongzhi.cases.models import Attachment, Case, CaseEvent, Reply
from gongzhi.directory.models import Department
from gongzhi.directory.snapshot import row_by_id
from gongzhi.errors import NotFound
from gongzhi.ledger import log
from gongzhi.ledger.entries import COMMITMENT, commitment, encode_entry, new_salt
from gongzhi.ledger.models import LedgerEntry, LedgerSalt
from gongzhi.ledger.receipts import Receipt, build_receipt

SUBMITTED = "case.submitted"
EVENT = "case.event"
VERSION = 1
SUBMISSION_FIELDS = ("title", "content", "address", "contact_name", "contact_phone", "contact_email")
_TRACKED = "gongzhi.ledger.tracked_events"


def track(session: Session, case: Case, event: CaseEvent) -> None:
    """Remember that ``event`` needs its ledger entry when this transaction commits."""
    session.info.setdefault(_TRACKED, []).append((case, event))


@sa_event.listens_for(Session, "before_commit")
def _at_commit(session: Session) -> None:
    """Append the entries of the events tracked in this transaction, just before it commits."""
    write_tracked(session)


def write_tracked(session: Session) -> None:
    """Append now the entries of the events tracked so far, for a use case that has finished its events.

    Intake calls this before its one flush, so a submission's case, events and entries are written in a
    single round of the ORM's unit of work instead of two (the commit would otherwise flush again).
    """
    tracked = session.info.pop(_TRACKED, None)
    if not tracked:
        return
    # No flush first: entries refer to their event objects, so the commit's one flush writes events and
    # entries together, in order (a query in ``_describe`` autoflushes what it needs to see).
    for case, event in tracked:
        if event in session:  # not rolled back with a savepoint
            append_event(session, case, event)


@sa_event.listens_for(Session, "after_rollback")
def _forget_tracked(session: Session) -> None:
    session.info.pop(_TRACKED, None)


def append_event(session: Session, case: Case, event: CaseEvent) -> LedgerEntry:
    """Write the entry recording ``event``, and the salt of its commitment if it has one."""
    fields, private = _describe(session, case, event)
    salt = None
    if private:
        salt = new_salt()
        fields[COMMITMENT] = commitment(salt, private)
    entry_type = SUBMITTED if event.kind == "submit" else EVENT
    entry = log.append(session, encode_entry(entry_type, VERSION, fields), case_event=event)
    if salt is not None:
        session.add(LedgerSalt(entry=entry, salt=salt))
    return entry


def case_receipt(session: Session, case: Case, *, event_id: int | None = None) -> Receipt:
    """The receipt of a case's submission (or of one of its events), opening its commitment if still possible."""
    event = _event_of(session, case, event_id)
    entry = session.scalar(select(LedgerEntry).where(LedgerEntry.case_event_id == event.id))
    if entry is None:
        raise NotFound(f"event {event.id} of case {case.tracking_code} has no ledger entry (it predates the ledger)")
    salt = session.get(LedgerSalt, entry.id)
    if salt is None:
        return build_receipt(session, entry)
    return build_receipt(session, entry, salt=salt.salt, committed=_describe(session, case, event)[1])


def forget_personal_data(session: Session, case: Case) -> int:
    """Drop the salts of a case's entries (with its personal data); the log itself stays verifiable."""
    entry_ids = select(LedgerEntry.id).join(CaseEvent, LedgerEntry.case_event_id == CaseEvent.id)
    result = session.execute(
        delete(LedgerSalt).where(LedgerSalt.entry_id.in_(entry_ids.where(CaseEvent.case_id == case.id)))
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _describe(session: Session, case: Case, event: CaseEvent) -> tuple[dict[str, Any], dict[str, Any]]:
    """An event's public fields, and the private ones its commitment covers (empty when none)."""
    if event.kind == "submit":
        return _submission(case, event), _submitted_words(session, case)
    fields = {
        "case": case.tracking_code,
        "at": _instant(event.at),
        "kind": event.kind,
        "from": event.from_status.value if event.from_status else None,
        "to": event.to_status.value if event.to_status else None,
        "actor": event.actor_role,
        "department": _department_code(session, event.department_id),
        "data": _plain(event.data or {}),
    }
    words, public = _words(session, case, event)
    if public:
        return {**fields, **words}, {}
    return fields, words


def _department_code(session: Session, department_id: int | None) -> str | None:
    """By id, not through ``event.department``: a pending event has only the id, and the directory has the row."""
    department = row_by_id(session, Department, department_id) if department_id is not None else None
    return department.code if department is not None else None


def _submitted_words(session: Session, case: Case) -> dict[str, Any]:
    """What the submission commits to: the citizen's words and contact, and each attachment's SHA-256 and size.

    ``attachments`` is present only when there are some, so commitments written before it existed still open.
    At intake the case and its files are not written yet (see ``write_tracked``) and are read from the
    session. Later (a receipt) the query runs on the connection, built once: no autoflush and none of the
    ORM's per-statement work.
    """
    words = {name: getattr(case, name) for name in SUBMISSION_FIELDS}
    if case.id is None:  # intake, before its flush: the files are pending, in the order they will be numbered
        pending = (row for row in session.new if isinstance(row, Attachment) and row.case is case)
        files = [(row.sha256, row.size) for row in sorted(pending, key=lambda row: inspect(row).insert_order)]
    else:
        files = session.connection().execute(_ATTACHMENT_HASHES, {"case_id": case.id}).all()
    if files:
        words["attachments"] = [{"sha256": digest, "size": size} for digest, size in files]
    return words


_FILES = Attachment.__table__.c
_ATTACHMENT_HASHES = (
    select(_FILES.sha256, _FILES.size).where(_FILES.case_id == bindparam("case_id")).order_by(_FILES.id)
)


def _submission(case: Case, event: CaseEvent) -> dict[str, Any]:
    return {
        "case": case.tracking_code,
        "at": _instant(event.at),
        "channel": case.channel.value,
        "case_type": case.type.value,
        "category": case.category.code if case.category else None,
        "public": case.is_public,
    }


def _words(session: Session, case: Case, event: CaseEvent) -> tuple[dict[str, Any], bool]:
    """What people wrote with the event (reason, reply text) and whether it may appear in plain."""
    words: dict[str, Any] = {}
    public = case.is_public and event.actor_role != "citizen"
    if event.reason:
        words["reason"] = event.reason
    if event.kind == "reply":
        reply = session.scalar(select(Reply).where(Reply.case_id == case.id, Reply.at == event.at).limit(1))
        if reply is not None:
            words["text"] = reply.text
            public = public and reply.is_public
    return words, public


def _event_of(session: Session, case: Case, event_id: int | None) -> CaseEvent:
    query = select(CaseEvent).where(CaseEvent.case_id == case.id)
    query = query.where(CaseEvent.id == event_id) if event_id is not None else query.where(CaseEvent.kind == "submit")
    event = session.scalars(query.limit(1)).first()
    if event is None:
        raise NotFound(f"case {case.tracking_code} has no event {event_id if event_id is not None else 'submit'}")
    return event


def _instant(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _plain(value: Any) -> Any:
    """Event data as canonical JSON can hold it: floats become their decimal text."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    if isinstance(value, float):
        return repr(value)
    return value
