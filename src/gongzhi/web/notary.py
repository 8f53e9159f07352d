"""JSON API of notarisation (存证) and of server-side receipt verification.

``POST /api/v1/notary``: multipart with a ``document`` file, or a ``sha256`` field (form or JSON)
→ 201 with the entry's number and where its receipt will be. ``GET /api/v1/notary/{n}/receipt``:
the receipt (409 for the few seconds until the worker has signed a checkpoint covering it).
``POST /api/v1/ledger/verify``: a receipt (and optionally a document's SHA-256) → the verification
steps as JSON, the same the public page shows.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import UploadFile

from gongzhi.errors import InvalidInput, NotFound
from gongzhi.ledger import notary, publish
from gongzhi.ledger.explain import Explanation, explain_receipt
from gongzhi.ledger.receipts import Receipt, parse_receipt
from gongzhi.ledger.standing import check_standing
from gongzhi.web.deps import DbDep, NowDep, SettingsDep

router = APIRouter(prefix="/api/v1", tags=["ledger"])
CHUNK = 1 << 16


async def chunks(upload: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await upload.read(CHUNK):
        yield chunk


async def read_document(upload: UploadFile) -> tuple[str, int]:
    """Hash an uploaded document as it is read, refusing it once it passes the size limit."""
    collected: list[bytes] = []
    size = 0
    async for chunk in chunks(upload):
        size += len(chunk)
        collected.append(chunk)
        if size > notary.MAX_DOCUMENT_BYTES:
            break
    return notary.hash_upload(collected)


async def notarise_request(request: Request, db: DbDep, now: NowDep) -> notary.Notarised:
    """Shared by the API and the page: a document or a hash from the request → the entry, committed."""
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            body = await request.json()
        except ValueError as exc:
            raise InvalidInput('the body is not JSON; send {"sha256": "<64 hex digits>"}') from exc
        digest, size = str(body.get("sha256", "") if isinstance(body, dict) else ""), None
    else:
        form = await request.form()
        document = form.get("document")
        if isinstance(document, UploadFile) and document.filename:
            digest, size = await read_document(document)
        else:
            digest, size = str(form.get("sha256") or ""), None
    if not digest:
        raise InvalidInput("send the document (field 'document') or its SHA-256 (field 'sha256')", field="sha256")
    with db.transaction() as session:
        return notary.notarise(session, sha256=digest, size=size, now=now)


@router.post("/notary", status_code=201, summary="Notarise a document (or its SHA-256): a ledger entry and a receipt")
async def notarise(request: Request, db: DbDep, now: NowDep) -> dict[str, Any]:
    done = await notarise_request(request, db, now)
    return {
        "entry": done.entry_id,
        "sha256": done.sha256,
        "size": done.size,
        "at": done.at,
        "receipt_url": f"/api/v1/notary/{done.entry_id}/receipt",
    }


def receipt_response(receipt: Receipt, filename: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}
    return Response(receipt.to_json(), media_type="application/json", headers=headers)


@router.get("/notary/{number}/receipt", summary="The receipt of a notarised document")
def notary_receipt(number: int, db: DbDep) -> Response:
    with db.reading() as session:
        receipt = notary.notary_receipt(session, number)
    return receipt_response(receipt, f"notary-{number}.json")


def explain(
    db: DbDep, settings: SettingsDep, text: str, sha256: str | None, witnesses: list[str], now: datetime | None = None
) -> Explanation:
    """The verification steps, including whether the log of today still stands behind the receipt.

    ``now`` (the server's clock) makes the verdict refuse cosignatures dated in the future.
    """
    with db.reading() as session:
        verifier = publish.log_verifier(session, settings)
        if verifier is None:
            raise NotFound("the ledger has no key yet, so there is nothing to verify against")

        def standing(receipt: Receipt) -> str:
            today = check_standing(session, receipt)
            return f"the log of today still holds entry {today.index}; its newest checkpoint has {today.size} entries"

        return explain_receipt(
            text,
            log_key=verifier.vkey(),
            witness_keys=witnesses,
            sha256=sha256 or None,
            standing=standing,
            now=int(now.timestamp()) if now else None,
        )


@router.post("/ledger/verify", summary="Verify a receipt on the server, step by step")
async def verify(request: Request, db: DbDep, settings: SettingsDep, now: NowDep) -> JSONResponse:
    try:
        body = await request.json()
    except ValueError as exc:
        raise InvalidInput('send JSON: {"receipt": <the receipt>, "sha256": <optional document hash>}') from exc
    if not isinstance(body, dict) or "receipt" not in body:
        raise InvalidInput('send JSON: {"receipt": <the receipt>, "sha256": <optional document hash>}')
    raw, witnesses, sha256 = body["receipt"], body.get("witnesses") or [], body.get("sha256")
    if not isinstance(witnesses, list) or not isinstance(sha256, str | None):
        raise InvalidInput('"witnesses" is a list of verifier keys and "sha256" a string of 64 hex digits')
    text = raw if isinstance(raw, str) else _json_text(raw)
    result = explain(db, settings, text, sha256, [str(w) for w in witnesses], now)
    steps = [{"name": s.name, "ok": s.ok, "detail": s.detail, "path": [vars(p) for p in s.path]} for s in result.steps]
    return JSONResponse({"ok": result.ok, "steps": steps, "entry": result.entry})


def _json_text(raw: object) -> str:
    text = json.dumps(raw, ensure_ascii=False)
    parse_receipt(text)  # a readable error now rather than a failed first step
    return text
