"""Submission: a citizen's message becomes a case, routed at once when the rules know where it goes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from gongzhi.accounts.permissions import SYSTEM, Actor
from gongzhi.accounts.secrets import new_token, token_hash
from gongzhi.cases import events
from gongzhi.cases.attachments import attach, check_attachments
from gongzhi.cases.classify import understand
from gongzhi.cases.models import Case, Channel, Status
from gongzhi.cases.schemas import AttachmentIn, SubmissionIn
from gongzhi.cases.workflow import assign
from gongzhi.config import Settings
from gongzhi.directory.lookup import category_by_code, region_by_code
from gongzhi.directory.models import Urgency
from gongzhi.directory.routing import route
from gongzhi.ledger import caselog

_CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U to misread


@dataclass(frozen=True)
class Receipt:
    """What the citizen keeps: the public tracking code and the secret that proves the case is theirs."""

    case: Case
    tracking_code: str
    secret: str


def submit(
    session: Session,
    *,
    data: SubmissionIn,
    channel: Channel,
    now: datetime,
    settings: Settings,
    citizen: Actor | None = None,
    attachments: list[AttachmentIn] | None = None,
) -> Receipt:
    category = category_by_code(session, data.category) if data.category else None
    region = region_by_code(session, data.region) if data.region else None
    check_attachments(attachments or [], settings)
    secret = new_token(12)
    case = Case(
        tracking_code=new_tracking_code(now, settings),
        secret_hash=token_hash(secret),
        channel=channel,
        title=data.title,
        content=data.content,
        type=data.type,
        category=category,
        urgency=category.urgency if category else Urgency.NORMAL,
        region=region,
        address=data.address,
        lat=data.lat,
        long=data.long,
        contact_name=data.contact_name,
        contact_phone=data.contact_phone,
        contact_email=str(data.contact_email) if data.contact_email else None,
        citizen_id=citizen.user_id if citizen else None,
        is_public=data.is_public,
        status=Status.SUBMITTED,
        submitted_at=now,
        updated_at=now,
    )
    session.add(case)
    with session.no_autoflush:  # the lookups below never need the rows written here
        submitted = events.record_submission(session, case, actor=citizen or SYSTEM, now=now)
        session.add_all(attach(case, attachments or [], now))
        machine = understand(session, case, now=now, settings=settings, type_chosen="type" in data.model_fields_set)
        if machine:  # what the models and urgency rules said, with confidence, in the case's first event
            submitted.data = {**submitted.data, "machine": machine}
        _route_at_once(session, case, now=now, settings=settings)
        caselog.write_tracked(session)  # the events are final: their ledger entries go in the same flush
    # One flush, once the case is complete: it is inserted routed and with its deadlines, not inserted
    # and then updated (which would also bump its version), and the caller gets its id.
    session.flush()
    return Receipt(case=case, tracking_code=case.tracking_code, secret=secret)


def _route_at_once(session: Session, case: Case, *, now: datetime, settings: Settings) -> None:
    """Dispatch by rule when the category is known or confidently guessed; otherwise leave it to a dispatcher."""
    if case.category is None:
        return
    department = route(session, category=case.category, region=case.region)
    if department is not None:
        assign(session, case, department=department, actor=SYSTEM, now=now, settings=settings, by_rule=True)


def new_tracking_code(now: datetime, settings: Settings) -> str:
    """Like 20261129-K7M3Q9: the local date a person recognises, then six characters hard to misread."""
    day = now.astimezone(settings.zone).strftime("%Y%m%d")
    return day + "-" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))
