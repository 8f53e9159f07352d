"""Where text understanding meets intake and dispatch: read each new message once, act on what is sure.

At intake, :func:`understand` asks the active models (registry, one query; models stay loaded per
process) and the urgency rules about the new case, and:

- with no category chosen by the citizen, ranks categories with calibrated confidence; at or above
  ``GONGZHI_ROUTE_CONFIDENCE`` the first becomes the case's category (and the routing rules route
  it), below it the case waits in the dispatcher's queue, which shows the three suggestions;
- with no type chosen, predicts 咨询 / 建言 / 投诉·求助 (the sentiment, for analytics only, is left to
  the worker, which labels cases in batches: :mod:`gongzhi.text.sentiment`);
- looks for urgency with the rules (or, failing them, a confident urgency model) and keeps the
  reason, shown to staff. A threat to life or property (emergency) always raises the case's
  urgency; an outage raises it when the machine chose the category. When a person chose it — the
  citizen, whose category carries its own urgency (停水 is an outage category), or the dispatcher,
  whose queue shows the finding and whose dispatch applies it (:func:`kept_urgency`) — the outage
  finding is theirs to confirm.

Everything it learnt goes into one ``case_analysis`` row and a summary into the submission event.
It never fails intake: no model, a broken model or a message without Chinese means no suggestion.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from gongzhi.cases.models import Case
from gongzhi.config import Settings
from gongzhi.directory.models import Category, Urgency
from gongzhi.directory.snapshot import row_by_code
from gongzhi.errors import GongzhiError
from gongzhi.text import registry, types, urgency
from gongzhi.text.models import CaseAnalysis, Purpose

if TYPE_CHECKING:
    from gongzhi.text.classify import TextClassifier

log = logging.getLogger(__name__)
TOP = 3  # suggestions a dispatcher sees


@dataclass(frozen=True)
class Suggestion:
    category_code: str
    confidence: float


def suggest_categories(session: Session, *, title: str, content: str, k: int = TOP) -> list[Suggestion]:
    """Categories for a message, most likely first, with calibrated confidence; empty without a usable model."""
    active = registry.active_model(session, Purpose.CATEGORY)
    if active is None:
        return []
    return [Suggestion(code, p) for code, p in _ranked(active.model, title, content, k)]


def _ranked(model: TextClassifier, title: str, detail: str, k: int) -> list[tuple[str, float]]:
    import sklearn  # loaded already: the model is

    try:
        # One message at a time: scikit-learn's input checks cost more than the arithmetic; the
        # model built these inputs itself, so they are skipped (thread-local setting).
        with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
            return [(s.label, s.confidence) for s in model.top_k(title, detail, k=k)]
    except GongzhiError:  # no Chinese in the message, empty text: nothing to suggest
        return []
    except Exception:  # a model that fails on some input must not fail the citizen's submission
        log.exception("text model failed on a message; continuing without its suggestion")
        return []


def understand(session: Session, case: Case, *, now: datetime, settings: Settings, type_chosen: bool) -> dict[str, Any]:
    """Read a new case (see the module docstring); returns the summary for the submission event ({} if none)."""
    models = registry.active_models(session)
    analysis = CaseAnalysis(case=case, at=now, suggestions=[], routed_by_model=False)
    anything = False
    if case.category is None and Purpose.CATEGORY in models:
        anything = True
        _categorise(session, case, analysis, models[Purpose.CATEGORY], settings)
    text = types.one_text(case.title, case.content)
    if not type_chosen and Purpose.TYPE in models:
        best = _ranked(models[Purpose.TYPE].model, "", text, 1)
        predicted = types.case_type(best[0][0]) if best else None
        if predicted is not None:
            anything = True
            case.type = predicted
            analysis.predicted_type, analysis.type_confidence = predicted.value, round(best[0][1], 4)
    finding = _urgency(case, models, settings)
    if finding is not None:
        anything = True
        analysis.urgency, analysis.urgency_rule, analysis.urgency_reason = (
            finding.urgency.value,
            finding.rule,
            finding.reason,
        )
        if finding.urgency is Urgency.EMERGENCY or analysis.routed_by_model:
            case.urgency = urgency.stricter(case.urgency, finding.urgency)
    if not anything:
        return {}
    session.add(analysis)
    return _summary(analysis)


def _categorise(
    session: Session, case: Case, analysis: CaseAnalysis, active: registry.ActiveModel, settings: Settings
) -> None:
    ranked = _ranked(active.model, case.title, case.content, TOP)
    analysis.category_model_id = active.version
    analysis.suggestions = [{"code": code, "confidence": round(p, 4)} for code, p in ranked]
    if ranked and ranked[0][1] >= settings.route_confidence:
        category = row_by_code(session, Category, ranked[0][0])
        if category is not None:  # a category since removed from the catalogue is only a suggestion
            case.category = category
            case.urgency = category.urgency
            analysis.routed_by_model = True


def _urgency(case: Case, models: dict[Purpose, registry.ActiveModel], settings: Settings) -> urgency.Finding | None:
    text = f"{case.title} {case.content}"
    try:
        rules = urgency.load_rules(settings.urgency_rules)
    except GongzhiError as exc:  # a broken rules file: say so, and keep the built-in rules working
        log.error("urgency rules unusable, using the built-in ones: %s", exc.message)
        rules = urgency.load_rules(None)
    finding = urgency.detect(text, rules)
    if finding is None and Purpose.URGENCY in models:
        best = _ranked(models[Purpose.URGENCY].model, case.title, case.content, 1)
        finding = urgency.from_model(*best[0]) if best else None
    return finding


def _summary(analysis: CaseAnalysis) -> dict[str, Any]:
    summary: dict[str, Any] = {}
    if analysis.category_model_id is not None:
        summary["category_model"] = analysis.category_model_id
        summary["suggestions"] = analysis.suggestions
        summary["routed_by_model"] = analysis.routed_by_model
    if analysis.urgency:
        summary["urgency"] = analysis.urgency
        summary["urgency_reason"] = analysis.urgency_reason
    if analysis.predicted_type:
        summary["type"] = analysis.predicted_type
    return summary


@dataclass(frozen=True)
class ShownSuggestion:
    """A stored suggestion as a page shows it: the category (when still in the catalogue) and confidence."""

    code: str
    category: Category | None
    confidence: float


def analyses_of(session: Session, case_ids: list[int]) -> dict[int, CaseAnalysis]:
    """The intake analysis of each of these cases that has one (for queues and the workspace)."""
    if not case_ids:
        return {}
    rows = session.scalars(select(CaseAnalysis).where(CaseAnalysis.case_id.in_(case_ids)))
    return {row.case_id: row for row in rows}


def shown_suggestions(session: Session, analysis: CaseAnalysis | None) -> list[ShownSuggestion]:
    if analysis is None or not analysis.suggestions:
        return []
    codes = [s["code"] for s in analysis.suggestions]
    categories = {c.code: c for c in session.scalars(select(Category).where(Category.code.in_(codes)))}
    return [ShownSuggestion(s["code"], categories.get(s["code"]), float(s["confidence"])) for s in analysis.suggestions]


def kept_urgency(session: Session, case: Case, category: Category | None) -> Urgency | None:
    """The urgency a dispatch from the queue page sets: the chosen category's (else the case's), raised by
    what intake found in the text — the dispatcher saw the reason next to the case.

    Without this a dispatcher who picks a category would reset an emergency found in the text to the
    category's default, and an outage found in an uncategorised message would never count.
    """
    detected = session.scalar(select(CaseAnalysis.urgency).where(CaseAnalysis.case_id == case.id))
    base = category.urgency if category is not None else case.urgency
    return urgency.stricter(base, Urgency(detected) if detected else None)
