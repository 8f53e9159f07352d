"""Versioned models: register a trained model, activate one per purpose, and keep the active ones loaded.

A version is a row of ``text_model`` (its id is the version number) pointing at a model directory
written by :func:`gongzhi.text.store.save_model` under ``GONGZHI_MODEL_DIR``. Directory names carry
the purpose, the time and a random suffix, so two databases sharing a model directory (two demos side
by side) never overwrite each other's files.

Intake asks :func:`active_models` once per case: one query for the active versions, then each
model comes from a per-process cache keyed by its directory. A new version activated anywhere is
picked up by the next case; an unreadable directory is logged once and treated as "no model", so a
broken file can never stop a citizen's message from being accepted.
"""

from __future__ import annotations

import logging
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from gongzhi.config import Settings
from gongzhi.db import normalise_url
from gongzhi.errors import GongzhiError, InvalidInput, NotFound
from gongzhi.text.models import Purpose, TextModel

if TYPE_CHECKING:  # scikit-learn loads only when a model does, not with every process that imports intake
    from gongzhi.text.classify import TextClassifier

log = logging.getLogger(__name__)
CACHE_SIZE = 8  # loaded models kept per process: the active ones plus a few just replaced


@dataclass(frozen=True)
class ActiveModel:
    version: int
    purpose: Purpose
    model: TextClassifier


@dataclass(frozen=True)
class ModelStatus:
    """One registry row and whether its directory is usable (for `gongzhi model list`)."""

    row: TextModel
    problem: str | None


def new_model_dir(settings: Settings, purpose: Purpose, now: datetime) -> Path:
    """A fresh, absolute directory for a model about to be trained."""
    return model_root(settings) / f"{purpose.value}-{now:%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def model_root(settings: Settings) -> Path:
    """``GONGZHI_MODEL_DIR``, else ``gongzhi-models`` beside the SQLite file (a demo's models stay with its
    database), else ``./gongzhi-models``."""
    if settings.model_dir:
        return Path(settings.model_dir).expanduser().resolve()
    url = make_url(normalise_url(settings.database_url))
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).expanduser().resolve().parent / "gongzhi-models"
    return Path("gongzhi-models").resolve()


def parse_purpose(value: str) -> Purpose:
    try:
        return Purpose(value)
    except ValueError:
        choices = ", ".join(p.value for p in Purpose)
        raise InvalidInput(f"unknown purpose {value!r}; choose one of {choices}", field="purpose") from None


def register(
    session: Session,
    *,
    purpose: Purpose,
    path: Path,
    created_at: datetime,
    metrics: dict[str, Any],
    source: str,
    activate_it: bool = False,
) -> TextModel:
    """Record a trained model as a new version (and make it the active one if asked)."""
    row = TextModel(
        purpose=purpose.value,
        path=str(Path(path).resolve()),
        created_at=created_at,
        metrics=metrics,
        source=source[:500],
        active=False,
    )
    session.add(row)
    session.flush()
    if activate_it:
        activate(session, row.id)
    return row


def activate(session: Session, version: int) -> TextModel:
    """Make ``version`` the active model of its purpose, after checking its files are intact."""
    row = session.get(TextModel, version)
    if row is None:
        raise NotFound(f"no model version {version}; `gongzhi model list` shows the versions")
    from gongzhi.text.store import verify

    verify(Path(row.path))  # refuse to activate what intake could not load
    session.execute(
        update(TextModel).where(TextModel.purpose == row.purpose, TextModel.id != row.id).values(active=False)
    )
    row.active = True
    return row


def list_models(session: Session) -> list[ModelStatus]:
    """Every version, newest first, each with the problem of its directory (None when usable)."""
    from gongzhi.text.store import verify

    rows = session.scalars(select(TextModel).order_by(TextModel.id.desc()))
    statuses = []
    for row in rows:
        try:
            verify(Path(row.path))
            problem = None
        except InvalidInput as exc:
            problem = exc.message
        statuses.append(ModelStatus(row, problem))
    return statuses


def active_models(session: Session) -> dict[Purpose, ActiveModel]:
    """The active model of each purpose that has a usable one (one query; models come from the cache)."""
    found: dict[Purpose, ActiveModel] = {}
    for version, purpose, path in session.execute(
        select(TextModel.id, TextModel.purpose, TextModel.path).where(TextModel.active)
    ):
        model = _cache.get(path)
        if model is not None and purpose in Purpose._value2member_map_:
            found[Purpose(purpose)] = ActiveModel(version, Purpose(purpose), model)
    return found


def active_model(session: Session, purpose: Purpose) -> ActiveModel | None:
    return active_models(session).get(purpose)


class _ModelCache:
    """Loaded models by directory, least recently used dropped first; failures remembered too.

    A failure is remembered with the modification time of the directory's ``model.json``, so a
    directory restored from a backup (or retrained in place) is tried again, and a broken one is
    not re-read on every case.
    """

    def __init__(self, size: int) -> None:
        self.size = size
        self._loaded: OrderedDict[str, TextClassifier] = OrderedDict()
        self._failed: dict[str, int] = {}
        self._lock = threading.Lock()

    def get(self, path: str) -> TextClassifier | None:
        with self._lock:
            model = self._loaded.get(path)
            if model is not None:
                self._loaded.move_to_end(path)
                return model
            stamp = _stamp(path)
            if self._failed.get(path) == stamp:
                return None
            try:
                from gongzhi.text.store import load_model

                model = load_model(Path(path))
            except Exception as exc:  # any failure to load means "no model", never a failed intake
                reason = exc.message if isinstance(exc, GongzhiError) else repr(exc)
                log.warning("text model %s is unusable, working without it: %s", path, reason)
                self._failed[path] = stamp
                return None
            self._failed.pop(path, None)
            self._loaded[path] = model
            while len(self._loaded) > self.size:
                self._loaded.popitem(last=False)
            return model

    def clear(self) -> None:
        with self._lock:
            self._loaded.clear()
            self._failed.clear()


def _stamp(path: str) -> int:
    try:
        return (Path(path) / "model.json").stat().st_mtime_ns
    except OSError:
        return -1


_cache = _ModelCache(CACHE_SIZE)


def clear_cache() -> None:
    """Forget every loaded model (tests; a process that wants to re-read every directory)."""
    _cache.clear()
