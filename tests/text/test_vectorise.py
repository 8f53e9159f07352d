from __future__ import annotations

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from gongzhi.text.vectorise import CharNgramTfidf
from tests.text.fixtures import DETAILS, TITLES

DOCS = [f"{t} {t} {d}" for t, d in zip(TITLES, DETAILS, strict=True)]


def test_same_features_as_scikit_learn() -> None:
    ours = CharNgramTfidf((1, 3), min_df=2).fit(DOCS)
    theirs = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2).fit(DOCS)
    assert ours.n_features == len(theirs.vocabulary_)
    unseen = ["公交车站在哪里 ABC", "x", ""]
    a, b = ours.transform(DOCS + unseen), theirs.transform(DOCS + unseen)
    for i in range(a.shape[0]):
        assert np.allclose(np.sort(a[i].data), np.sort(b[i].data))


def test_empty_batch_and_short_documents() -> None:
    vec = CharNgramTfidf((1, 3)).fit(["医院", "学"])
    assert vec.transform([]).shape == (0, vec.n_features)
    assert vec.transform(["学"]).nnz == 1
