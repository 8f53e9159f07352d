"""Character n-gram TF-IDF computed with numpy: the same features as scikit-learn's, ~10× faster.

scikit-learn's ``TfidfVectorizer(analyzer="char")`` builds every n-gram as a Python string and looks
it up in a dict: about a microsecond per n-gram, so a 400-character message with its title repeated
costs 3 ms and prediction cannot reach the goal of 2,000 messages/s on one core. Here a text becomes
an array of code points and each n-gram a 64-bit polynomial hash computed for the whole text in a
few vectorised operations. Hashes seen in at least ``min_df`` training documents get a column (a
sorted array searched with ``np.searchsorted``); others are ignored, exactly like an unseen n-gram.
Two different n-grams share a column only on a 64-bit hash collision, which in practice never occurs.

Weighting as scikit-learn's ``sublinear_tf=True, smooth_idf=True, norm="l2"``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.sparse import coo_matrix, csr_matrix, vstack
from sklearn.preprocessing import normalize

_PRIME = np.uint64(1_000_003)
_BATCH = 500  # documents hashed at once: bounds memory (~25 MB a batch)
_SALTS = [np.uint64((n * 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF) for n in range(16)]


class CharNgramTfidf:
    """TF-IDF over character ``ngram_range``-grams (lower-cased text, as scikit-learn does)."""

    def __init__(self, ngram_range: tuple[int, int] = (1, 3), *, min_df: int = 1) -> None:
        self.ngram_range = ngram_range
        self.min_df = min_df
        self.hashes_: np.ndarray = np.zeros(0, dtype=np.uint64)
        self.idf_: np.ndarray = np.zeros(0)

    @property
    def n_features(self) -> int:
        return len(self.hashes_)

    def _hashes(self, docs: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """All n-gram hashes of a batch of documents, and the row (document) each comes from.

        The batch is one array of code points; an n-gram is kept only if it ends inside its document.
        """
        texts = [d.lower() for d in docs]
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
        rows = np.repeat(np.arange(len(texts)), lengths)
        ends = np.cumsum(lengths)[rows]  # one past the last position of each position's document
        lo, hi = self.ngram_range
        hashes, owners = [], []
        with np.errstate(over="ignore"):  # the hash is meant to wrap around 2**64
            for n in range(lo, hi + 1):
                size = len(codes) - n + 1
                if size <= 0:
                    break
                h = codes[:size].copy()
                for j in range(1, n):
                    h = h * _PRIME + codes[j : j + size]
                inside = np.arange(size) + n <= ends[:size]
                hashes.append((h ^ _SALTS[n])[inside])
                owners.append(rows[:size][inside])
        if not hashes:
            return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
        return np.concatenate(hashes), np.concatenate(owners)

    def fit(self, docs: Sequence[str]) -> CharNgramTfidf:
        """Learn the columns (n-grams in ≥ ``min_df`` documents) and their IDF."""
        seen: list[np.ndarray] = []
        for start in range(0, len(docs), _BATCH):
            h, rows = self._hashes(docs[start : start + _BATCH])
            unique, inverse = np.unique(h, return_inverse=True)
            pairs = coo_matrix((np.ones(len(h)), (rows, inverse)), shape=(rows.max(initial=0) + 1, len(unique))).tocsr()
            seen.append(np.repeat(unique, np.bincount(pairs.indices, minlength=len(unique))))
        all_seen = np.concatenate(seen) if seen else np.zeros(0, dtype=np.uint64)
        hashes, df = np.unique(all_seen, return_counts=True)
        keep = df >= self.min_df
        self.hashes_ = hashes[keep]
        self.idf_ = np.log((1 + len(docs)) / (1 + df[keep])) + 1.0
        return self

    def transform(self, docs: Sequence[str]) -> csr_matrix:
        """Sublinear-tf × idf rows, L2-normalised; n-grams not learnt in :meth:`fit` are ignored."""
        blocks = [self._transform_batch(docs[start : start + _BATCH]) for start in range(0, len(docs), _BATCH)]
        return vstack(blocks, format="csr") if blocks else csr_matrix((0, self.n_features))

    def _transform_batch(self, docs: Sequence[str]) -> csr_matrix:
        h, rows = self._hashes(docs)
        order = np.argsort(h)  # sorted queries keep the binary search in cache: 2-4x faster overall
        cols = np.empty(len(h), dtype=np.int64)
        cols[order] = np.searchsorted(self.hashes_, h[order])
        found = cols < len(self.hashes_)
        found[found] = self.hashes_[cols[found]] == h[found]
        x = coo_matrix((np.ones(int(found.sum())), (rows[found], cols[found])), shape=(len(docs), self.n_features))
        x = x.tocsr()  # sums duplicates: the data become n-gram counts
        x.data = (1.0 + np.log(x.data)) * self.idf_[x.indices]
        return normalize(x, norm="l2", copy=False)

    def fit_transform(self, docs: Sequence[str]) -> csr_matrix:
        return self.fit(docs).transform(docs)
