"""Measure a classifier: stratified k-fold cross-validation and held-out evaluation.

Macro-F1 is the Teddy Cup's metric: each category counts equally, so a model cannot score well by
getting the big categories right and ignoring 交通运输. Cross-validation reports the mean and standard
deviation over folds, per-class F1 from the pooled out-of-fold predictions, and the expected
calibration error (ECE) of the confidence, which dispatch thresholds depend on.

The confusion matrix (rows: true label, columns: predicted) is part of the figures and can be drawn
as a PNG (:func:`write_confusion_png`) for people who read pictures rather than JSON.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score
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
        "labels": pooled["labels"],
        "confusion": pooled["confusion"],
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
        "labels": list(labels),
        "confusion": confusion_matrix(truth, predicted, labels=labels).tolist(),
    }


#: Fonts tried, in order, for Chinese labels on the confusion-matrix picture (Debian: fonts-noto-cjk).
CJK_FONTS = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei")


def cjk_font() -> str | None:
    """The name of an installed font that can draw Chinese, or None."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in CJK_FONTS if name in installed), None)


def write_confusion_png(
    confusion: Sequence[Sequence[int]], labels: Sequence[str], path: Path, *, title: str = ""
) -> dict[str, Any]:
    """Draw the confusion matrix (rows: true, columns: predicted) as a PNG at ``path``.

    Chinese labels need a CJK font; without one, ticks show codes ``L1``, ``L2`` … and the returned
    ``legend`` maps each code to its label (it goes into the JSON next to the picture). Returns
    ``{"png": path, "font": name or None, "legend": {...}}``.
    """
    import matplotlib

    matplotlib.use("Agg")  # no display: draw to a file
    import matplotlib.pyplot as plt

    matrix = np.asarray(confusion, dtype=float)
    font = cjk_font()
    ticks = list(labels) if font else [f"L{i + 1}" for i in range(len(labels))]
    legend = {} if font else dict(zip(ticks, labels, strict=True))
    size = max(4.0, 0.9 * len(labels) + 2.0)
    with plt.rc_context({"font.family": [font] if font else ["DejaVu Sans"], "axes.unicode_minus": False}):
        fig, ax = plt.subplots(figsize=(size + 1.0, size), dpi=110)
        try:
            row_sums = matrix.sum(axis=1, keepdims=True)
            shares = np.divide(matrix, row_sums, out=np.zeros_like(matrix), where=row_sums > 0)
            image = ax.imshow(shares, cmap="Blues", vmin=0.0, vmax=1.0)
            for (i, j), count in np.ndenumerate(matrix):
                colour = "white" if shares[i, j] > 0.5 else "black"
                ax.text(j, i, f"{int(count)}", ha="center", va="center", color=colour, fontsize=8)
            ax.set_xticks(range(len(ticks)), ticks, rotation=45, ha="right")
            ax.set_yticks(range(len(ticks)), ticks)
            ax.set_xlabel("predicted / 预测" if font else "predicted")
            ax.set_ylabel("true / 实际" if font else "true")
            if title:
                ax.set_title(title)
            fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04, label="share of the true label")
            fig.tight_layout()
            path = Path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            fig.savefig(path)
        finally:
            plt.close(fig)
    return {"png": str(path), "font": font, "legend": legend}


def label_agreement(
    titles: Sequence[str], details: Sequence[str], labels: Sequence[str], *, threshold: float = 0.9
) -> dict[str, Any]:
    """How consistently the data labels (near-)identical messages: an estimate of its label noise.

    Two messages whose character 1–3-gram TF-IDF vectors have cosine ≥ ``threshold`` say the same
    thing (a citizen posting twice, a copied complaint). If such pairs carry different labels, no
    model can get both right, and the share of disagreeing pairs estimates how often the labellers
    themselves disagree: a ceiling on any model's accuracy that more features cannot lift.
    """
    from gongzhi.text.normalise import normalise
    from gongzhi.text.vectorise import CharNgramTfidf

    texts = [normalise(f"{t} {d}", mask=False) for t, d in zip(titles, details, strict=True)]
    y = np.asarray(labels)
    exact: dict[str, set[str]] = {}
    sizes: dict[str, int] = {}
    for text, label in zip(texts, labels, strict=True):
        exact.setdefault(text, set()).add(label)
        sizes[text] = sizes.get(text, 0) + 1
    groups = [t for t, n in sizes.items() if n > 1]
    x = CharNgramTfidf((1, 3), min_df=2).fit_transform(texts)
    pairs = disagree = 0
    for start in range(0, x.shape[0], 500):
        sim = (x[start : start + 500] @ x.T).toarray()
        rows, cols = np.nonzero(sim >= threshold)
        keep = cols > rows + start  # each unordered pair once, not a message with itself
        rows, cols = rows[keep] + start, cols[keep]
        pairs += len(rows)
        disagree += int((y[rows] != y[cols]).sum())
    return {
        "exact_duplicate_groups": len(groups),
        "exact_duplicate_messages": sum(sizes[t] for t in groups),
        "exact_groups_with_different_labels": sum(1 for t in groups if len(exact[t]) > 1),
        "near_duplicate_threshold": threshold,
        "near_duplicate_pairs": pairs,
        "near_duplicate_pairs_with_different_labels": disagree,
        "near_duplicate_disagreement": round(disagree / pairs, 4) if pairs else 0.0,
    }
