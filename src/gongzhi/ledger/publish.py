"""Signing and publishing checkpoints, and the log's key.

The worker calls ``publish`` every few seconds: when the tree has grown since the last checkpoint
it signs a new one (c2sp.org/tlog-checkpoint) and stores it; the newest stored checkpoint is the
one served. Before signing, it proves to itself that the new tree extends the last published one
(a consistency proof from the stored tiles) and that the tiles give the recorded root, so a
corrupted database can never make the log sign a fork of its own history. Witnesses' cosignatures
arrive after publication (``cosign.collect``) and are appended to the stored note, the text that
is served and put in receipts.

The key: ``GONGZHI_LEDGER_SIGNER_KEY`` in production. In demo mode, when it is unset, a key is
generated on first use and kept in ``ledger_state.demo_signer_key``, so that a demo's checkpoints
stay verifiable across restarts without any set-up; a real deployment keeps its key out of the
database it vouches for.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongzhi.config import Settings
from gongzhi.ledger.checkpoint import Checkpoint, sign_checkpoint
from gongzhi.ledger.errors import ProofError, StoredLogError
from gongzhi.ledger.log import STATE_ID, lock_state
from gongzhi.ledger.merkle import consistency_proof, tree_root, verify_consistency
from gongzhi.ledger.models import LedgerCheckpoint, LedgerState
from gongzhi.ledger.note import Ed25519Signer, Ed25519Verifier, generate_key
from gongzhi.ledger.storage import database_reader


def log_signer(session: Session, settings: Settings, *, create: bool = False) -> Ed25519Signer | None:
    """The key that signs checkpoints; None when there is none (yet) to sign with.

    ``create`` (demo mode only) generates and stores a key when none is kept yet; it locks the
    state row, so call it in a write transaction.
    """
    if settings.ledger_signer_key:
        return Ed25519Signer.from_skey(settings.ledger_signer_key)
    if not settings.demo:
        return None
    state = lock_state(session) if create else session.get(LedgerState, STATE_ID)
    if state is None:
        return None
    if state.demo_signer_key is None and create:
        state.demo_signer_key = generate_key(str(settings.ledger_origin))[0]
    if state.demo_signer_key is None:
        return None
    signer = Ed25519Signer.from_skey(state.demo_signer_key)
    if signer.name != settings.ledger_origin:
        raise StoredLogError(
            f"the demo log's stored key is for {signer.name!r}, not GONGZHI_LEDGER_ORIGIN {settings.ledger_origin!r}; "
            "use the origin the demo was created with, or start from a fresh demo database"
        )
    return signer


def log_verifier(session: Session, settings: Settings) -> Ed25519Verifier | None:
    """The verifier key to publish at ``/ledger/key``, if the log has a key yet."""
    signer = log_signer(session, settings)
    return signer.verifier() if signer else None


def publish(session: Session, *, signer: Ed25519Signer, now: datetime) -> LedgerCheckpoint | None:
    """Sign and store a checkpoint of the integrated tree if it grew (or if none exists yet)."""
    state = lock_state(session)
    latest = latest_checkpoint(session)
    if latest is not None and latest.size == state.size:
        return None
    _check_extends(session, latest, state)
    note = sign_checkpoint(Checkpoint(signer.name, state.size, state.root), [signer])
    checkpoint = LedgerCheckpoint(size=state.size, root=state.root, note=note, published_at=now)
    session.add(checkpoint)
    session.flush()
    return checkpoint


def latest_checkpoint(session: Session) -> LedgerCheckpoint | None:
    """The newest signed checkpoint: the one served and used in receipts."""
    return session.scalars(select(LedgerCheckpoint).order_by(LedgerCheckpoint.id.desc()).limit(1)).first()


def _check_extends(session: Session, latest: LedgerCheckpoint | None, state: LedgerState) -> None:
    """Refuse to sign unless the stored tree has the recorded root and extends the last checkpoint."""
    reader = database_reader(session)
    try:
        if tree_root(reader, state.size) != state.root:
            raise StoredLogError(f"the stored tiles do not give the root recorded for size {state.size}")
        if latest is None:
            return
        if latest.size > state.size:
            raise StoredLogError(f"the tree has {state.size} entries, fewer than checkpoint {latest.size} published")
        proof = consistency_proof(reader, latest.size, state.size)
        verify_consistency(latest.size, state.size, proof, latest.root, state.root)
    except (LookupError, ProofError) as exc:
        raise StoredLogError(f"not signing: the stored tree does not extend the last checkpoint ({exc})") from exc
