"""Measure a classifier: stratified k-fold cross-validation and held-out evaluation.

Macro-F1 is the Teddy Cup's metric: each category counts equally, so a model cannot score well by
getting the big categories right and ignoring 交通运输. Cross-validation reports the mean and standard
deviation over folds, per-class F1 from the pooled out-of-fold predictions, and the expected
calibration error (ECE) of the confidence, which dispatch thresholds depend on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import StratifiedKFold

from gongzhi.text.classify import TextClassifier, TrainConfig, train


def expected_calibration_error(proba: np.ndarray, correct: np.ndarray, *, bins: int = 10) -> float:
    """Mean |confidence − accuracy| over equal-width confidence bins, weighted by bin size."""
    confidence = proba.max(axis=1)
    edges = np.linspace(0.0, 1.0, bins + 1)
    total = 0.0
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        in_bin = (confidence > lo) & (confidence <= hi)
        if in_bin.any():
            total += in_bin.sum() * abs(confidence[in_bin].mean() - correct[in_bin].mean())
    return float(total / max(len(confidence), 1))


def evaluate(
    model: TextClassifier, titles: Sequence[str], details: Sequence[str], labels: Sequence[str]
) -> dict[str, Any]:
    """Figures for a trained model on held-out messages (the JSON of `gongzhi model evaluate`)."""
    proba = model.predict_proba(titles, details)
    predicted = [model.labels[i] for i in proba.argmax(axis=1)]
    return _figures(list(labels), predicted, proba, model.labels)


def cross_validate(
    titles: Sequence[str],
    details: Sequence[str],
    labels: Sequence[str],
    *,
    config: TrainConfig | None = None,
    folds: int = 5,
    seed: int = 0,
    trainer: Callable[..., TextClassifier] = train,
    progress: Callable[[int, dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Stratified ``folds``-fold cross-validation of ``trainer`` (default :func:`train`)."""
    titles, details, y = list(titles), list(details), np.asarray(labels)
    splitter = StratifiedKFold(folds, shuffle=True, random_state=seed)
    per_fold: list[dict[str, Any]] = []
    all_pred = np.empty(len(y), dtype=object)
    all_proba: list[np.ndarray] = [np.empty(0)] * len(y)
    for k, (tr, te) in enumerate(splitter.split(np.zeros(len(y)), y)):
        model = trainer([titles[i] for i in tr], [details[i] for i in tr], list(y[tr]), config=config)
        proba = model.predict_proba([titles[i] for i in te], [details[i] for i in te])
        predicted = [model.labels[i] for i in proba.argmax(axis=1)]
        fold = _figures(list(y[te]), predicted, proba, model.labels)
        per_fold.append(fold)
        all_pred[te] = predicted
        for row, p in zip(te, proba, strict=True):
            all_proba[row] = p
        if progress is not None:
            progress(k, fold)
    macro = [f["macro_f1"] for f in per_fold]
    acc = [f["accuracy"] for f in per_fold]
    pooled = _figures(list(y), list(all_pred), np.vstack(all_proba), sorted(set(y)))
    return {
        "folds": folds,
        "macro_f1": float(np.mean(macro)),
        "macro_f1_std": float(np.std(macro)),
        "accuracy": float(np.mean(acc)),
        "accuracy_std": float(np.std(acc)),
        "per_class_f1": pooled["per_class_f1"],
        "ece": pooled["ece"],
        "messages": len(y),
    }


def _figures(truth: list[str], predicted: list[str], proba: np.ndarray, labels: list[str]) -> dict[str, Any]:
    per_class = f1_score(truth, predicted, labels=labels, average=None, zero_division=0)
    correct = np.asarray(truth) == np.asarray(predicted)
    return {
        "macro_f1": float(f1_score(truth, predicted, labels=labels, average="macro", zero_division=0)),
        "accuracy": float(accuracy_score(truth, predicted)),
        "per_class_f1": {label: round(float(f), 4) for label, f in zip(labels, per_class, strict=True)},
        "ece": round(expected_calibration_error(proba, correct), 4),
        "messages": len(truth),
    }
