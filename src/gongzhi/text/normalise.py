"""Normalise citizens' messages before anything reads them: script, width, whitespace, personal data.

Messages arrive in traditional or simplified characters, with full-width letters and digits, with
copy-paste debris (the Teddy data starts details with ``\\n\\t\\t\\t``; non-breaking, ideographic and
zero-width spaces are common). A model that sees ``１３８`` and ``138`` as different strings learns
noise, so every text goes through :func:`normalise` first, in this order:

1. cut huge texts (a pasted document must not stall a worker);
2. NFKC, which folds full-width forms and odd spaces onto their plain equivalents;
3. OpenCC ``t2s``, traditional → simplified, so one vocabulary serves both scripts;
4. drop invisible format characters (zero-width spaces, BOM, soft hyphen) and control characters,
   collapse runs of whitespace to one space;
5. mask personal data (ID card, bank card, mobile numbers) so it is neither shown in public nor
   memorised by a model. Masks are bracketed tokens, so a classifier still learns "gave a phone
   number" without the number.

Speed matters (every message of intake and of prediction passes here): NFKC goes through a table of
the characters it changes (:func:`_nfkc`), and the masking patterns run only on texts holding a long
enough number. Both give exactly what the plain steps give (tests/text/test_fast_paths.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

import opencc

from gongzhi.errors import InvalidInput

#: Texts longer than this (after normalisation) are cut. Real messages are a few hundred characters;
#: the longest in the Teddy data is under 10,000. The head of a message carries its subject.
MAX_CHARS = 5_000

ID_CARD_MASK = "[身份证号]"
BANK_CARD_MASK = "[银行卡号]"
PHONE_MASK = "[手机号]"

_SPACE_RUN = re.compile(r"\s+")  # the whitespace that clean() collapses: str.split()'s, the same characters
# Digit runs must not touch other digits, or a bank card would be read as a phone number plus rest.
_ID_CARD = re.compile(
    r"(?<![0-9])[1-9][0-9]{5}(?:19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx](?![0-9])"
)
# 16–19 digits, optionally grouped by spaces or hyphens in blocks of four (as printed on cards).
_BANK_CARD = re.compile(r"(?<![0-9])(?:[0-9]{4}[ -]?){3}[0-9]{4}(?:[0-9]{1,3})?(?![0-9])")
# Mainland mobile numbers, optionally with +86 and 3-4-4 grouping.
_PHONE = re.compile(r"(?<![0-9])(?:\+?86[ -]?)?1[3-9][0-9](?:[ -]?[0-9]{4}){2}(?![0-9])")
# What every one of the three patterns above contains: 11 digits, a space or hyphen at most between two.
# Most messages have no such run, and this search is much cheaper than the three (which start with a
# look-behind, so the regex engine cannot skip ahead to the next digit).
_LONG_NUMBER = re.compile(r"[0-9](?:[ -]?[0-9]){10}")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    """One converter per process: building it parses OpenCC's dictionaries."""
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _invisible_table() -> dict[int, str | None]:
    """A ``str.translate`` table: control characters (Cc) → space, format characters (Cf) → dropped.

    Cf holds the zero-width space and joiners, the BOM, the soft hyphen and bidi marks. A table is
    built once (a pass over the Basic Multilingual Plane) because a per-character loop is ~5× slower.
    """
    table: dict[int, str | None] = {}
    for code in range(0x10000):
        category = unicodedata.category(chr(code))
        if category == "Cf":
            table[code] = None
        elif category == "Cc":
            table[code] = " "
    return table


@lru_cache(maxsize=1)
def _needs_translate() -> re.Pattern[str]:
    """The characters of the table that the whitespace collapse below does not already handle.

    Most messages hold none of them (their control characters are newlines and tabs, which ``\\s``
    collapses anyway), and a search is ~15× cheaper than the translate it lets us skip.
    """
    return re.compile(_char_class(chr(code) for code in _invisible_table() if not _SPACE_RUN.fullmatch(chr(code))))


def clean(text: str, *, max_chars: int = MAX_CHARS) -> str:
    """Everything :func:`normalise` does except masking: width, script, invisible characters, spaces."""
    text = text[: max_chars * 2]  # NFKC can expand a character; cut generously first, exactly below
    text = _nfkc(text)
    text = _t2s().convert(text)
    if _needs_translate().search(text):
        text = text.translate(_invisible_table())
    text = " ".join(text.split())  # str.split's whitespace is re's \s: runs become one space, ends go
    return text[:max_chars].rstrip()


def _nfkc(text: str) -> str:
    """``unicodedata.normalize("NFKC", text)``, 3-4× faster on Chinese text.

    NFKC changes nearly every Chinese message (full-width punctuation such as ，：（）), so skipping it
    is rarely possible; instead each changed character is replaced from a table. That equals NFKC only
    when no character interacts with its neighbours (combining marks, Hangul jamo, characters outside
    the Basic Multilingual Plane): when one of those appears, the real NFKC runs.
    """
    table = _nfkc_table()
    if _nfkc_unsafe().search(text):
        return unicodedata.normalize("NFKC", text)
    return _nfkc_changed().sub(lambda match: table[match.group()], text)


@lru_cache(maxsize=1)
def _nfkc_table() -> dict[str, str]:
    """NFKC of each character of the Basic Multilingual Plane that it changes and that is context-free.

    A character is context-free when its compatibility decomposition holds no combining mark (which
    canonical reordering could move past a neighbour) and does not start with a character that
    composes with the one before it (then NFKC of the pair is not the pair of NFKCs).
    """
    table: dict[str, str] = {}
    for char in map(chr, range(0x10000)):
        folded = unicodedata.normalize("NFKC", char)
        if folded != char and _context_free(char):
            table[char] = folded
    return table


@lru_cache(maxsize=1)
def _nfkc_changed() -> re.Pattern[str]:
    return re.compile(_char_class(_nfkc_table()))


@lru_cache(maxsize=1)
def _nfkc_unsafe() -> re.Pattern[str]:
    """Characters that are not context-free under NFKC (see :func:`_nfkc_table`), and all of the planes
    above the first (rare in messages; not worth a table)."""
    unsafe = (char for char in map(chr, range(0x10000)) if not _context_free(char))
    return re.compile(_char_class(unsafe)[:-1] + "\U00010000-\U0010ffff]")


def _context_free(char: str) -> bool:
    decomposed = unicodedata.normalize("NFKD", char)
    return ord(decomposed[0]) not in _composition_seconds() and not any(map(unicodedata.combining, decomposed))


@lru_cache(maxsize=1)
def _composition_seconds() -> frozenset[int]:
    """Code points that canonical composition can join to the character before them: second halves of
    two-character canonical decompositions, and Hangul vowel and final jamo (composed by rule)."""
    seconds = {0x1161 + v for v in range(21)} | {0x11A8 + t for t in range(27)}
    for code in range(0x110000):
        decomposition = unicodedata.decomposition(chr(code)).split()
        if len(decomposition) == 2 and not decomposition[0].startswith("<"):
            seconds.add(int(decomposition[1], 16))
    return frozenset(seconds)


def _char_class(chars: Iterable[str]) -> str:
    return "[" + "".join(re.escape(char) for char in chars) + "]"


def mask_personal_data(text: str) -> str:
    """Replace ID card, bank card and mobile numbers by bracketed masks; expects NFKC (ASCII) digits.

    ID cards go first (18 characters, may end in X), then bank cards (16–19 digits), then phones,
    so that a longer number is never half-masked as a phone.
    """
    if not _LONG_NUMBER.search(text):
        return text
    text = _ID_CARD.sub(ID_CARD_MASK, text)
    text = _BANK_CARD.sub(BANK_CARD_MASK, text)
    return _PHONE.sub(PHONE_MASK, text)


def normalise(text: str, *, mask: bool = True, max_chars: int = MAX_CHARS) -> str:
    """The text as every other part of ``gongzhi.text`` expects it; see the module docstring."""
    if not isinstance(text, str):
        raise InvalidInput(f"expected the message as text, got {type(text).__name__}", field="text")
    text = clean(text, max_chars=max_chars)
    return mask_personal_data(text) if mask else text


def han_count(text: str) -> int:
    """How many Chinese characters the text holds."""
    return len(_HAN.findall(text))


def require_chinese(text: str, *, field: str = "text") -> str:
    """Refuse empty text and text without Chinese characters, saying what to do instead.

    The models are trained on Chinese messages; on other text they would still answer, confidently
    and wrongly, so the caller must send such a case to a dispatcher rather than classify it.
    """
    if not text.strip():
        raise InvalidInput("the message is empty (or only whitespace); give its title or details", field=field)
    if han_count(text) == 0:
        raise InvalidInput(
            "the message has no Chinese characters; the classifier only reads Chinese, "
            "so route this case by hand (dispatcher queue)",
            field=field,
        )
    return text
