"""Are two messages about the same problem at the same place? A cheap, explainable similarity.

A hotline receives the same problem many times: a mixing plant next to a housing estate, a developer
bundling parking spaces with flats. Each copy costs a dispatcher and a department time, and each
citizen deserves the one answer. This module compares two messages without a database or a model,
so it runs on every submission and in the benchmark alike:

- a :class:`Profile` holds what the comparison reads: character bigrams of the title and of the head
  of the details (after :func:`~gongzhi.text.normalise.normalise`, with the administrative prefixes
  and complaint boilerplate every message shares — 「A市」「投诉」「问题」 — removed, so that two
  messages are not "similar" just for being complaints to the same city), the named places the text
  mentions (「丽发新城」「伊景园滨河苑」, see :func:`places`), and the optional region and coordinates;
- :func:`compare` gives a score in [0, 1] and the reasons, which the staff page shows.

Character bigrams need no segmentation (robust to unknown local names and typos) and cost a few
microseconds a message. The score weights the title (a message's subject) over the details, adds a
bonus when both name the same place or lie within ``near_m`` metres, and caps pairs that name places
but no common one (same problem, different place: not a duplicate). The threshold is set in
``Settings.duplicate_threshold``; ``benchmarks/duplicates.py`` measures precision and recall.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from gongzhi.text.normalise import han_count, normalise

#: The head of the details that is compared: the subject is stated early, and a cap keeps it cheap.
BODY_CHARS = 300
#: Score of two messages naming the same place before their problems are compared.
PLACE_BASE = 0.45
#: Messages with fewer Chinese characters than this (title + details) are not compared at all.
MIN_HAN = 4

# Administrative prefixes (A市, A7县, 城南区, 湖畔街道 stay: a name; bare 「市」「区」 go) and boilerplate.
_ADMIN = re.compile(r"[A-Z]\d*[市县区]|[A-Z]\d*")
_BOILERPLATE = re.compile(
    r"投诉|反映|咨询|举报|建议|请问|关于|问题|情况|要求|希望|恳请|请求|强烈|严重|一下|什么时候|何时|能否|"
    r"是否|怎么|为什么|相关部门|有关部门|领导|政府|您好|你好|谢谢|感谢|尽快|解决|处理|[的了吗呢啊吧!！?？,，.。、:：;；\"“”'‘’()（）《》\s]"
)
_PLACE_SUFFIX = (
    "小区|花园|家园|新城|新村|广场|大厦|公寓|山庄|华府|华苑|名园|国际城|苑|园|城|大道|路|街|巷|村|镇|乡|社区|"
    "学校|中学|小学|幼儿园|大学|学院|医院|市场|公园|站|号线|湖|桥"
)
_PLACE = re.compile(rf"([\u4e00-\u9fff0-9]{{2,8}}?(?:{_PLACE_SUFFIX}))")
_GENERIC_PLACE = re.compile(
    rf"^(?:[\u4e00-\u9fff]?(?:该|本|我|我们|你们|这个|那个|附近|周边|旁边|对面|门口|所在|整个|安置|临街|二期|一期|三期|配套|"
    rf"新建|老旧|农村|城市|城区|县城|市区|全市|全县|物业|开发|小|中|大|公|私|民办|公办|幼|在|到|从|的|个|各|该)+)?"
    rf"(?:{_PLACE_SUFFIX})$"
)

# Facilities named by what they are, not where: 「搅拌站」 is the problem, not the place. And phrases
# that merely end in a place word: 「严重影响小区」「还是人口众多的小区」 (a name holds no verb or particle).
_NOT_A_NAME = re.compile(
    r"[的了是都在有和与到被把让给对向从还也就很太]|影响|严重|周边|附近|本来|我们|他们|所有|没有|整个|人口"
)
_NOT_A_PLACE = re.compile(
    r"(?:搅拌|垃圾|加油|变电|中转|污水|收费|充电|公交|基站|车)站$|号线$|^.{0,2}[一二三四五六七八九十\d]+号线"
)


@dataclass(frozen=True)
class Profile:
    """What :func:`compare` reads of one message; build it once with :func:`profile`."""

    title: Counter[str]
    body: Counter[str]
    places: frozenset[str]
    region: str | None = None  # a region code; None when unknown
    lat: float | None = None
    long: float | None = None
    han: int = 0
    title_norm: float = 0.0
    body_norm: float = 0.0

    @property
    def comparable(self) -> bool:
        """Too little Chinese text (empty, another language) means no suggestion rather than a wrong one."""
        return self.han >= MIN_HAN


@dataclass(frozen=True)
class Match:
    """The similarity of two messages and why, for the staff page and the benchmark."""

    score: float
    title: float
    body: float
    places: tuple[str, ...] = ()
    distance_m: float | None = None
    reasons: tuple[str, ...] = field(default=())


def _strip(text: str) -> str:
    return _BOILERPLATE.sub(" ", _ADMIN.sub(" ", text))


def bigrams(text: str) -> Counter[str]:
    """Character bigrams within runs of non-space characters (a removed word breaks the run)."""
    grams: Counter[str] = Counter()
    for run in text.split():
        grams.update(run[i : i + 2] for i in range(len(run) - 1))
        if len(run) == 1:
            grams[run] += 1
    return grams


def places(text: str) -> frozenset[str]:
    """Named places in ``text``: a stem of 2–8 characters before a place word (小区, 路, 村, 学校 …).

    Generic phrases (「该小区」「附近小区」「幼儿园」) are dropped; a longer name that contains a shorter
    one found in the same text keeps both, so 「丽发新城小区」 and 「丽发新城」 still meet.
    """
    found = set()
    for chunk in _ADMIN.sub(" ", text).split():
        for name in _PLACE.findall(chunk):
            name = re.sub(r"^(?:投诉|反映|咨询|举报|关于|请问|请|在|位于|我是|我们|家住|住在)+", "", name)
            if _is_name(name):
                found.add(name)
    return frozenset(found)


def _is_name(name: str) -> bool:
    return not (len(name) < 3 or _GENERIC_PLACE.match(name) or _NOT_A_PLACE.search(name) or _NOT_A_NAME.search(name))


def profile(
    title: str,
    content: str,
    *,
    region: str | None = None,
    lat: float | None = None,
    long: float | None = None,
) -> Profile:
    """Normalise and reduce a message to its :class:`Profile`; never raises on odd text (it is just not comparable)."""
    t = normalise(title or "", max_chars=200)
    b = normalise(content or "", max_chars=BODY_CHARS)
    title_grams, body_grams = bigrams(_strip(t)), bigrams(_strip(b))
    return Profile(
        title=title_grams,
        body=body_grams,
        places=places(t + " " + b),
        region=region,
        lat=lat,
        long=long,
        han=han_count(t) + han_count(b),
        title_norm=norm(title_grams),
        body_norm=norm(body_grams),
    )


@lru_cache(maxsize=20_000)
def cached_profile(
    title: str, content: str, region: str | None = None, lat: float | None = None, long: float | None = None
) -> Profile:
    """:func:`profile`, remembered: open cases are compared with every new message, and their text never changes.

    Keyed by the text itself, so a cache shared by several databases in one process cannot mix them up.
    """
    return profile(title, content, region=region, lat=lat, long=long)


def norm(grams: Counter[str]) -> float:
    return math.sqrt(sum(n * n for n in grams.values()))


def cosine(a: Counter[str], b: Counter[str], norm_a: float | None = None, norm_b: float | None = None) -> float:
    """Cosine of two bigram counts; pass the norms when known (profiles carry them) to halve the cost."""
    if not a or not b:
        return 0.0
    dot = sum(a[g] * b[g] for g in a.keys() & b.keys())  # the intersection runs in C
    if not dot:
        return 0.0
    return dot / ((norm_a if norm_a is not None else norm(a)) * (norm_b if norm_b is not None else norm(b)))


def distance_m(a: Profile, b: Profile) -> float | None:
    """Great-circle distance (haversine) when both have coordinates."""
    if None in (a.lat, a.long, b.lat, b.long):
        return None
    lat1, lon1, lat2, lon2 = map(math.radians, (a.lat, a.long, b.lat, b.long))  # type: ignore[arg-type]
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * 6_371_000 * math.asin(min(1.0, math.sqrt(h)))


def _shared_places(a: Profile, b: Profile) -> tuple[str, ...]:
    """Places both name, allowing one name to contain the other (「丽发新城小区」 ⊃ 「丽发新城」)."""
    shared = {p for p in a.places for q in b.places if p == q or (len(p) >= 3 and len(q) >= 3 and (p in q or q in p))}
    return tuple(sorted(shared))


def _without(grams: Counter[str], names: frozenset[str]) -> Counter[str]:
    """``grams`` without the bigrams of ``names``: what is left says what the problem is."""
    drop = {n[i : i + 2] for n in names for i in range(len(n) - 1)}
    return Counter({g: n for g, n in grams.items() if g not in drop})


def _text_score(title: float, body: float) -> float:
    """The title says what a message is about; the details' head confirms it."""
    return max(title, 0.6 * title + 0.4 * body, 0.9 * body)


def score(a: Profile, b: Profile, *, near_m: float = 300.0) -> float:
    """:func:`compare`'s score alone: what a search over hundreds of open cases needs for each one."""
    return _core(a, b, near_m)[0]


def compare(a: Profile, b: Profile, *, near_m: float = 300.0) -> Match:
    """How likely ``a`` and ``b`` report the same problem at the same place, in [0, 1], with reasons.

    When both name the same place, the place itself is taken out of the texts and what remains (the
    problem) is compared: two complaints about 「丽发新城」 are duplicates when the rest agrees
    (「搅拌站」), not because the estate's name makes half of both titles.
    """
    if not (a.comparable and b.comparable):
        return Match(0.0, 0.0, 0.0, reasons=("too little Chinese text to compare",))
    value, title, body, shared, distance = _core(a, b, near_m)
    reasons = [f"title {title:.2f}", f"details {body:.2f}"]
    if shared:
        reasons.append("same place: " + "、".join(shared))
    elif a.places and b.places:
        reasons.append("different places")
    if distance is not None and (distance <= near_m or distance > 10 * near_m):
        reasons.append(f"{distance:.0f} m apart" if distance <= near_m else f"{distance / 1000:.1f} km apart")
    return Match(value, round(title, 4), round(body, 4), shared, distance, tuple(reasons))


def _core(a: Profile, b: Profile, near_m: float) -> tuple[float, float, float, tuple[str, ...], float | None]:
    """(score, title cosine, details cosine, shared places, distance in metres)."""
    if not (a.comparable and b.comparable):
        return 0.0, 0.0, 0.0, (), None
    title = cosine(a.title, b.title, a.title_norm, b.title_norm)
    body = cosine(a.body, b.body, a.body_norm, b.body_norm)
    value = _text_score(title, body)
    shared = _shared_places(a, b) if a.places and b.places else ()
    if shared:
        names = a.places | b.places
        rest = _text_score(
            cosine(_without(a.title, names), _without(b.title, names)),
            cosine(_without(a.body, names), _without(b.body, names)),
        )
        value = max(value, PLACE_BASE + rest)
    elif a.places and b.places:
        value = min(value, 0.5)  # each names a place, and not the same one
    distance = distance_m(a, b)
    if distance is not None:
        if distance <= near_m:
            value += 0.1
        elif distance > 10 * near_m:
            value = min(value, 0.5)
    if a.region and b.region and a.region == b.region:
        value += 0.05
    return round(min(value, 1.0), 4), title, body, shared, distance
