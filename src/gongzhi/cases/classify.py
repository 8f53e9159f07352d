"""The seam where text understanding plugs into intake: one function, asked when a case has no category.

Until a model is trained and activated (``gongzhi model train``, a later issue) there is nothing to
suggest and every uncategorised case goes to a dispatcher, which is what a hotline without a model does.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session


@dataclass(frozen=True)
class Suggestion:
    category_code: str
    confidence: float


def suggest_categories(session: Session, *, title: str, content: str) -> list[Suggestion]:
    """Categories for a message, most likely first; empty when no active model exists."""
    return []
