"""The numpy n-gram vectorisers and the documents they read (gongzhi.text.vectorise, gongzhi.text.features)."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from gongzhi.errors import InvalidInput
from gongzhi.text.features import build_documents
from gongzhi.text.segment import Segmenter
from gongzhi.text.vectorise import CharNgramTfidf, WordNgramTfidf
from tests.text.fixtures import DETAILS, TITLES

SEGMENTER = Segmenter()
WORD_DOCS = [SEGMENTER.joined(f"{t} {d}") for t, d in zip(TITLES, DETAILS, strict=True)]


def _same_rows(a, b) -> None:
    assert a.shape[0] == b.shape[0]
    for i in range(a.shape[0]):
        assert np.allclose(np.sort(a[i].data), np.sort(b[i].data))


def test_word_ngrams_are_scikit_learns() -> None:
    ours = WordNgramTfidf((1, 2), min_df=2).fit(WORD_DOCS)
    theirs = TfidfVectorizer(token_pattern=r"(?u)\S+", ngram_range=(1, 2), sublinear_tf=True, min_df=2).fit(WORD_DOCS)
    assert ours.n_features == len(theirs.vocabulary_)
    unseen = ["公交车 站 在 哪里 ABC", "x", ""]
    _same_rows(ours.transform(WORD_DOCS + unseen), theirs.transform(WORD_DOCS + unseen))
    # a list of words reads like the space-separated string
    as_lists = ours.transform([d.split() for d in WORD_DOCS])
    assert np.allclose(as_lists.toarray(), ours.transform(WORD_DOCS).toarray())


def test_word_trigrams_and_unknown_words_break_ngrams() -> None:
    vec = WordNgramTfidf((1, 3)).fit(["a b c", "b c d"])
    # 4 unigrams, 3 bigrams (a b, b c, c d), 2 trigrams
    assert vec.n_features == 9
    row = vec.transform(["a zzz b c"])
    # a, b, c, "b c" — nothing that spans the unknown word
    assert row.nnz == 4
    with pytest.raises(ValueError, match="1 to 3 words"):
        WordNgramTfidf((1, 4))


def test_weighted_parts_count_like_repetition_without_crossing_parts() -> None:
    parts = [("医院排队", "挂号排队太久"), ("学校收费", "补课费太贵")]
    vec = CharNgramTfidf((1, 1)).fit_parts(parts)
    # for single characters, a title counted 3 times is the title written 3 times, without spaces
    repeated = [t * 3 + d for t, d in parts]
    assert np.allclose(vec.transform_parts(parts, (3, 1)).toarray(), vec.transform(repeated).toarray())
    # bigrams never span the title/details boundary
    assert CharNgramTfidf((2, 2)).fit_parts([("ab", "cd")]).n_features == 2
    assert CharNgramTfidf((2, 2)).fit(["abcd"]).n_features == 3


def test_documents_are_normalised_lower_cased_and_cut() -> None:
    docs = build_documents(
        ["  醫院ＡＢＣ "], ["\n\t\t\t掛號排隊太久，電話13812345678"], segmenter=SEGMENTER, title_weight=3, word_chars=4
    )
    assert docs.titles == ["医院abc"]
    assert "13812345678" not in docs.details[0] and "[手机号]" in docs.details[0]
    assert "".join(docs.detail_words[0]) == docs.details[0][:4]
    assert docs.weights == (3, 1)
    assert docs.chars[0].startswith("医院abc 医院abc 医院abc ")


def test_documents_refuse_an_empty_message_and_mismatched_lengths() -> None:
    with pytest.raises(InvalidInput, match="message 1 is empty"):
        build_documents(["a", " "], ["b", "\u200b"], segmenter=SEGMENTER, title_weight=1, word_chars=10)
    with pytest.raises(InvalidInput, match="2 titles but 1 details"):
        build_documents(["a", "b"], ["c"], segmenter=SEGMENTER, title_weight=1, word_chars=10)


def test_details_are_cut_to_detail_chars() -> None:
    docs = build_documents(
        ["标题"], ["很长" * 1000], segmenter=SEGMENTER, title_weight=1, word_chars=10, detail_chars=50
    )
    assert len(docs.details[0]) == 50


def test_words_are_lower_cased_unless_the_caller_already_did() -> None:
    folding = WordNgramTfidf((1, 1)).fit([["WiFi", "坏了"]])
    assert folding.transform([["wifi"]]).nnz == 1
    exact = WordNgramTfidf((1, 1), lowercase=False).fit([["wifi", "坏了"]])
    assert exact.transform([["WiFi"]]).nnz == 0
    assert exact.transform([["wifi"]]).nnz == 1
