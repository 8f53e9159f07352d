"""Hot issues (热点问题): recent messages grouped by problem and ranked by a heat index.

A hotline sees one mixing plant, one developer or one fraud case in dozens of messages. Grouped, they
are one issue a leader can act on. :func:`find_hot_issues` takes the messages of a sliding window
(``window_days`` back from ``now``), clusters them (:mod:`gongzhi.analytics.clustering`) and ranks the
clusters by their heat.

**Heat index.** For an issue with ``n`` messages from ``u`` distinct citizens, ``s`` supports
(点赞 / "me too"), ``r`` messages in the most recent part of the window (the last
``recent_fraction × W`` days) and ``e`` messages earlier in the window, whose newest message is
``age`` days old::

    volume   = w_m·ln(1 + n) + w_c·ln(1 + u) + w_s·ln(1 + s)
    expected = e · R / (W − R)                        # messages the earlier pace predicts for the last R days
    growth   = max(0, ln((1 + r) / (1 + expected)))   # only a rising issue gains heat
    recency  = 2^(−age / half_life)                   # 1 when half_life is None
    heat     = (volume + w_g·growth) · recency

with ``W`` the window and ``R = recent_fraction · W`` in days. Logarithms because the 40th message
about a problem says less than the 2nd; distinct citizens weigh most (``w_c = 2``) because one person
writing ten times is not ten people; supports weigh least (``w_s = 0.5``) because a click costs less
than a message; an issue silent for ``half_life`` days (default 14) counts half as hot. Defaults are
in :class:`HeatWeights`; :func:`heat_index` computes the formula alone so
tests and the staff page can show each term.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np

from gongzhi.analytics.clustering import ClusterConfig, MessageVectoriser, Vectors, cluster
from gongzhi.errors import InvalidInput
from gongzhi.text.duplicates import places as place_names

DAY = 86_400.0
#: Anonymised districts and counties as exports write them (A4区, A7县).
_DISTRICT = re.compile(r"[A-Z]\d+[区县]")
#: Phrases the place finder lets through that are not names: particles inside, a clause before 小区.
_NOT_A_NAME = re.compile(r"[的是了还而和与及或就都在]|^小区")


@dataclass(frozen=True)
class Message:
    """One citizen's message as hot issues read it, whatever its source (a case, a spreadsheet row)."""

    key: str  # the case's tracking code or the row's 留言编号
    title: str
    content: str
    at: datetime
    author: str | None = None  # who wrote it (a user id, a hashed phone); None: unknown, counted as distinct
    supports: int = 0
    region: str | None = None  # the region's name, when the source knows it
    address: str | None = None


@dataclass(frozen=True)
class HeatWeights:
    """The weights and time constants of the heat index (module docstring)."""

    messages: float = 1.0
    citizens: float = 2.0
    supports: float = 0.5
    growth: float = 1.0
    recent_fraction: float = 0.25
    half_life_days: float | None = 14.0

    def __post_init__(self) -> None:
        if not 0 < self.recent_fraction < 1:
            raise InvalidInput("recent_fraction must lie strictly between 0 and 1", field="recent_fraction")
        if self.half_life_days is not None and self.half_life_days <= 0:
            raise InvalidInput("the half-life must be a positive number of days (or none)", field="half_life")


def heat_index(
    *,
    messages: int,
    citizens: int,
    supports: int,
    recent: int,
    earlier: int,
    age_days: float,
    window_days: float,
    weights: HeatWeights | None = None,
) -> tuple[float, dict[str, float]]:
    """The heat of an issue (module docstring) and its terms ``volume``, ``growth``, ``recency``."""
    w = weights or HeatWeights()
    volume = (
        w.messages * math.log1p(messages)
        + w.citizens * math.log1p(citizens)
        + w.supports * math.log1p(max(supports, 0))
    )
    recent_days = w.recent_fraction * window_days
    expected = earlier * recent_days / (window_days - recent_days) if window_days > 0 else 0.0
    growth = max(0.0, math.log((1 + recent) / (1 + expected)))
    recency = 1.0 if w.half_life_days is None else 2.0 ** (-max(age_days, 0.0) / w.half_life_days)
    heat = (volume + w.growth * growth) * recency
    return heat, {"volume": round(volume, 4), "growth": round(growth, 4), "recency": round(recency, 4)}


@dataclass
class HotIssue:
    """One issue: what it is about, where, when, how many, and how hot."""

    rank: int
    heat: float
    terms: dict[str, float]
    title: str
    keywords: list[str]
    representative: Message
    places: list[str]
    first_at: datetime
    last_at: datetime
    messages: int
    citizens: int
    supports: int
    recent: int
    members: list[Message] = field(repr=False)

    def as_dict(self, *, members: bool = True) -> dict[str, object]:
        data: dict[str, object] = {
            "rank": self.rank,
            "heat": round(self.heat, 4),
            "terms": self.terms,
            "title": self.title,
            "keywords": self.keywords,
            "representative": {"key": self.representative.key, "title": self.representative.title},
            "places": self.places,
            "first_at": self.first_at.isoformat(),
            "last_at": self.last_at.isoformat(),
            "messages": self.messages,
            "citizens": self.citizens,
            "supports": self.supports,
            "recent": self.recent,
        }
        if members:
            data["members"] = [m.key for m in self.members]
        return data


@dataclass(frozen=True)
class Window:
    """The sliding window: messages in (now − days, now]; ``days=None`` takes everything up to ``now``."""

    now: datetime
    days: float | None = 30.0

    def __post_init__(self) -> None:
        if self.days is not None and self.days <= 0:
            raise InvalidInput("the window must be a positive number of days", field="window")


def find_hot_issues(
    messages: Sequence[Message],
    *,
    window: Window,
    top: int = 10,
    min_messages: int = 2,
    weights: HeatWeights | None = None,
    config: ClusterConfig | None = None,
    user_words: Sequence[str] = (),
) -> list[HotIssue]:
    """The ``top`` hottest issues among ``messages`` inside ``window`` (module docstring).

    Issues with fewer than ``min_messages`` messages are left out: one message is a case, not an issue.
    """
    if top < 1:
        raise InvalidInput("ask for at least one issue (top ≥ 1)", field="top")
    inside = _in_window(messages, window)
    if not inside:
        return []
    vectors = MessageVectoriser(config, user_words=user_words).fit_transform(
        [m.title for m in inside], [m.content for m in inside]
    )
    labels = cluster(vectors.matrix, config)
    window_days = _window_days(inside, window)
    scored = []
    for label in range(int(labels.max()) + 1):
        rows = np.flatnonzero(labels == label)
        if len(rows) >= max(min_messages, 1):
            scored.append((_heat_of([inside[i] for i in rows], window, window_days, weights), rows))
    scored.sort(key=lambda item: (-item[0][0], -len(item[1])))
    return [_describe(rank, heat, rows, inside, vectors) for rank, (heat, rows) in enumerate(scored[:top], start=1)]


def _in_window(messages: Sequence[Message], window: Window) -> list[Message]:
    start = window.now - timedelta(days=window.days) if window.days is not None else None
    return sorted(
        (m for m in messages if m.at <= window.now and (start is None or m.at > start)), key=lambda m: (m.at, m.key)
    )


def _window_days(inside: list[Message], window: Window) -> float:
    """The window's length; an open window spans from the first message to ``now`` (at least a day)."""
    if window.days is not None:
        return window.days
    return max((window.now - inside[0].at).total_seconds() / DAY, 1.0)


def distinct_citizens(members: Sequence[Message]) -> int:
    """Different authors; a message without a known author counts as its own citizen."""
    known = {m.author for m in members if m.author}
    return len(known) + sum(1 for m in members if not m.author)


def _heat_of(
    members: list[Message], window: Window, window_days: float, weights: HeatWeights | None
) -> tuple[float, dict[str, float], int]:
    w = weights or HeatWeights()
    recent_start = window.now - timedelta(days=w.recent_fraction * window_days)
    recent = sum(1 for m in members if m.at > recent_start)
    heat, terms = heat_index(
        messages=len(members),
        citizens=distinct_citizens(members),
        supports=sum(m.supports for m in members),
        recent=recent,
        earlier=len(members) - recent,
        age_days=(window.now - max(m.at for m in members)).total_seconds() / DAY,
        window_days=window_days,
        weights=w,
    )
    return heat, terms, recent


def _describe(
    rank: int, heat: tuple[float, dict[str, float], int], rows: np.ndarray, inside: list[Message], vectors: Vectors
) -> HotIssue:
    members = [inside[i] for i in rows]
    centre = _most_central(vectors, rows)
    return HotIssue(
        rank=rank,
        heat=heat[0],
        terms=heat[1],
        title=inside[centre].title,
        keywords=keywords(vectors, rows),
        representative=inside[centre],
        places=common_places(members),
        first_at=members[0].at,
        last_at=members[-1].at,
        messages=len(members),
        citizens=distinct_citizens(members),
        supports=sum(m.supports for m in members),
        recent=heat[2],
        members=members,
    )


def _most_central(vectors: Vectors, rows: np.ndarray) -> int:
    """The member closest to the cluster's mean: its title names the issue better than any one outlier."""
    block = vectors.matrix[rows]
    mean = np.asarray(block.mean(axis=0)).ravel()
    return int(rows[int(np.argmax(block @ mean))])


def keywords(vectors: Vectors, rows: np.ndarray, *, k: int = 5) -> list[str]:
    """The words weighing most in the members' word vectors (sum of TF-IDF), heaviest first."""
    if vectors.words.shape[1] == 0:
        return []
    weight = np.asarray(vectors.words[rows].sum(axis=0)).ravel()
    order = np.argsort(-weight, kind="stable")[:k]
    return [str(vectors.vocabulary[i]) for i in order if weight[i] > 0]


def common_places(members: Sequence[Message], *, k: int = 3) -> list[str]:
    """Where the issue is: the members' regions, then the place names most of them mention.

    A place counts once per message; one named by a single message of a larger issue is noise.
    Place names come from :func:`gongzhi.text.duplicates.places`.
    """
    counts: Counter[str] = Counter()
    for m in members:
        text = f"{m.title} {m.address or ''} {m.content[:300]}"
        named = {p for p in place_names(text) if not _NOT_A_NAME.search(p)} | set(_DISTRICT.findall(m.title))
        counts.update(named | ({m.region} if m.region else set()))
    needed = 1 if len(members) == 1 else 2
    chosen: list[str] = []
    for name, n in counts.most_common():
        # A longer name holding a chosen one is the same place with debris in front (「道丽发新城」).
        if n >= needed and not any(c in name for c in chosen):
            chosen.append(name)
    return chosen[:k]
