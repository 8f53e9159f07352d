"""Public pages of the trust ledger: verify a receipt, notarise a document, and the citizen's receipt download.

``/verify`` shows the log's status (newest checkpoint, each witness's standing) and checks a pasted or
uploaded receipt twice: in the browser (``static/ledger-verify.js``,
WebCrypto Ed25519, nothing sent) and, on request, on the server, which also says whether the log
of today still stands behind it. ``/notary`` records a document's SHA-256 (computed in the
browser, so by default the document is not uploaded) and hands out its receipt; ``/notary/verify``
checks a document against a receipt later, hashing it in the browser.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from gongzhi.errors import InvalidInput
from gongzhi.ledger import caselog, notary, publish
from gongzhi.ledger.receipts import MAX_RECEIPT_BYTES
from gongzhi.ledger.status import LogStatus, log_status
from gongzhi.web.deps import DbDep, NowDep, SettingsDep
from gongzhi.web.i18n import N_
from gongzhi.web.notary import explain, notarise_request, receipt_response
from gongzhi.web.pages.render import gettext, redirect, render
from gongzhi.web.pages.route import page_router
from gongzhi.web.pages.security import PageActor
from gongzhi.web.pages.tracking import _who as tracking_holder  # who may follow a case: one rule

router = page_router()

STEPS = {
    "receipt": N_("Receipt read"),
    "leaf": N_("Leaf hash of the entry"),
    "path": N_("Inclusion path to the root"),
    "signature": N_("Checkpoint signed by the log"),
    "root": N_("Root matches the checkpoint"),
    "witnesses": N_("Witness cosignatures"),
    "commitment": N_("Commitment opened"),
    "document": N_("Document hash"),
    "standing": N_("Still in the log today"),
    "verdict": N_("Verdict"),
}


def _labels(request: Request) -> dict[str, str]:
    """The step names in the page's language, for the server's list and the browser script alike."""
    return {name: gettext(request, label) for name, label in STEPS.items()}


def _log_key(db: DbDep, settings: SettingsDep) -> str:
    with db.reading() as session:
        verifier = publish.log_verifier(session, settings)
    return verifier.vkey() if verifier else ""


def _status(db: DbDep, settings: SettingsDep) -> LogStatus:
    """The newest checkpoint and the witnesses' standing, shown under the verifier (public)."""
    with db.reading() as session:
        return log_status(session, settings)


@router.get("/verify")
def verify_form(request: Request, db: DbDep, settings: SettingsDep, actor: PageActor) -> Response:
    values = {"vkey": _log_key(db, settings), "result": None, "receipt": "", "labels": _labels(request)}
    values["status"] = _status(db, settings)
    return render(request, "ledger_verify.html", values)


@router.post("/verify")
async def verify(request: Request, db: DbDep, settings: SettingsDep, now: NowDep, actor: PageActor) -> Response:
    form = await request.form()
    text = await _receipt_text(form.get("receipt"), form.get("receipt_file"))
    sha256 = str(form.get("sha256") or "").strip() or None
    witnesses = [line.strip() for line in str(form.get("witnesses") or "").splitlines() if line.strip()]
    try:
        result = explain(db, settings, text, sha256, witnesses, now)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from exc
    values = {"vkey": _log_key(db, settings), "result": result, "receipt": text, "sha256": sha256 or ""}
    values["labels"], values["status"] = _labels(request), _status(db, settings)
    return render(request, "ledger_verify.html", values)  # a receipt that fails is an answer, not an error


async def _receipt_text(pasted: object, upload: object) -> str:
    """The receipt from the upload if one was chosen, else from the text box."""
    if isinstance(upload, UploadFile) and upload.filename:
        data = await upload.read(MAX_RECEIPT_BYTES + 1)
        if len(data) > MAX_RECEIPT_BYTES:
            raise InvalidInput("this file is too large to be a receipt (receipts are a few kilobytes)")
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InvalidInput("this file is not a receipt: receipts are UTF-8 JSON text") from exc
    text = str(pasted or "").strip()
    if not text:
        raise InvalidInput("paste the receipt, or choose its file")
    return text


@router.get("/notary")
def notary_form(request: Request, actor: PageActor) -> Response:
    return render(request, "notary.html", {"done": None, "limit_mb": notary.MAX_DOCUMENT_BYTES // (1024 * 1024)})


@router.post("/notary")
async def notarise(request: Request, db: DbDep, now: NowDep, actor: PageActor) -> Response:
    done = await notarise_request(request, db, now)
    return redirect(request, f"/notary/{done.entry_id}")


@router.get("/notary/{number:int}")
def notarised(request: Request, number: int, db: DbDep, actor: PageActor) -> Response:
    with db.reading() as session:
        done = notary.notarised(session, number)
    return render(request, "notary.html", {"done": done, "limit_mb": notary.MAX_DOCUMENT_BYTES // (1024 * 1024)})


@router.get("/notary/verify")
def notary_verify_form(request: Request, db: DbDep, settings: SettingsDep, actor: PageActor) -> Response:
    return render(request, "notary_verify.html", {"vkey": _log_key(db, settings), "labels": _labels(request)})


@router.get("/notary/{number:int}/receipt")
def notary_receipt(number: int, db: DbDep, actor: PageActor) -> Response:
    with db.reading() as session:
        receipt = notary.notary_receipt(session, number)
    return receipt_response(receipt, f"notary-{number}.json")


@router.get("/track/{code}/receipt")
def case_receipt(request: Request, code: str, db: DbDep, actor: PageActor) -> Response:
    """The citizen's receipt, for the holder of the case's secret (the tracking cookie) or its author."""
    with db.reading() as session:
        case, _ = tracking_holder(session, request, code, actor)
        receipt = caselog.case_receipt(session, case)
        name = f"receipt-{case.tracking_code}.json"
    return receipt_response(receipt, name)
