"""Turn a topic, a message type and the slots of a place into a title and a content.

The phrases are filled first (they hold slots such as ``{bldg}`` themselves), then the template;
a last pass tidies punctuation left by empty slots ("，。" → "。").
"""

from __future__ import annotations

import random
import re
from functools import cache

from gongzhi.demo import templates_common as common
from gongzhi.demo.templates_problem import PROBLEM_TEMPLATES, impacts_for
from gongzhi.demo.topics import Problem, Topic

_PROBLEM_TYPES = ("complaint", "help", "report")
DAYS = ("三天", "五六天", "一个星期", "十来天", "半个月", "二十多天", "一个多月")
_MONTHS = ("两", "三", "四", "五", "六")
_BOTH_PROBLEMS = 0.45  # share of messages that describe a second problem when the template has no slot for it
_SPECIFIC_SUBJECT = 0.8  # share of titles naming the problem itself rather than the topic's umbrella subject


@cache
def _parse(template: str) -> tuple[tuple[tuple[str, ...], ...], str]:
    """'<home urban>text' → ((('home',), ('urban',)), 'text')."""
    if not template.startswith("<"):
        return (), template
    head, _, text = template[1:].partition(">")
    return tuple(tuple(token.split(",")) for token in head.split()), text


def fits(template: str, topic: Topic, setting: str) -> bool:
    """Whether a template's filter admits this topic in this setting ("urban" or "rural")."""
    tokens, _ = _parse(template)
    return all(
        any(alt in (topic.where, setting) or topic.category.startswith(alt) for alt in token) for token in tokens
    )


def _pick(rng: random.Random, templates: tuple[str, ...], topic: Topic, setting: str) -> str:
    return _parse(rng.choice([t for t in templates if fits(t, topic, setting)]))[1]


def fill(text: str, slots: dict[str, str]) -> str:
    """Fill ``{slot}``s; a missing slot is a bug in the templates and raises KeyError."""
    return text.format_map(slots)


_TIDY = (
    (re.compile(r"([，。！？：；])[，。；]+"), r"\1"),
    (re.compile(r"^[，。；：\s]+"), ""),
    (re.compile(r"[，；]+\s*$"), "。"),
    (re.compile(r"\s+$"), ""),
    (re.compile(r"问题(的)?问题"), "问题"),
)


def tidy(text: str) -> str:
    """Drop punctuation doubled by empty slots and leading separators."""
    for pattern, repl in _TIDY:
        text = pattern.sub(repl, text)
    return text


def _dedupe(text: str, slots: dict[str, str]) -> str:
    """Drop doubled names where a place and a subject meet: 澜城区澜城区, 饭店饭店油烟, 医院医院服务."""
    for word in (slots["district"], slots["street"], slots["venue"], slots["place_short"][-2:]):
        if word:
            text = text.replace(word + word, word)
    return text


def problems_for(topic: Topic, setting: str) -> list[Problem]:
    """The problems that fit a setting ("urban" or "rural")."""
    return [p for p in topic.problems if p.setting in ("any", setting)]


def compose(
    rng: random.Random, topic: Topic, kind: str, slots: dict[str, str], *, setting: str
) -> tuple[str, str, str]:
    """(title, content, subject) of a message of type ``kind`` about ``topic`` at the place in ``slots``;
    ``setting`` is "urban" or "rural" (a 社区 or a 村).
    """
    s = dict(slots)
    letter = topic.category[0]
    first, second = rng.sample(problems_for(topic, setting), 2)
    me_pool = common.ME_GENERIC + common.ME[setting] + common.ME.get(topic.where, ())
    tried_pool = common.TRIED["any"] + common.TRIED[setting]
    redrawn = dict(s, days=rng.choice(DAYS), months=rng.choice(_MONTHS))  # so "since" repeats no number
    s.update(
        subject=first.subject if rng.random() < _SPECIFIC_SUBJECT else rng.choice(topic.subjects),
        problem=fill(first.text, s),
        problem2=fill(second.text, s),
        me=fill(rng.choice(me_pool), s) + rng.choice(common.ME_TAILS),
        greet=rng.choice(common.GREETINGS),
        since=fill(rng.choice(common.SINCE), redrawn),
        impact=rng.choice(impacts_for(topic.category)),
        tried=fill(rng.choice(tried_pool), s),
        emotion=rng.choice(common.EMOTIONS),
        close=rng.choice(common.CLOSINGS),
    )
    if kind in _PROBLEM_TYPES:
        s.update(lead=rng.choice(common.LEADS[kind]), ask=fill(rng.choice(common.ASKS[kind]), s))
        body, subject = _pick(rng, PROBLEM_TEMPLATES[letter], topic, setting), s["subject"]
        if "{problem2}" not in body and rng.random() < _BOTH_PROBLEMS:
            s["problem"] = f"{s['problem']}。{s['problem2']}"
    elif kind == "consultation":
        body, subject = _consultation(rng, topic, s)
    elif kind == "suggestion":
        subject = fill(rng.choice(topic.suggestions), s)
        s.update(sug=subject, benefit=rng.choice(common.BENEFITS), benefit2=rng.choice(common.BENEFITS))
        body = rng.choice(common.SUGGESTIONS)
        s["subject"] = rng.choice(topic.subjects)
    else:
        s.update(praise_detail=rng.choice(common.PRAISE_DETAILS), praise_thanks=rng.choice(common.PRAISE_THANKS))
        body, subject = rng.choice(common.PRAISES), s["subject"]
    title = tidy(_dedupe(fill(rng.choice(common.TITLES[kind]), s), s))
    return title, tidy(_dedupe(fill(body, s), s)), subject


def _consultation(rng: random.Random, topic: Topic, s: dict[str, str]) -> tuple[str, str]:
    """Pick one or two questions, set the question slots, return (template, subject)."""
    questions = rng.sample(topic.questions, min(2, len(topic.questions)))
    first = questions[0]
    full = fill(first.full, s)
    s.update(
        q=fill(first.short, s),
        qfull=full,
        qbare=full.removeprefix("请问"),
        qbg=rng.choice(common.QUESTION_BACKGROUNDS),
        qcontext=rng.choice(common.QUESTION_CONTEXTS),
    )
    templates = common.CONSULTATIONS
    if len(questions) > 1:
        s["qbare2"] = fill(questions[1].full, s).removeprefix("请问")
    else:
        templates = tuple(t for t in templates if "{qbare2}" not in t)
    return rng.choice(templates), s["q"]
