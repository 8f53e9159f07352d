"""Message type (咨询 / 建言 / 投诉·求助) and sentiment (angry / neutral): labels and how intake uses them.

Both models are trained by the same pipeline as the category model (``gongzhi model train --purpose
type|sentiment``) on MSGABench's citizen messages (one text column, 留言). Their labels are mapped
onto ours here, in one place:

- 问题类型: 咨询 → ``consultation``, 建言 → ``suggestion``, 投诉/求助 (one class in the data) →
  ``complaint_or_help``. Intake turns ``complaint_or_help`` into :attr:`CaseType.HELP`, the form's
  default, since the data cannot tell a complaint from a request for help.
- 情感类别: 愤怒 → ``angry``, 中性 → ``neutral``; the 28 悲伤 (sad) and 恐惧 (afraid) messages are
  grouped with ``angry``: for analytics the question is "calm or upset", and these are upset.
"""

from __future__ import annotations

from pathlib import Path

from gongzhi.cases.models import CaseType
from gongzhi.text.data import LabelledMessages, load_labelled

COMPLAINT_OR_HELP = "complaint_or_help"
TYPE_LABELS = {
    "咨询": "consultation",
    "建言": "suggestion",
    "投诉/求助": COMPLAINT_OR_HELP,
    "投诉·求助": COMPLAINT_OR_HELP,
}
SENTIMENT_LABELS = {"愤怒": "angry", "中性": "neutral", "悲伤": "angry", "恐惧": "angry"}
TEXT_COLUMN = "留言"
TYPE_COLUMN = "问题类型"
SENTIMENT_COLUMN = "情感类别"


def map_labels(messages: LabelledMessages, mapping: dict[str, str]) -> LabelledMessages:
    """The same messages with their labels translated (labels not in ``mapping`` are kept as they are)."""
    return LabelledMessages(messages.titles, messages.details, [mapping.get(x, x) for x in messages.labels])


def load_types(path: Path, *, text_col: str = TEXT_COLUMN, label_col: str = TYPE_COLUMN) -> LabelledMessages:
    raw = load_labelled(path, title_col=None, detail_col=text_col, label_col=label_col, fallback_col=None)
    return map_labels(raw, TYPE_LABELS)


def load_sentiments(path: Path, *, text_col: str = TEXT_COLUMN, label_col: str = SENTIMENT_COLUMN) -> LabelledMessages:
    raw = load_labelled(path, title_col=None, detail_col=text_col, label_col=label_col, fallback_col=None)
    return map_labels(raw, SENTIMENT_LABELS)


def case_type(label: str) -> CaseType | None:
    """Our case type for a type model's label (None for a label we do not know)."""
    if label == COMPLAINT_OR_HELP:
        return CaseType.HELP
    try:
        return CaseType(label)
    except ValueError:
        return None


def one_text(title: str, content: str) -> str:
    """Type and sentiment models read one text (their training data has no titles)."""
    return f"{title}。{content}" if title else content
