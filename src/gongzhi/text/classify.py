"""Train a message classifier and predict categories with a calibrated confidence.

The model is deliberately classical — no downloadable weights, trains in seconds on a laptop, and a
jurisdiction can retrain it from its own closed cases:

- features: TF-IDF over character 1–3-grams and jieba word 1–2-grams, both computed in numpy
  (:mod:`gongzhi.text.vectorise`), sublinear tf, the title counted ``title_weight`` times
  (see :mod:`gongzhi.text.features`);
- scorer: a linear SVM (the best single model on the Teddy data) with class weights inversely
  proportional to the label frequencies (``class_weight="balanced"``: macro-F1 counts 交通运输 as much
  as 城乡建设, and the weighting gains ~0.003 of it), optionally plus complement naive
  Bayes, whose row-standardised scores are added with weight ``nb_weight`` (an ensemble of two
  models that err differently);
- calibration: an SVM's scores are not probabilities. Out-of-fold scores on the training set fit one
  temperature ``T`` and ``softmax(score / T)`` is reported. One parameter cannot overfit, and it
  keeps the SVM's ranking, so accuracy is unchanged while "0.9 confident" means right ~90% of the time.

Dispatch uses the confidence: above the routing threshold the case is routed, else a dispatcher sees
:meth:`TextClassifier.top_k`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.sparse import csr_matrix, hstack
from sklearn.feature_extraction.text import TfidfVectorizer  # models trained before 2026-11
from sklearn.model_selection import StratifiedKFold
from sklearn.naive_bayes import ComplementNB
from sklearn.svm import LinearSVC

from gongzhi.errors import InvalidInput
from gongzhi.text.features import Documents, build_documents
from gongzhi.text.normalise import MAX_CHARS, normalise, require_chinese
from gongzhi.text.segment import Segmenter
from gongzhi.text.vectorise import CharNgramTfidf, NgramTfidf, WordNgramTfidf


@dataclass(frozen=True)
class TrainConfig:
    """Every knob of training, stored with the model so a result can be reproduced."""

    title_weight: int = 4
    char_ngrams: tuple[int, int] = (1, 3)
    word_ngrams: tuple[int, int] = (1, 2)
    min_df: int = 2
    word_chars: int = 400
    detail_chars: int = 1000  # longer details are cut: same 5-fold macro-F1 (0.9318 vs 0.9319), ~10% faster
    svm_c: float = 0.5
    class_weight: str | None = "balanced"
    nb_alpha: float = 0.1
    nb_weight: float = 0.0
    calibration_folds: int = 3
    seed: int = 0

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class Suggestion:
    """One candidate category for a message and the model's calibrated confidence in it."""

    label: str
    confidence: float


@dataclass
class TextClassifier:
    """A trained model: vectorisers, scorers, temperature. Build it with :func:`train`."""

    config: TrainConfig
    labels: list[str]
    segmenter: Segmenter
    char_vectoriser: CharNgramTfidf
    word_vectoriser: WordNgramTfidf | TfidfVectorizer
    svm: LinearSVC
    nb: ComplementNB | None
    temperature: float = 1.0
    info: dict[str, object] = field(default_factory=dict)

    def documents(self, titles: Sequence[str], details: Sequence[str]) -> Documents:
        return build_documents(
            titles,
            details,
            segmenter=self.segmenter,
            title_weight=self.config.title_weight,
            word_chars=self.config.word_chars,
            detail_chars=getattr(self.config, "detail_chars", MAX_CHARS),
        )

    def vectorise(self, docs: Documents) -> csr_matrix:
        if not isinstance(self.word_vectoriser, WordNgramTfidf):  # a model saved before the numpy word features
            return _stack(self.char_vectoriser.transform(docs.chars), self.word_vectoriser.transform(docs.words))
        return _vectorise(self.char_vectoriser, self.word_vectoriser, docs)

    def scores(self, x: csr_matrix) -> np.ndarray:
        """Uncalibrated scores, one column per label (in ``self.labels`` order)."""
        return _combined_scores(self.svm, self.nb, self.config.nb_weight, x)

    def predict_proba(self, titles: Sequence[str], details: Sequence[str] | None = None) -> np.ndarray:
        """Calibrated probabilities, rows summing to 1, columns in ``self.labels`` order.

        ``details`` may be omitted when the whole message is in ``titles`` (the title is then
        weighted like the rest of the text).
        """
        if details is None:
            titles, details = [""] * len(titles), titles
        if len(titles) == 0:
            return np.zeros((0, len(self.labels)))
        return _softmax(self.scores(self.vectorise(self.documents(titles, details))) / self.temperature)

    def predict(self, titles: Sequence[str], details: Sequence[str] | None = None) -> list[str]:
        proba = self.predict_proba(titles, details)
        return [self.labels[i] for i in proba.argmax(axis=1)]

    def top_k(self, title: str, detail: str = "", *, k: int = 3) -> list[Suggestion]:
        """The ``k`` most likely categories of one message, most likely first.

        A message without Chinese characters is refused (:class:`InvalidInput`) rather than given
        confident nonsense: the caller sends it to the dispatcher queue.
        """
        require_chinese(normalise(f"{title} {detail}", mask=False))
        proba = self.predict_proba([title], [detail])[0]
        order = np.argsort(-proba)[:k]
        return [Suggestion(self.labels[i], float(proba[i])) for i in order]


def train(
    titles: Sequence[str],
    details: Sequence[str],
    labels: Sequence[str],
    *,
    config: TrainConfig | None = None,
    user_words: Sequence[str] = (),
    extra_texts: tuple[Sequence[str], Sequence[str]] | None = None,
) -> TextClassifier:
    """Fit a classifier on messages (title, details) and their labels.

    ``user_words`` go into the segmenter's dictionary (local place and department names).
    ``extra_texts`` are unlabelled (titles, details): they only widen the vocabulary and the IDF
    statistics (a cheap semi-supervised step).
    """
    config = config or TrainConfig()
    _check_labels(labels, minimum=max(2, config.calibration_folds))
    segmenter = Segmenter(user_words)
    options = {
        "title_weight": config.title_weight,
        "word_chars": config.word_chars,
        "detail_chars": config.detail_chars,
    }
    docs = build_documents(titles, details, segmenter=segmenter, **options)
    char_vec = CharNgramTfidf(config.char_ngrams)
    word_vec = WordNgramTfidf(config.word_ngrams, lowercase=False)  # build_documents lower-cases
    fit_docs = docs
    if extra_texts is not None:
        extra = build_documents(*extra_texts, segmenter=segmenter, **options)
        fit_docs = Documents(
            docs.titles + extra.titles,
            docs.details + extra.details,
            docs.title_words + extra.title_words,
            docs.detail_words + extra.detail_words,
            config.title_weight,
        )
    _fit_vectoriser(char_vec, fit_docs.char_parts(), config.min_df)
    _fit_vectoriser(word_vec, fit_docs.word_parts(), config.min_df)
    x = _vectorise(char_vec, word_vec, docs)
    y = np.asarray(labels)
    svm, nb = _fit_scorers(x, y, config)
    model = TextClassifier(config, [str(c) for c in svm.classes_], segmenter, char_vec, word_vec, svm, nb)
    model.temperature = _fit_temperature(x, y, config, model.labels)
    model.info = {"training_messages": len(y), "features": x.shape[1], "user_words": len(segmenter.words)}
    return model


def _check_labels(labels: Sequence[str], *, minimum: int) -> None:
    """Every label needs a few examples: one cannot be learnt, nor its confidence calibrated."""
    counts = Counter(labels)
    if len(counts) < 2:
        raise InvalidInput(
            f"training needs at least 2 different labels, got {len(counts)}; check the label column", field="labels"
        )
    rare = sorted(f"'{label}' ({n})" for label, n in counts.items() if n < minimum)
    if rare:
        raise InvalidInput(
            f"each label needs at least {minimum} example messages; too few for {', '.join(rare)}: "
            "add examples, merge the label into a related one, or drop those rows",
            field="labels",
        )


def _fit_vectoriser(vectoriser: NgramTfidf, docs: list[tuple], min_df: int) -> None:
    """Fit with ``min_df``, falling back to 1 on a corpus too small to have repeated n-grams."""
    vectoriser.min_df = min_df if len(docs) >= 20 * min_df else 1
    vectoriser.fit_parts(docs)


def _vectorise(char_vec: CharNgramTfidf, word_vec: WordNgramTfidf, docs: Documents) -> csr_matrix:
    """The feature rows of ``docs``: character block, then word block."""
    return _stack(
        char_vec.transform_parts(docs.char_parts(), docs.weights),
        word_vec.transform_parts(docs.word_parts(), docs.weights),
    )


def _fit_scorers(x: csr_matrix, y: np.ndarray, config: TrainConfig) -> tuple[LinearSVC, ComplementNB | None]:
    class_weight = getattr(config, "class_weight", None)
    svm = LinearSVC(C=config.svm_c, class_weight=class_weight, random_state=config.seed).fit(x, y)
    nb = ComplementNB(alpha=config.nb_alpha).fit(x, y) if config.nb_weight > 0 else None
    return svm, nb


def _combined_scores(svm: LinearSVC, nb: ComplementNB | None, nb_weight: float, x: csr_matrix) -> np.ndarray:
    # LinearSVC's decision_function is this product; its input checks cost more than the product
    # itself for the one message of a submission
    scores = np.asarray(x @ svm.coef_.T) + svm.intercept_
    if scores.shape[1] == 1:
        scores = scores.ravel()
    if scores.ndim == 1:  # two labels: sklearn returns one column, the score of the second label
        scores = np.column_stack([-scores, scores]) / 2
    if nb is not None and nb_weight > 0:
        scores = scores + nb_weight * _standardise_rows(nb.predict_joint_log_proba(x))
    return scores


def _fit_temperature(x: csr_matrix, y: np.ndarray, config: TrainConfig, labels: list[str]) -> float:
    """The temperature minimising the log-loss of out-of-fold scores (see the module docstring)."""
    folds = StratifiedKFold(config.calibration_folds, shuffle=True, random_state=config.seed)
    oof = np.zeros((len(y), len(labels)))
    for train_idx, test_idx in folds.split(np.zeros(len(y)), y):
        svm, nb = _fit_scorers(x[train_idx], y[train_idx], config)
        if list(svm.classes_) != labels:  # a label absent from this fold: cannot happen with stratified folds
            raise InvalidInput("calibration failed: a label is missing from a fold; give more examples per label")
        oof[test_idx] = _combined_scores(svm, nb, config.nb_weight, x[test_idx])
    target = np.searchsorted(np.asarray(labels), y)

    def nll(log_t: float) -> float:
        p = _softmax(oof / np.exp(log_t))
        return float(-np.log(np.clip(p[np.arange(len(y)), target], 1e-12, None)).mean())

    result = minimize_scalar(nll, bounds=(-6.0, 4.0), method="bounded")
    return float(np.exp(result.x))


def _stack(a: csr_matrix, b: csr_matrix) -> csr_matrix:
    return hstack([a, b], format="csr")


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def _standardise_rows(z: np.ndarray) -> np.ndarray:
    std = z.std(axis=1, keepdims=True)
    return (z - z.mean(axis=1, keepdims=True)) / np.where(std > 0, std, 1.0)
