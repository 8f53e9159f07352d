"""Train, evaluate, save and register a model version: the steps `gongzhi model train` and the demo share.

Every version is evaluated before it is saved (stratified k-fold cross-validation on its own
training data, the figures stored in ``model.json`` and in the registry), so `gongzhi model list`
can show what each version is worth before anyone activates it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongzhi.text.classify import TrainConfig, train
from gongzhi.text.data import LabelledMessages
from gongzhi.text.evaluate import cross_validate
from gongzhi.text.store import save_model

if TYPE_CHECKING:
    from gongzhi.config import Settings
    from gongzhi.db import Database
    from gongzhi.text.models import TextModel


@dataclass(frozen=True)
class Fitted:
    path: Path
    evaluation: dict[str, Any]
    messages: int


def fit_and_save(
    messages: LabelledMessages,
    *,
    out: Path,
    created_at: datetime,
    folds: int = 5,
    user_words: Sequence[str] = (),
    config: TrainConfig | None = None,
    progress: Callable[[int, dict[str, Any]], None] | None = None,
) -> Fitted:
    """Cross-validate (unless ``folds`` is 0), train on everything, save to ``out``."""
    evaluation: dict[str, Any] = {}
    if folds:
        evaluation = cross_validate(
            messages.titles,
            messages.details,
            messages.labels,
            folds=folds,
            config=config,
            progress=progress,
            trainer=lambda t, d, y, config=None: train(t, d, y, config=config, user_words=user_words),
        )
    model = train(messages.titles, messages.details, messages.labels, config=config, user_words=user_words)
    save_model(model, out, created_at=created_at, evaluation=evaluation)
    return Fitted(Path(out), evaluation, len(messages.labels))


def directory_words(session: Session) -> list[str]:
    """Names of the jurisdiction's regions, departments and categories, kept whole by the segmenter."""
    from gongzhi.directory.models import Category, Department, Region

    names: set[str] = set()
    for column in (Region.name, Department.name, Category.name):
        names.update(n for n in session.scalars(select(column)) if n and len(n) >= 2)
    return sorted(names)


# Fewer n-grams and calibration folds: a third of the default's training time on a hundred-odd
# categories, for the demo, which trains while a person waits.
QUICK = replace(TrainConfig(), char_ngrams=(1, 2), word_ngrams=(1, 1), calibration_folds=2)


def train_from_closed_cases(
    db: Database,
    *,
    settings: Settings,
    now: datetime,
    folds: int = 0,
    activate: bool = True,
    config: TrainConfig | None = None,
) -> TextModel | None:
    """Train a category model on the database's closed cases, register it (and activate it); None when
    there are too few closed cases to learn two categories (at least 5 cases each)."""
    from gongzhi.text.data import closed_case_examples
    from gongzhi.text.models import Purpose
    from gongzhi.text.registry import new_model_dir, register

    with db.reading() as session:
        examples = closed_case_examples(session, minimum=5)
        words = directory_words(session)
    if len(set(examples.messages.labels)) < 2:
        return None
    out = new_model_dir(settings, Purpose.CATEGORY, now)
    fitted = fit_and_save(examples.messages, out=out, created_at=now, folds=folds, user_words=words, config=config)
    source = f"database: {fitted.messages} closed cases, {examples.corrections} dispatcher corrections"
    with db.transaction() as session:
        row = register(
            session,
            purpose=Purpose.CATEGORY,
            path=out,
            created_at=now,
            metrics=fitted.evaluation,
            source=source,
            activate_it=activate,
        )
        session.flush()
        session.expunge(row)
    return row
