"""The fast paths of normalising, segmenting and vectorising give exactly what the plain code gives.

Each test compares a fast path with the straightforward computation it replaces, on raw messages of the
Teddy data (``tests/fixtures/text/raw_messages.csv``, see SOURCE.md) and on strings made for its edge
cases: characters that NFKC joins with a neighbour, numbers that are almost personal data, whitespace.
"""

from __future__ import annotations

import csv
import pickle
import random
import re
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from scipy.sparse import coo_matrix, csr_matrix
from sklearn.preprocessing import normalize

from gongzhi.text import normalise as normalise_module
from gongzhi.text.normalise import BANK_CARD_MASK, ID_CARD_MASK, PHONE_MASK, clean, mask_personal_data, normalise
from gongzhi.text.segment import Segmenter
from gongzhi.text.vectorise import CharNgramTfidf, KeyTable, NgramTfidf, WordNgramTfidf

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "text"
with (FIXTURES / "raw_messages.csv").open(encoding="utf-8", newline="") as _fh:
    RAW = list(csv.DictReader(_fh))
RAW_TEXTS = [row["title"] for row in RAW] + [row["detail"] for row in RAW]

EDGE_TEXTS = [
    "ｶﾞｷﾞｸﾞ半角片假名",  # half-width voiced kana: NFKC joins the mark to the letter before it
    "革命战争时期ブ焱は群笥",  # precomposed kana holding a combining mark
    "cafe\u0301 e\u0301\u0327 \u0327\u0301",  # combining marks to compose and to reorder
    "é ñ ü Å Ω K",  # precomposed letters, and singletons (Ohm, Kelvin, Angstrom signs)
    "\u3131\u314f \u1100\u1161\u11a8 가\u11a8 \u3131 \u314f",  # Hangul compatibility and conjoining jamo
    "ﬁ ﬂ ㈱ ① ㌔ ½ ™ Ⅻ ℡ ㍻",  # compatibility ligatures, squared and circled forms
    "１２３ＡＢＣ（）：，。！？\u3000～",  # full-width forms
    "𠀀𝐀𝟏\U0002f800",  # beyond the Basic Multilingual Plane (a compatibility ideograph among them)
    "\u0344\u0f73\u0f75\u0958",  # decompositions into several combining marks
    "關於學校門口，请回覆\u200b\ufeff\u00ad",  # traditional characters, phrases, invisible characters
]


def _reference_clean(text: str, max_chars: int = normalise_module.MAX_CHARS) -> str:
    """``clean`` as the plain sequence of steps: NFKC, OpenCC, the invisible table, whitespace runs."""
    text = unicodedata.normalize("NFKC", text[: max_chars * 2])
    text = normalise_module._t2s().convert(text).translate(normalise_module._invisible_table())
    return re.sub(r"\s+", " ", text).strip()[:max_chars].rstrip()


def _reference_mask(text: str) -> str:
    """The three patterns applied to every text, without the cheap search that usually skips them."""
    text = normalise_module._ID_CARD.sub(ID_CARD_MASK, text)
    text = normalise_module._BANK_CARD.sub(BANK_CARD_MASK, text)
    return normalise_module._PHONE.sub(PHONE_MASK, text)


@pytest.mark.parametrize("text", RAW_TEXTS + EDGE_TEXTS)
def test_nfkc_by_table_equals_unicodedata(text: str) -> None:
    assert normalise_module._nfkc(text) == unicodedata.normalize("NFKC", text)


@pytest.mark.parametrize("text", RAW_TEXTS + EDGE_TEXTS)
def test_clean_equals_the_plain_steps(text: str) -> None:
    assert clean(text) == _reference_clean(text)
    assert clean(text, max_chars=40) == _reference_clean(text, max_chars=40)


def test_every_character_of_the_first_plane_folds_as_nfkc_alone_and_among_others() -> None:
    for char in map(chr, range(0x10000)):
        for text in (char, f"a{char}", f"中{char}，{char}ｶ"):
            assert normalise_module._nfkc(text) == unicodedata.normalize("NFKC", text), hex(ord(char))


def test_random_strings_of_awkward_characters_fold_as_nfkc() -> None:
    pool = (
        list(normalise_module._nfkc_table())[::7]
        + [chr(c) for c in range(0x1100, 0x1200, 3)]  # conjoining jamo
        + [chr(c) for c in range(0x3131, 0x318F, 2)]  # compatibility jamo
        + [chr(c) for c in range(0x0300, 0x0370, 5)]  # combining marks
        + list("ｶﾞﾟ가각中文，。a 1２")
    )
    rng = random.Random(5)
    for _ in range(20_000):
        text = "".join(rng.choices(pool, k=rng.randint(1, 6)))
        assert normalise_module._nfkc(text) == unicodedata.normalize("NFKC", text), ascii(text)


@pytest.mark.parametrize(
    "text",
    [
        "电话13812345678",
        "电话 138 1234 5678 或 +86-139-1234-5678，8613912345678",
        "卡 6222 0212 3456 7890 与 6222-0212-3456-7890-123",
        "身份证43010219880715321X、430102198807153216",
        "差一位1381234567，日期2019-12-31 10:00，座机0731-0000-0000，编号12 34 56 78 90 12",
    ],
)
def test_masking_finds_every_number_the_patterns_find(text: str) -> None:
    assert mask_personal_data(text) == _reference_mask(text)


def test_masking_of_random_digit_strings_is_unchanged_by_the_pre_check() -> None:
    rng = random.Random(11)
    for _ in range(20_000):
        text = "".join(rng.choices("0123456789" * 3 + " -+X号", k=rng.randint(5, 30)))
        assert mask_personal_data(text) == _reference_mask(text), text


@pytest.mark.parametrize("text", RAW_TEXTS)
def test_normalise_raw_messages_equals_the_plain_steps(text: str) -> None:
    assert normalise(text) == _reference_mask(_reference_clean(text))


@pytest.mark.parametrize(
    "text", ["路灯坏了请修理", "路灯 坏了\t请\u3000修理\n", " A3区大道  西行便道 ", "", " ", "\u00a0市民"]
)
def test_cut_drops_exactly_the_whitespace_tokens(text: str) -> None:
    segmenter = Segmenter()
    raw = segmenter._dictionary().cut(text, False)
    assert segmenter.cut(text) == [w for w in raw if not w.isspace()]


# -- vectorising ----------------------------------------------------------------------------------


def _reference_transform(vec: NgramTfidf, docs: list[tuple], weights: tuple[float, ...] | None) -> csr_matrix:
    """Transforming as before the hash table: sorted keys, binary search, COO → CSR summing duplicates."""
    keys, rows, parts = vec._part_keys(docs)
    counts = np.ones(len(keys)) if weights is None else np.asarray(weights, dtype=np.float64)[parts]
    order = np.argsort(keys)
    cols = np.empty(len(keys), dtype=np.int64)
    cols[order] = np.searchsorted(vec.hashes_, keys[order])
    found = cols < len(vec.hashes_)
    found[found] = vec.hashes_[cols[found]] == keys[found]
    x = coo_matrix((counts[found], (rows[found], cols[found])), shape=(len(docs), vec.n_features)).tocsr()
    x.data = (1.0 + np.log(x.data)) * vec.idf_[x.indices]
    return normalize(x, norm="l2", copy=False)


def _assert_identical(a: csr_matrix, b: csr_matrix) -> None:
    assert a.shape == b.shape
    assert np.array_equal(a.indptr, b.indptr)
    assert np.array_equal(a.indices, b.indices)
    assert np.array_equal(a.data, b.data)  # bit for bit: the model's scores cannot move


def _raw_parts() -> list[tuple[str, str]]:
    return [(f" {normalise(r['title']).lower()} ", f" {normalise(r['detail']).lower()}") for r in RAW]


@pytest.mark.parametrize("weights", [(4, 1), None, (0.5, 1.5)])
def test_character_features_identical_to_the_plain_transform(weights: tuple[float, ...] | None) -> None:
    parts = _raw_parts()
    vec = CharNgramTfidf((1, 3), min_df=1).fit_parts(parts[:6])  # the last rows hold unseen n-grams
    _assert_identical(vec.transform_parts(parts, weights), _reference_transform(vec, parts, weights))


def test_word_features_identical_to_the_plain_transform() -> None:
    segmenter = Segmenter()
    parts = [(segmenter.cut(t), segmenter.cut(d)) for t, d in _raw_parts()]
    vec = WordNgramTfidf((1, 2), min_df=1, lowercase=False).fit_parts(parts[:6])  # later rows: unknown words
    _assert_identical(vec.transform_parts(parts, (4, 1)), _reference_transform(vec, parts, (4, 1)))


def test_key_table_finds_exactly_the_keys_it_holds() -> None:
    rng = np.random.default_rng(3)
    even = rng.integers(0, 2**63, 5_000, dtype=np.uint64) * np.uint64(2)
    keys = np.unique(np.concatenate([even, np.arange(300, dtype=np.uint64)]))  # small keys share home slots
    keys = np.append(keys, np.uint64(2**64 - 1))  # the usual empty marker is a key: another is chosen
    table = KeyTable(keys)
    absent = rng.integers(0, 2**63, 5_000, dtype=np.uint64) * np.uint64(2) + np.uint64(1)  # odd: never a key
    queries = np.concatenate([keys, absent, np.arange(250, 350, dtype=np.uint64), [table.empty]])
    expected = np.searchsorted(keys, queries)
    expected[(expected >= len(keys)) | (keys[np.minimum(expected, len(keys) - 1)] != queries)] = -1
    assert np.array_equal(table.lookup(queries), expected)
    assert np.array_equal(KeyTable(np.zeros(0, dtype=np.uint64)).lookup(queries), np.full(len(queries), -1))


def test_the_table_is_neither_pickled_nor_kept_across_fits() -> None:
    parts = _raw_parts()
    vec = CharNgramTfidf((1, 2)).fit_parts(parts[:5])
    before = vec.transform_parts(parts, (4, 1))
    assert "_table" not in pickle.loads(pickle.dumps(vec)).__dict__
    old = CharNgramTfidf.__new__(CharNgramTfidf)  # as a model pickled before the table loads
    old.__dict__.update({k: v for k, v in vec.__dict__.items() if k != "_table"})
    _assert_identical(old.transform_parts(parts, (4, 1)), before)
    fresh = CharNgramTfidf((1, 2)).fit_parts(parts[5:])
    vec.fit_parts(parts[5:])
    _assert_identical(vec.transform_parts(parts, (4, 1)), fresh.transform_parts(parts, (4, 1)))
