"""What citizens write about, per third-level category: the raw phrases that messages are built from.

A ``Topic`` holds, for one category, short subjects for titles ("电梯频繁故障困人"), problem clauses,
consultation questions, suggestions and the kind of place the matter happens at. Phrases may hold
slots such as ``{bldg}`` or ``{road}``; ``gongzhi.demo.messages`` fills them. The data is in the
``topics_*`` modules; ``TOPICS`` collects it.

Conventions for the phrase text: a problem is "subject|clause" (the subject titles it, e.g.
"电梯频繁故障困人|{bldg}栋的电梯……"), a clause has no final punctuation (templates add it); a
question is "short|full question？"; a problem marked ``U:`` only fits towns (社区), ``R:`` only
villages (村). ``s`` subjects are umbrella subjects that fit every problem of the topic.
"""

from __future__ import annotations

from dataclasses import dataclass

WHERE_KINDS = ("home", "road", "venue", "area")
SETTINGS = ("any", "urban", "rural")
TYPES = ("consultation", "help", "complaint", "report", "suggestion", "praise")


@dataclass(frozen=True)
class Problem:
    """One problem clause, the specific subject a title gives it, and the setting it fits
    ("any", "urban" or "rural")."""

    subject: str
    text: str
    setting: str = "any"


@dataclass(frozen=True)
class Question:
    """A consultation: a short form for titles and the question as the citizen asks it."""

    short: str
    full: str


@dataclass(frozen=True)
class Topic:
    """The phrases for one third-level category.

    ``where`` says what the place of a message is: "home" (the citizen's estate or village),
    "road" (a road of the street), "venue" (one of ``venues``; a venue with a slot such as
    "{sname}小学" is a named place, one without is a kind of business on a road) or "area" (the
    district as a whole: policies, benefits). ``season`` names an entry of
    ``gongzhi.demo.timing.SEASONS``; ``type_weights`` are relative weights of message types.
    """

    category: str
    where: str
    subjects: tuple[str, ...]
    problems: tuple[Problem, ...]
    questions: tuple[Question, ...]
    suggestions: tuple[str, ...]
    venues: tuple[str, ...]
    setting: str
    weight: float
    season: str
    type_weights: tuple[tuple[str, float], ...]


_DEFAULT_WEIGHTS = {"complaint": 5.0, "help": 3.0, "report": 0.25, "consultation": 3.0, "suggestion": 1.2,
                    "praise": 0.6}  # fmt: skip


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.strip().splitlines() if line.strip()]


def _problem(line: str) -> Problem:
    setting = "any"
    for prefix, name in (("U:", "urban"), ("R:", "rural")):
        if line.startswith(prefix):
            line, setting = line[len(prefix) :], name
    subject, _, text = line.partition("|")
    if not text:
        raise ValueError(f"problem {line!r} needs the form 'subject|problem clause'")
    return Problem(subject.strip(), text.strip(), setting)


def _question(line: str) -> Question:
    short, _, full = line.partition("|")
    if not full:
        raise ValueError(f"question {line!r} needs the form 'short|full question？'")
    return Question(short.strip(), full.strip())


def _type_weights(types: str, has_questions: bool, has_suggestions: bool) -> tuple[tuple[str, float], ...]:
    weights = dict(_DEFAULT_WEIGHTS)
    for item in types.split():
        name, _, value = item.partition("=")
        if name not in weights:
            raise ValueError(f"unknown message type {name!r} in {types!r}; use one of {', '.join(TYPES)}")
        weights[name] = float(value)
    if not has_questions:
        weights["consultation"] = 0.0
    if not has_suggestions:
        weights["suggestion"] = 0.0
    return tuple((t, weights[t]) for t in TYPES if weights[t] > 0)


def topic(
    category: str,
    where: str,
    *,
    s: str,
    p: str,
    q: str = "",
    g: str = "",
    v: str = "",
    setting: str = "any",
    weight: float = 1.0,
    season: str = "",
    types: str = "",
) -> Topic:
    """Build a topic from compact text: ``s`` umbrella subjects and ``v`` venues separated by "|", ``p``
    problems ("subject|clause"), ``q`` questions ("short|full") and ``g`` suggestions one per line;
    ``types`` like "help=6 report=2".
    """
    if where not in WHERE_KINDS:
        raise ValueError(f"topic {category}: where={where!r} is not one of {WHERE_KINDS}")
    if setting not in SETTINGS:
        raise ValueError(f"topic {category}: setting={setting!r} is not one of {SETTINGS}")
    venues = tuple(x.strip() for x in v.split("|") if x.strip())
    if where == "venue" and not venues:
        raise ValueError(f"topic {category}: where='venue' needs venues (v='学校|医院')")
    questions = tuple(_question(line) for line in _lines(q))
    suggestions = tuple(_lines(g))
    return Topic(
        category=category,
        where=where,
        subjects=tuple(x.strip() for x in s.split("|") if x.strip()),
        problems=tuple(_problem(line) for line in _lines(p)),
        questions=questions,
        suggestions=suggestions,
        venues=venues,
        setting=setting,
        weight=weight,
        season=season,
        type_weights=_type_weights(types, bool(questions), bool(suggestions)),
    )
