"""The ledger over HTTP: checkpoint, tiles and entry bundles as c2sp.org/tlog-tiles lays them out, the key,
and the citizen's receipt.

Full tiles and full entry bundles never change, so they are cached for a year and marked immutable
(a CDN may keep them forever); the checkpoint and partial tiles are cached for a few seconds only,
since the next checkpoint supersedes them.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response

from gongzhi.cases.lookup import secret_holder
from gongzhi.errors import NotFound, Unauthenticated
from gongzhi.ledger import caselog, publish, storage
from gongzhi.ledger.errors import TileError
from gongzhi.ledger.tiles import parse_tile_path
from gongzhi.web.api.guards import reject_nul
from gongzhi.web.deps import DbDep, SettingsDep, TrackingSecret

IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=5"
TEXT = "text/plain; charset=utf-8"

router = APIRouter(prefix="/ledger", tags=["ledger"])
receipts_router = APIRouter(prefix="/api/v1/cases", tags=["ledger"], dependencies=[Depends(reject_nul)])


@router.get("/checkpoint", summary="The newest signed checkpoint (c2sp.org/tlog-checkpoint)")
def checkpoint(db: DbDep) -> Response:
    with db.reading() as session:
        latest = publish.latest_checkpoint(session)
        note = latest.note if latest else None
    if note is None:
        raise NotFound("the ledger has not signed a checkpoint yet; the worker signs one within seconds")
    return Response(note, media_type=TEXT, headers={"Cache-Control": SHORT})


@router.get("/key", summary="The log's verifier key (c2sp.org/signed-note), to check checkpoints and receipts")
def key(db: DbDep, settings: SettingsDep) -> Response:
    with db.reading() as session:
        verifier = publish.log_verifier(session, settings)
    if verifier is None:
        raise NotFound("the ledger has no signing key yet; set GONGZHI_LEDGER_SIGNER_KEY (or run in demo mode)")
    return Response(verifier.vkey() + "\n", media_type=TEXT, headers={"Cache-Control": SHORT})


@router.get("/tile/{path:path}", summary="A hash tile or entry bundle (c2sp.org/tlog-tiles)")
def tile(path: str, db: DbDep) -> Response:
    try:
        wanted = parse_tile_path(f"tile/{path}")
    except TileError as exc:
        raise NotFound(exc.message) from exc
    with db.reading() as session:
        data = storage.served_bytes(session, wanted)
    cache = SHORT if wanted.is_partial else IMMUTABLE
    return Response(data, media_type="application/octet-stream", headers={"Cache-Control": cache})


@receipts_router.get("/{code}/receipt", summary="The citizen's ledger receipt for their case (verify it offline)")
def receipt(
    code: str,
    db: DbDep,
    secret: TrackingSecret = None,
    event: int | None = Query(None, description="an event of the case; default: the submission"),
) -> Response:
    if not secret:
        raise Unauthenticated("send the case's tracking secret in the X-Tracking-Secret header to get its receipt")
    with db.reading() as session:
        case, _ = secret_holder(session, code=code, secret=secret)
        document = caselog.case_receipt(session, case, event_id=event)
        filename = f"receipt-{case.tracking_code}.json"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"}
    return Response(document.to_json(), media_type="application/json", headers=headers)
