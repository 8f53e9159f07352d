"""Urgency: spot messages that need the short deadlines (threat to life or property, public safety,
outages of water, power, gas or heating, vulnerable people at risk), and say why.

Two layers, both explainable to the dispatcher who sees the result:

- **rules** (``urgency_rules.toml`` next to this module, or ``GONGZHI_URGENCY_RULES``): keywords and
  regular expressions per situation, tried in order; the first that matches gives the urgency and the
  reason shown on staff pages ("停水: “没有水”"). Rules are precise and auditable, and a jurisdiction
  edits them without retraining anything.
- **a model** (purpose ``urgency`` in the registry), trained on messages labelled *by the rules*
  (:func:`rule_labels`), so it learns the words that come with urgent situations and can catch
  phrasings no keyword lists. Because its labels come from the rules, its cross-validated score only
  says how well it imitates them, not how often it is right about real urgency: it is consulted only
  when no rule matched, and only above a high confidence.

Detection never lowers an urgency: a category marked emergency stays so (:func:`stricter`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from gongzhi.directory.models import Urgency
from gongzhi.errors import InvalidInput
from gongzhi.text.normalise import normalise

DEFAULT_RULES = Path(__file__).with_name("urgency_rules.toml")
MODEL_CONFIDENCE = 0.9  # the rule-imitating model must be this sure to raise an urgency on its own
NORMAL_LABEL = "normal"
_RANK = {Urgency.NORMAL: 0, Urgency.COMPLEX: 1, Urgency.OUTAGE: 2, Urgency.EMERGENCY: 3}
_DETECTABLE = (Urgency.EMERGENCY, Urgency.OUTAGE)


@dataclass(frozen=True)
class UrgencyRule:
    id: str
    urgency: Urgency
    label: str
    label_en: str
    pattern: re.Pattern[str]
    unless: re.Pattern[str] | None


@dataclass(frozen=True)
class Finding:
    """Why a message is urgent: the rule (or ``model``) and the words that matched."""

    urgency: Urgency
    rule: str
    label: str
    label_en: str
    matched: str

    @property
    def reason(self) -> str:
        return f"{self.label} / {self.label_en}: “{self.matched}”"[:200]


def load_rules(path: Path | str | None = None) -> tuple[UrgencyRule, ...]:
    """The rules of ``path`` (default: the built-in file), checked; a bad file raises :class:`InvalidInput`."""
    resolved = Path(path).expanduser().resolve() if path else DEFAULT_RULES
    try:
        stamp = resolved.stat().st_mtime_ns
    except OSError:
        raise InvalidInput(f"urgency rules file {resolved} does not exist (GONGZHI_URGENCY_RULES)") from None
    return _load(resolved, stamp)


@lru_cache(maxsize=4)
def _load(path: Path, _stamp: int) -> tuple[UrgencyRule, ...]:
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"urgency rules file {path} is not valid TOML: {exc}") from exc
    entries = raw.get("rule")
    if not isinstance(entries, list) or not entries:
        raise InvalidInput(f"urgency rules file {path} has no [[rule]] entries")
    return tuple(_rule(entry, path, n) for n, entry in enumerate(entries, start=1))


def _rule(entry: dict[str, object], path: Path, n: int) -> UrgencyRule:
    where = f"{path}, rule {n} ({entry.get('id', 'no id')})"
    try:
        urgency = Urgency(str(entry.get("urgency")))
    except ValueError:
        urgency = Urgency.NORMAL
    if urgency not in _DETECTABLE:
        raise InvalidInput(f"{where}: urgency must be 'emergency' or 'outage', not {entry.get('urgency')!r}")
    keywords = [re.escape(normalise(str(k), mask=False)) for k in _strings(entry, "keywords", where)]
    patterns = keywords + _strings(entry, "regexes", where)
    if not patterns:
        raise InvalidInput(f"{where}: give keywords or regexes")
    unless = _strings(entry, "unless", where)
    try:
        return UrgencyRule(
            id=str(entry.get("id") or f"rule{n}"),
            urgency=urgency,
            label=str(entry.get("label") or entry.get("id")),
            label_en=str(entry.get("label_en") or entry.get("label") or entry.get("id")),
            pattern=re.compile("|".join(f"(?:{p})" for p in patterns)),
            unless=re.compile("|".join(f"(?:{p})" for p in unless)) if unless else None,
        )
    except re.error as exc:
        raise InvalidInput(f"{where}: a regular expression is invalid ({exc})") from exc


def _strings(entry: dict[str, object], key: str, where: str) -> list[str]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidInput(f"{where}: {key} must be a list of strings")
    return [v for v in value if v]


def detect(text: str, rules: Sequence[UrgencyRule]) -> Finding | None:
    """The first rule that matches ``text`` (title and content together), or None."""
    plain = normalise(text, mask=False)
    for rule in rules:
        found = rule.pattern.search(plain)
        if found is None or (rule.unless is not None and rule.unless.search(plain)):
            continue
        return Finding(rule.urgency, rule.id, rule.label, rule.label_en, found.group(0))
    return None


def rule_labels(texts: Sequence[str], rules: Sequence[UrgencyRule]) -> list[str]:
    """Training labels for the urgency model: the urgency the rules give each text, or ``normal``."""
    labels = []
    for text in texts:
        finding = detect(text, rules)
        labels.append(finding.urgency.value if finding else NORMAL_LABEL)
    return labels


def from_model(label: str, confidence: float) -> Finding | None:
    """The urgency model's verdict as a finding, when it is urgent and confident enough to act on."""
    if label not in {u.value for u in _DETECTABLE} or confidence < MODEL_CONFIDENCE:
        return None
    urgency = Urgency(label)
    return Finding(urgency, "model", "模型判断", "model", f"{urgency.value} {confidence:.0%}")


def stricter(current: Urgency, detected: Urgency | None) -> Urgency:
    """The more urgent of the two (detection raises an urgency, never lowers it)."""
    if detected is None:
        return current
    return detected if _RANK[detected] > _RANK[current] else current
