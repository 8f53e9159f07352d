"""Citizens' pages: home with live figures, submitting a message, the confirmation with code and secret."""

from __future__ import annotations

from datetime import datetime

from fastapi import Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from gongzhi.accounts.models import Role
from gongzhi.accounts.permissions import Actor
from gongzhi.cases import intake
from gongzhi.cases.models import CaseType, Channel
from gongzhi.cases.schemas import AttachmentIn, SubmissionIn
from gongzhi.cases.worklists import home_figures
from gongzhi.config import Settings
from gongzhi.db import Database
from gongzhi.directory import listing
from gongzhi.directory.models import RegionLevel
from gongzhi.errors import GongzhiError
from gongzhi.web.deps import DbDep, NowDep, SettingsDep
from gongzhi.web.pages import tracking
from gongzhi.web.pages.forms import blank_to_none, checked, field_errors
from gongzhi.web.pages.render import is_htmx, redirect, render
from gongzhi.web.pages.route import page_router
from gongzhi.web.pages.security import PageActor
from gongzhi.web.threads import run_intake

router = page_router()
FIELDS = ("title", "content", "type", "category", "region", "address", "contact_name", "contact_phone", "contact_email")


@router.get("/")
def home(request: Request, db: DbDep, settings: SettingsDep, now: NowDep, actor: PageActor) -> Response:
    with db.reading() as session:
        figures = home_figures(session, now=now, zone=settings.zone)
    return render(request, "home.html", {"figures": figures})


def _choices(db: DbDep) -> dict[str, object]:
    with db.reading() as session:
        return {
            "tree": listing.category_tree(session),
            "regions": listing.regions(
                session, levels=(RegionLevel.DISTRICT, RegionLevel.STREET, RegionLevel.COMMUNITY)
            ),
            "types": list(CaseType),
        }


@router.get("/submit")
def submit_form(request: Request, db: DbDep, actor: PageActor) -> Response:
    return render(request, "submit.html", {**_choices(db), "values": {"is_public": True}, "errors": {}})


@router.get("/submit/categories")
def category_search(request: Request, db: DbDep, q: str = "", category: str = "") -> Response:
    """The category picker, narrowed to entries matching ``q`` (htmx swaps it in as you type)."""
    with db.reading() as session:
        tree = listing.category_tree(session)
        found = listing.search_categories(session, q) if q.strip() else None
        return render(
            request, "_category_select.html", {"tree": tree, "found": found, "values": {"category": category}}
        )


@router.post("/submit")
async def submit(
    request: Request,
    db: DbDep,
    settings: SettingsDep,
    now: NowDep,
    actor: PageActor,
) -> Response:
    form = await request.form()
    uploads = [f for f in form.getlist("attachments") if isinstance(f, UploadFile) and f.filename]
    values = {name: blank_to_none(str(form.get(name) or "")) for name in FIELDS}
    values["type"] = values["type"] or CaseType.HELP.value
    raw = {**values, "is_public": checked(str(form.get("is_public") or ""))}
    try:
        data = SubmissionIn.model_validate(raw)
        files = [await _read(f, settings.attachment_max_bytes) for f in uploads]
    except ValidationError as exc:
        return _again(request, db, raw, field_errors(request, exc))
    citizen = actor if actor is not None and actor.role is Role.CITIZEN else None
    try:
        receipt = await run_intake(settings, _submit, db, settings, data, now, citizen, files)
    except GongzhiError as exc:
        if exc.field is None:
            raise
        return _again(request, db, raw, {exc.field: exc.message})
    response = redirect(request, f"/submitted/{receipt.tracking_code}")
    tracking.remember(request, response, receipt.tracking_code, receipt.secret)
    return response


def _submit(
    db: Database,
    settings: Settings,
    data: SubmissionIn,
    now: datetime,
    citizen: Actor | None,
    files: list[AttachmentIn],
) -> intake.Receipt:
    with db.transaction_from_first_write() as session:
        return intake.submit(
            session, data=data, channel=Channel.WEB, now=now, settings=settings, citizen=citizen, attachments=files
        )


def _again(request: Request, db: DbDep, values: dict[str, object], errors: dict[str, str]) -> Response:
    return render(request, "submit.html", {**_choices(db), "values": values, "errors": errors}, status=400)


async def _read(upload: UploadFile, limit: int) -> AttachmentIn:
    data = await upload.read(limit + 1)
    return AttachmentIn(filename=upload.filename or "attachment", content_type=upload.content_type or "", data=data)


@router.get("/submitted/{code}")
def submitted(request: Request, code: str, actor: PageActor) -> Response:
    """The confirmation: the tracking code and the secret, shown once to the one who just submitted."""
    secret = tracking.secret_for(request, code)
    if secret is None:
        return redirect(request, f"/track/{code}")
    return render(request, "submitted.html", {"code": code, "secret": secret, "partial": is_htmx(request)})
