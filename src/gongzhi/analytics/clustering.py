"""Group messages about the same problem: sparse TF-IDF vectors, a similarity graph, star clusters.

Hot issues need "these 40 messages are one problem" over tens of thousands of messages in seconds,
without a model to download. The steps, and why:

1. **Vectors** (:class:`MessageVectoriser`): each message is read twice by :mod:`gongzhi.text` —
   normalised characters as character 2–3-grams (:class:`~gongzhi.text.vectorise.CharNgramTfidf`,
   robust to unknown local names and typos) and jieba words cut with the jurisdiction's own names
   (:class:`~gongzhi.text.segment.Segmenter`). The title is repeated (it states the subject) and only
   the head of the details is read. Features found in more than ``max_df`` of the messages (「A市」,
   「小区」, 「您好」) are dropped: they say nothing about *which* problem, and they are what makes a
   sparse product slow. The IDF counts a small window as part of a larger stream (see :func:`_reweighted`)
   so thresholds hold for any window size. Both views are L2-normalised and concatenated, so a cosine similarity is the
   mean of the character and the word cosines.
2. **Graph** (:func:`similarity_graph`): ``X · Xᵀ`` computed a block of rows at a time, keeping only
   pairs with cosine ≥ ``edge_threshold``, so memory follows the number of similar pairs, not n².
3. **Star clusters** (:func:`star_clusters`): the message with the most (weighted) neighbours becomes
   a centre and takes all its unassigned neighbours; repeat. Unlike connected components this
   cannot chain A~B~C~…~Z into one giant cluster: every member is similar to its centre.
4. **Merge** (:func:`merge_similar`): stars whose centroids have cosine ≥ ``merge_threshold`` are
   joined (one problem phrased two ways, e.g. 「搅拌站噪音」 and 「搅拌厂污染」 at one estate).

Thresholds were set on Teddy 附件3 (4,326 messages) and on a 41-message sample of it
(``tests/fixtures/analytics``): edge 0.25, merge 0.30 keep 伊景园滨河苑 (车位捆绑), 丽发新城 (搅拌站),
58车贷 and 凉塘路 (旧城改造) each in one cluster and apart from each other; at 0.20 / 0.25 unrelated
questions start to merge (公积金 with 房贷, 补课 across schools), at 0.30 / 0.35 one problem splits.
``benchmarks/hot_issues.py`` measures the time for 20,000 messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix, hstack, vstack
from scipy.sparse.csgraph import connected_components
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from gongzhi.text.normalise import normalise
from gongzhi.text.segment import Segmenter
from gongzhi.text.vectorise import CharNgramTfidf

#: Rows of ``X · Xᵀ`` computed at once: bounds memory to a block's candidate pairs.
BLOCK_ROWS = 1_000
#: Words: runs of two or more word characters, or a Latin/digit token (58车贷 keeps "58").
_WORD_PATTERN = r"(?u)[^\s\W]{2,}|[A-Za-z0-9]+"


@dataclass(frozen=True)
class ClusterConfig:
    """Every knob of clustering, with the defaults tuned on Teddy 附件3 (see the module docstring)."""

    edge_threshold: float = 0.25
    merge_threshold: float = 0.30
    title_weight: int = 2
    detail_chars: int = 300
    max_df: float = 0.02  # a feature in more than this share of messages is dropped …
    max_df_floor: int = 10  # … unless it is in at most this many (small windows keep their words)
    reference_messages: int = 2_000  # IDF as if the window held at least this many messages


@dataclass
class Vectors:
    """The messages as rows of ``matrix`` (L2-normalised), and the word view for keywords."""

    matrix: csr_matrix
    words: csr_matrix
    vocabulary: np.ndarray  # the word of each column of ``words``


class MessageVectoriser:
    """Title + details → one sparse row per message (character and word TF-IDF; see the module docstring)."""

    def __init__(self, config: ClusterConfig | None = None, *, user_words: Sequence[str] = ()) -> None:
        self.config = config or ClusterConfig()
        self.segmenter = Segmenter(user_words)

    def fit_transform(self, titles: Sequence[str], details: Sequence[str]) -> Vectors:
        chars, words = self._documents(titles, details)
        limit = max(self.config.max_df * len(chars), self.config.max_df_floor)
        size = max(len(chars), self.config.reference_messages)
        char_matrix = _reweighted(_char_tf(chars), limit, size)
        word_vectoriser = TfidfVectorizer(
            token_pattern=_WORD_PATTERN, sublinear_tf=True, use_idf=False, norm=None, lowercase=True
        )
        try:
            word_tf = word_vectoriser.fit_transform(words).tocsr()
            vocabulary = word_vectoriser.get_feature_names_out()
        except ValueError:  # no word at all (e.g. only punctuation): the character view decides alone
            word_tf, vocabulary = csr_matrix((len(words), 0)), np.zeros(0, dtype=object)
        word_matrix = _reweighted(word_tf, limit, size)
        vocabulary = vocabulary[_common_mask(word_tf, limit)]
        matrix = _l2(hstack([char_matrix, word_matrix], format="csr"))
        return Vectors(matrix=matrix, words=word_matrix, vocabulary=vocabulary)

    def _documents(self, titles: Sequence[str], details: Sequence[str]) -> tuple[list[str], list[str]]:
        weight, head = self.config.title_weight, self.config.detail_chars
        chars: list[str] = []
        words: list[str] = []
        for title, detail in zip(titles, details, strict=True):
            t = normalise(title or "", max_chars=200)
            d = normalise(detail or "", max_chars=head)
            chars.append(" ".join([t] * weight + [d]))
            t_words = self.segmenter.joined(t)
            words.append(" ".join([t_words] * weight + [self.segmenter.joined(d)]))
        return chars, words


def _char_tf(docs: list[str]) -> csr_matrix:
    """Sublinear term frequencies of character 2–3-grams (an n-gram in one message links none: ``min_df=2``).

    :class:`~gongzhi.text.vectorise.CharNgramTfidf` hashes the n-grams; its IDF is divided out again
    (the row norm cancels in :func:`_reweighted`) so that both views get the same IDF below.
    """
    vectoriser = CharNgramTfidf((2, 3), min_df=2 if len(docs) >= 2 else 1)
    try:
        matrix = vectoriser.fit_transform(docs).tocsr()
    except ValueError:  # no n-gram shared by two messages: nothing to link them by
        return csr_matrix((len(docs), 0))
    matrix.data /= vectoriser.idf_[matrix.indices]
    return matrix


def _common_mask(matrix: csr_matrix, limit: float) -> np.ndarray:
    """Columns present in at most ``limit`` rows."""
    df = np.bincount(matrix.indices, minlength=matrix.shape[1])
    return df <= limit


def _reweighted(tf: csr_matrix, limit: float, size: int) -> csr_matrix:
    """Drop columns in more than ``limit`` rows; weight the rest by ``ln((1 + size) / (1 + df)) + 1``; L2 rows.

    ``size`` is at least ``reference_messages``: in a small window a problem's own words are in a large
    share of the messages and a plain IDF would flatten them, so similarities of one problem would fall
    below thresholds set on thousands of messages. Counting the window as part of a larger stream keeps
    the scale of similarities the same for 40 messages and for 40,000.
    """
    keep = np.flatnonzero(_common_mask(tf, limit))
    kept = tf[:, keep].tocsr()
    df = np.bincount(kept.indices, minlength=kept.shape[1])
    kept.data = kept.data * (np.log((1 + size) / (1 + df)) + 1.0)[kept.indices]
    return _l2(kept)


def _l2(matrix: csr_matrix) -> csr_matrix:
    """Rows scaled to length 1 (empty rows stay empty); a matrix without columns is returned as it is."""
    return normalize(matrix) if matrix.shape[1] else csr_matrix(matrix.shape)


def similarity_graph(matrix: csr_matrix, threshold: float, *, block: int = BLOCK_ROWS) -> csr_matrix:
    """Symmetric sparse matrix of cosines ≥ ``threshold`` between different rows (rows are L2-normalised)."""
    n = matrix.shape[0]
    transposed = matrix.T.tocsr()  # once: a CSC right operand would be converted again for every block
    blocks = []
    for start in range(0, n, block):
        product = (matrix[start : start + block] @ transposed).tocoo()
        keep = (product.data >= threshold) & (product.row + start != product.col)
        blocks.append(
            coo_matrix((product.data[keep], (product.row[keep], product.col[keep])), shape=(product.shape[0], n))
        )
    return vstack(blocks, format="csr") if blocks else csr_matrix((0, 0))


def star_clusters(graph: csr_matrix) -> np.ndarray:
    """A cluster label per row: the best-connected unassigned message takes its unassigned neighbours."""
    n = graph.shape[0]
    strength = np.asarray(graph.sum(axis=1)).ravel()
    labels = np.full(n, -1, dtype=np.int64)
    next_label = 0
    for centre in np.argsort(-strength, kind="stable"):
        if labels[centre] >= 0:
            continue
        neighbours = graph.indices[graph.indptr[centre] : graph.indptr[centre + 1]]
        labels[centre] = next_label
        labels[neighbours[labels[neighbours] < 0]] = next_label
        next_label += 1
    return labels


def centroids(matrix: csr_matrix, labels: np.ndarray) -> csr_matrix:
    """The normalised mean row of each cluster, one row per label."""
    members = coo_matrix(
        (np.ones(len(labels)), (labels, np.arange(len(labels)))), shape=(labels.max() + 1, len(labels))
    )
    return _l2((members.tocsr() @ matrix).tocsr())


def merge_similar(matrix: csr_matrix, labels: np.ndarray, threshold: float) -> np.ndarray:
    """Join clusters whose centroids have cosine ≥ ``threshold``; labels renumbered from 0."""
    if len(labels) == 0:
        return labels
    graph = similarity_graph(centroids(matrix, labels), threshold)
    _, joined = connected_components(graph, directed=False)
    return joined[labels]


def cluster(matrix: csr_matrix, config: ClusterConfig | None = None) -> np.ndarray:
    """Cluster labels (0 … k−1) of the rows of ``matrix``: graph, stars, merge."""
    config = config or ClusterConfig()
    if matrix.shape[0] == 0:
        return np.zeros(0, dtype=np.int64)
    stars = star_clusters(similarity_graph(matrix, config.edge_threshold))
    return merge_similar(matrix, stars, config.merge_threshold)
