"""Turn a message (title + details) into the two documents the vectorisers read.

A message's title is short and says what it is about; its details ramble. Repeating the title
(``title_weight`` times) is the cheapest way to weight it in a bag of n-grams. Two views are built:

- the *character* document: normalised text, for character n-grams, which need no segmentation and
  are robust to unknown local names and typos;
- the *word* document: the same text cut by jieba into space-separated words, for word n-grams,
  which carry meaning that character trigrams miss. Only the head of the details (``word_chars``) is
  segmented, because jieba is the slowest step of prediction and the head carries the subject.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gongzhi.errors import InvalidInput
from gongzhi.text.normalise import MAX_CHARS, normalise
from gongzhi.text.segment import Segmenter


@dataclass(frozen=True)
class Documents:
    """The two views of a batch of messages, row-aligned."""

    chars: list[str]
    words: list[str]


def build_documents(
    titles: Sequence[str],
    details: Sequence[str],
    *,
    segmenter: Segmenter,
    title_weight: int,
    word_chars: int,
) -> Documents:
    """Normalise, weight the title and segment; refuse rows with no text at all."""
    if len(titles) != len(details):
        raise InvalidInput(f"got {len(titles)} titles but {len(details)} details; give one of each per message")
    chars: list[str] = []
    words: list[str] = []
    for row, (title, detail) in enumerate(zip(titles, details, strict=True)):
        t = normalise(title or "", max_chars=MAX_CHARS // 10)
        d = normalise(detail or "")
        if not t and not d:
            raise InvalidInput(
                f"message {row} is empty (no title and no details after removing whitespace); "
                "drop it or fill in its text",
                field="text",
            )
        chars.append(" ".join([t] * title_weight + [d]))
        t_words = segmenter.joined(t)
        words.append(" ".join([t_words] * title_weight + [segmenter.joined(d[:word_chars])]))
    return Documents(chars=chars, words=words)
