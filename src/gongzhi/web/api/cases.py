"""JSON API of the case workflow: submit, follow, and every move of DESIGN.md §2."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, TypeVar

from fastapi import APIRouter, File, Form, Path, Query, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from pydantic import BaseModel, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from gongzhi.accounts.models import Role
from gongzhi.accounts.permissions import Action, Actor, can, require
from gongzhi.cases import intake, workflow
from gongzhi.cases.lookup import case_by_code, secret_holder
from gongzhi.cases.models import Attachment, Case, CaseType, Channel, ExtensionRequest, ExtensionStatus, Reply, Status
from gongzhi.cases.queries import CaseFilter, list_cases, replies, replies_of_many, timeline
from gongzhi.cases.schemas import AttachmentIn, SubmissionIn
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.directory.lookup import category_by_code, department_by_code
from gongzhi.errors import Forbidden, NotFound, Unauthenticated
from gongzhi.web.api import schemas as s
from gongzhi.web.api.params import optional_instant
from gongzhi.web.deps import CurrentActor, DbDep, MaybeActor, NowDep, SettingsDep, TrackingSecret
from gongzhi.web.threads import run_intake

router = APIRouter(prefix="/cases", tags=["cases"])
Form_ = TypeVar("Form_", bound=BaseModel)


def _receipt(receipt: intake.Receipt, base_url: str) -> s.ReceiptOut:
    case = receipt.case
    return s.ReceiptOut(
        tracking_code=receipt.tracking_code,
        secret=receipt.secret,
        status=case.status,
        department=case.department.code if case.department else None,
        track_url=f"{base_url}/track/{receipt.tracking_code}",
    )


@router.post("", status_code=201, response_model=s.ReceiptOut, summary="Submit a message (留言)")
async def submit(data: SubmissionIn, db: DbDep, settings: SettingsDep, now: NowDep, actor: MaybeActor) -> s.ReceiptOut:
    # The hottest endpoint: ``async`` with the database work in one thread call, because a plain
    # ``def`` endpoint costs a second hop to the pool just to serialise the response.
    return await run_intake(settings, _submit, db, settings, data, now, actor, [])


def _submit(
    db: Database,
    settings: Settings,
    data: SubmissionIn,
    now: datetime,
    actor: Actor | None,
    attachments: list[AttachmentIn],
) -> s.ReceiptOut:
    with db.transaction_from_first_write() as session:
        receipt = intake.submit(
            session,
            data=data,
            channel=Channel.API,
            now=now,
            settings=settings,
            citizen=_citizen(actor),
            attachments=attachments,
        )
        return _receipt(receipt, settings.base_url)


@router.post(
    "/with-attachments",
    status_code=201,
    response_model=s.ReceiptOut,
    summary="Submit a message with attachments (multipart form)",
)
async def submit_multipart(
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    actor: MaybeActor,
    title: Annotated[str, Form()],
    content: Annotated[str, Form()],
    type: Annotated[CaseType, Form()] = CaseType.HELP,
    category: Annotated[str | None, Form()] = None,
    region: Annotated[str | None, Form()] = None,
    address: Annotated[str | None, Form()] = None,
    lat: Annotated[float | None, Form()] = None,
    long: Annotated[float | None, Form()] = None,
    contact_name: Annotated[str | None, Form()] = None,
    contact_phone: Annotated[str | None, Form()] = None,
    contact_email: Annotated[str | None, Form()] = None,
    is_public: Annotated[bool, Form()] = False,
    files: Annotated[list[UploadFile] | None, File()] = None,
) -> s.ReceiptOut:
    fields = {
        "title": title,
        "content": content,
        "type": type,
        "category": category,
        "region": region,
        "address": address,
        "lat": lat,
        "long": long,
        "contact_name": contact_name,
        "contact_phone": contact_phone,
        "contact_email": contact_email or None,
        "is_public": is_public,
    }
    data = _form(SubmissionIn, fields)
    attachments = [await _read(f, settings.attachment_max_bytes) for f in files or []]
    return await run_intake(settings, _submit, db, settings, data, now, actor, attachments)


def _form(model: type[Form_], fields: dict[str, object], *, loc: tuple[str, ...] = ()) -> Form_:
    """Form fields validated like a JSON body, refused the same way: 422 naming the field."""
    try:
        return model.model_validate(fields)
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": (*loc, *e["loc"])} for e in exc.errors(include_url=False)]) from None


async def _read(upload: UploadFile, limit: int) -> AttachmentIn:
    data = await upload.read(limit + 1)  # one byte more than allowed is enough to refuse it
    fields = {"filename": upload.filename or "attachment", "content_type": upload.content_type or "", "data": data}
    return _form(AttachmentIn, fields, loc=("files",))


def _citizen(actor: Actor | None) -> Actor | None:
    return actor if actor is not None and actor.role is Role.CITIZEN else None


def _who(session: Session, code: str, actor: Actor | None, secret: str | None) -> tuple[Case, Actor]:
    """The case and who is acting on it: a logged-in user, or whoever holds the tracking secret."""
    if secret:
        return secret_holder(session, code=code, secret=secret)
    if actor is None:
        raise Unauthenticated("log in, or send the case's tracking secret in the X-Tracking-Secret header")
    return case_by_code(session, code), actor


def _out(session: Session, case: Case, now: datetime, answers: list[Reply] | None = None) -> s.CaseOut:
    merged = session.get(Case, case.merged_into_id).tracking_code if case.merged_into_id else None
    if answers is None:
        answers = replies(session, case, public_only=False)
    return s.CaseOut.of(case, now=now, replies=answers, merged_into=merged)


@router.get("", summary="List cases (staff: all, with filters; citizens: their own)")
def list_(
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    actor: CurrentActor,
    status: Annotated[list[Status] | None, Query()] = None,
    department: str | None = None,
    category: str | None = None,
    region: str | None = None,
    type: CaseType | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
    submitted_from: datetime | None = None,
    submitted_to: datetime | None = None,
    overdue: bool = False,
    needs_arbitration: bool | None = None,
    page: Annotated[int, Query(ge=1)] = 1,
    per_page: Annotated[int, Query(ge=1, le=100)] = 20,
) -> s.PageOut:
    filters = CaseFilter(
        status=status or [],
        department=department,
        category=category,
        region=region,
        type=type,
        q=q,
        submitted_from=optional_instant(submitted_from, field="submitted_from", zone=settings.zone),
        submitted_to=optional_instant(submitted_to, field="submitted_to", zone=settings.zone),
        overdue_at=now if overdue else None,
        needs_arbitration=needs_arbitration,
    )
    _scope(actor, filters)
    with db.reading() as session:
        found = list_cases(session, filters=filters, page=page, per_page=per_page)
        answers = replies_of_many(session, found.items, public_only=False)
        items = [_out(session, c, now, answers[c.id]) for c in found.items]
    return s.PageOut(total=found.total, page=found.page, per_page=found.per_page, pages=found.pages, items=items)


def _scope(actor: Actor, filters: CaseFilter) -> None:
    """Narrow a listing to what the actor may see: handlers their department, citizens their own cases."""
    if can(actor, Action.LIST_ALL):
        return
    if actor.role is Role.HANDLER:
        if actor.department_id is None:
            raise Forbidden("your account has no department; ask an administrator")
        filters.department = None
        filters.department_id = actor.department_id
        return
    filters.citizen_id = actor.user_id


@router.get("/{code}", response_model=s.CaseOut, summary="One case, for staff or its citizen")
def get(code: str, db: DbDep, now: NowDep, actor: MaybeActor, secret: TrackingSecret = None) -> s.CaseOut:
    with db.reading() as session:
        case, who = _who(session, code, actor, secret)
        require(
            who,
            Action.VIEW_CASE,
            case_department_id=case.department_id,
            case_id=case.id,
            case_citizen_id=case.citizen_id,
        )
        return _out(session, case, now)


@router.get("/{code}/events", response_model=list[s.EventOut], summary="The case's full history")
def events(code: str, db: DbDep, actor: MaybeActor, secret: TrackingSecret = None) -> list[s.EventOut]:
    with db.reading() as session:
        case, who = _who(session, code, actor, secret)
        require(
            who,
            Action.VIEW_CASE,
            case_department_id=case.department_id,
            case_id=case.id,
            case_citizen_id=case.citizen_id,
        )
        staff = who.role in (Role.DISPATCHER, Role.HANDLER, Role.SUPERVISOR, Role.ADMIN)
        return [s.EventOut.of(e, public=not staff) for e in timeline(session, case)]


@router.get("/{code}/attachments/{attachment_id}", summary="Download an attachment")
def attachment(
    code: str,
    attachment_id: Annotated[int, Path(ge=1, le=2**31 - 1)],
    db: DbDep,
    actor: MaybeActor,
    secret: TrackingSecret = None,
) -> Response:
    with db.reading() as session:
        case, who = _who(session, code, actor, secret)
        require(
            who,
            Action.VIEW_CASE,
            case_department_id=case.department_id,
            case_id=case.id,
            case_citizen_id=case.citizen_id,
        )
        item = session.scalar(select(Attachment).where(Attachment.id == attachment_id, Attachment.case_id == case.id))
        if item is None:
            raise NotFound(f"case {code} has no attachment {attachment_id}")
        return Response(
            item.data,
            media_type=item.content_type,
            headers={"Content-Disposition": f'attachment; filename="{item.id}"', "X-Content-Type-Options": "nosniff"},
        )


def _move(db: DbDep, code: str, now: datetime, act: Callable[[Session, Case], object]) -> s.CaseOut:
    with db.transaction() as session:
        case = case_by_code(session, code)
        act(session, case)
        session.flush()
        return _out(session, case, now)


def _owner_move(
    db: DbDep,
    code: str,
    now: datetime,
    actor: Actor | None,
    secret: str | None,
    act: Callable[[Session, Case, Actor], object],
) -> s.CaseOut:
    with db.transaction() as session:
        case, who = _who(session, code, actor, secret)
        act(session, case, who)
        session.flush()
        return _out(session, case, now)


@router.post("/{code}/dispatch", response_model=s.CaseOut, summary="派单: assign to a department")
def dispatch(
    code: str, body: s.DispatchIn, db: DbDep, settings: SettingsDep, now: NowDep, actor: CurrentActor
) -> s.CaseOut:
    def act(session: Session, case: Case) -> None:
        workflow.dispatch(
            session,
            case,
            department=department_by_code(session, body.department),
            actor=actor,
            now=now,
            settings=settings,
            category=category_by_code(session, body.category) if body.category else None,
            urgency=body.urgency,
            expected_version=body.version,
        )

    return _move(db, code, now, act)


@router.post("/{code}/arbitrate", response_model=s.CaseOut, summary="Supervisor decides who handles a returned case")
def arbitrate(
    code: str, body: s.ArbitrateIn, db: DbDep, settings: SettingsDep, now: NowDep, actor: CurrentActor
) -> s.CaseOut:
    return _move(
        db,
        code,
        now,
        lambda session, case: workflow.arbitrate(
            session,
            case,
            department=department_by_code(session, body.department),
            actor=actor,
            now=now,
            settings=settings,
            reason=body.reason,
            expected_version=body.version,
        ),
    )


@router.post("/{code}/accept", response_model=s.CaseOut, summary="签收: the department takes the case")
def accept(code: str, db: DbDep, now: NowDep, actor: CurrentActor, body: s.Versioned | None = None) -> s.CaseOut:
    return _move(
        db,
        code,
        now,
        lambda session, case: workflow.accept(
            session, case, actor=actor, now=now, expected_version=body.version if body else None
        ),
    )


@router.post("/{code}/return", response_model=s.CaseOut, summary="退单: not this department's duty, with the basis")
def return_(
    code: str, body: s.ReasonIn, db: DbDep, settings: SettingsDep, now: NowDep, actor: CurrentActor
) -> s.CaseOut:
    return _move(
        db,
        code,
        now,
        lambda session, case: workflow.return_case(
            session, case, actor=actor, now=now, reason=body.reason, settings=settings, expected_version=body.version
        ),
    )


@router.post("/{code}/extension", response_model=s.CaseOut, summary="Ask a supervisor for more time")
def extension(
    code: str, body: s.ExtensionIn, db: DbDep, settings: SettingsDep, now: NowDep, actor: CurrentActor
) -> s.CaseOut:
    return _move(
        db,
        code,
        now,
        lambda session, case: workflow.request_extension(
            session, case, actor=actor, now=now, working_days=body.working_days, reason=body.reason, settings=settings
        ),
    )


@router.post("/{code}/extension/decision", response_model=s.CaseOut, summary="Supervisor approves or rejects")
def extension_decision(
    code: str, body: s.ExtensionDecisionIn, db: DbDep, settings: SettingsDep, now: NowDep, actor: CurrentActor
) -> s.CaseOut:
    return _move(
        db,
        code,
        now,
        lambda session, case: workflow.decide_extension(
            session, case, actor=actor, now=now, approve=body.approve, settings=settings, note=body.note
        ),
    )


@router.post("/{code}/reply", response_model=s.CaseOut, summary="答复: the department's answer")
def reply(code: str, body: s.ReplyIn, db: DbDep, now: NowDep, actor: CurrentActor) -> s.CaseOut:
    return _move(
        db,
        code,
        now,
        lambda session, case: workflow.reply(
            session, case, actor=actor, now=now, text=body.text, public=body.public, expected_version=body.version
        ),
    )


@router.post("/{code}/rating", response_model=s.CaseOut, summary="回访: the citizen rates the reply")
def rating(
    code: str,
    body: s.RatingIn,
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    actor: MaybeActor,
    secret: TrackingSecret = None,
) -> s.CaseOut:
    return _owner_move(
        db,
        code,
        now,
        actor,
        secret,
        lambda session, case, who: workflow.rate(
            session,
            case,
            actor=who,
            now=now,
            solved=body.solved,
            satisfaction=body.satisfaction,
            settings=settings,
            comment=body.comment,
        ),
    )


@router.post("/{code}/withdraw", response_model=s.CaseOut, summary="The citizen withdraws the case")
def withdraw(
    code: str,
    db: DbDep,
    now: NowDep,
    actor: MaybeActor,
    secret: TrackingSecret = None,
    body: s.OptionalReasonIn | None = None,
) -> s.CaseOut:
    return _owner_move(
        db,
        code,
        now,
        actor,
        secret,
        lambda session, case, who: workflow.withdraw(
            session, case, actor=who, now=now, reason=body.reason if body else None
        ),
    )


@router.post("/{code}/invalidate", response_model=s.CaseOut, summary="Mark invalid (spam, abuse, not a matter)")
def invalidate(code: str, body: s.ReasonIn, db: DbDep, now: NowDep, actor: CurrentActor) -> s.CaseOut:
    return _move(
        db,
        code,
        now,
        lambda session, case: workflow.invalidate(session, case, actor=actor, now=now, reason=body.reason),
    )


@router.post("/{code}/merge", response_model=s.CaseOut, summary="合并: this case duplicates another")
def merge(code: str, body: s.MergeIn, db: DbDep, now: NowDep, actor: CurrentActor) -> s.CaseOut:
    return _move(
        db,
        code,
        now,
        lambda session, case: workflow.merge(
            session, case, into=case_by_code(session, body.into), actor=actor, now=now
        ),
    )


@router.post("/{code}/supervise", response_model=s.CaseOut, summary="督办: a supervisor presses the department")
def supervise(code: str, body: s.ReasonIn, db: DbDep, now: NowDep, actor: CurrentActor) -> s.CaseOut:
    return _move(
        db, code, now, lambda session, case: workflow.supervise(session, case, actor=actor, now=now, reason=body.reason)
    )


@router.post("/{code}/contact", summary="Reveal the citizen's contact details (the look is recorded)")
def contact(code: str, db: DbDep, now: NowDep, actor: CurrentActor) -> dict[str, str | None]:
    with db.transaction() as session:
        return workflow.reveal_contact(session, case_by_code(session, code), actor=actor, now=now)


extensions_router = APIRouter(prefix="/extensions", tags=["supervision"])


@extensions_router.get("", summary="Extension requests (supervisors)")
def list_extensions(
    db: DbDep, actor: CurrentActor, status: ExtensionStatus = ExtensionStatus.PENDING
) -> list[dict[str, object]]:
    require(actor, Action.DECIDE_EXTENSION)
    with db.reading() as session:
        rows = session.execute(
            select(ExtensionRequest, Case.tracking_code)
            .join(Case, Case.id == ExtensionRequest.case_id)
            .where(ExtensionRequest.status == status)
            .order_by(ExtensionRequest.requested_at)
        )
        return [
            {
                "case": code,
                "working_days": r.working_days,
                "reason": r.reason,
                "status": r.status.value,
                "requested_at": r.requested_at.isoformat(),
            }
            for r, code in rows
        ]
