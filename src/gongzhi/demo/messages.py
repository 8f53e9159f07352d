"""Deterministic generator of believable citizen messages (诉求) for the demo jurisdiction.

``generate_messages(seed, n, start=…, end=…)`` draws, for each message, a time (weekday and
office-hour heavy), a topic (weighted, with seasonal bumps such as heating in winter), a message type,
a community, and then fills a template with the topic's phrases and the place's roads and estates.
Everything comes from one ``random.Random(seed)``: the same arguments give the same messages.

The reply, rating, return and extension texts are in ``gongzhi.demo.replies`` and re-exported here.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from gongzhi.demo.compose import DAYS, compose
from gongzhi.demo.corpus import TOPICS
from gongzhi.demo.jurisdiction import (
    CITY_NAME,
    DISTRICT_BOUNDS,
    REGIONS,
    STREET_PLACES,
    DemoRegion,
    category,
    children,
    department,
    is_village,
    region,
    route,
)
from gongzhi.demo.people import random_mobile, random_name
from gongzhi.demo.replies import (
    generate_extension_reason,
    generate_rating_comment,
    generate_reply,
    generate_return_reason,
)
from gongzhi.demo.timing import LOCAL, sample_submitted_at, season_factor
from gongzhi.demo.topics import Topic

__all__ = [
    "DemoMessage",
    "generate_burst",
    "generate_extension_reason",
    "generate_messages",
    "generate_rating_comment",
    "generate_reply",
    "generate_return_reason",
    "random_mobile",
    "random_name",
]

TITLE_MAX = 200
CONTENT_MAX = 4000


@dataclass(frozen=True)
class DemoMessage:
    """One generated message, with what the seeder needs to submit it and what replies refer to.

    ``region`` is the community code, ``department`` the code that ``jurisdiction.route`` picks for
    the category at that street, ``subject`` and ``place`` the short phrases a reply quotes.
    """

    title: str
    content: str
    type: str
    category: str
    urgency: str
    region: str
    street: str
    district: str
    address: str
    lat: float | None
    long: float | None
    contact_name: str
    contact_phone: str
    is_public: bool
    submitted_at: datetime
    department: str
    subject: str
    place: str


def generate_messages(seed: int, n: int, *, start: datetime, end: datetime) -> list[DemoMessage]:
    """``n`` messages submitted in [start, end) (timezone-aware; returned in UTC), the same for a seed."""
    rng = random.Random(seed)
    return [_message(rng, sample_submitted_at(rng, start, end)) for _ in range(n)]


# ---- choosing what, where and who -------------------------------------------------------------

_CN_SMALL = ("两", "三", "四", "五", "六", "七", "八")
_CN_GROUP = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")
_HOURS = ("晚上十一点", "夜里十二点", "凌晨一点", "凌晨两点", "半夜十二点多")
_PUBLIC_SHARE = {"report": 0.35, "praise": 0.9, "consultation": 0.85}


@cache
def communities_for(setting: str) -> tuple[tuple[DemoRegion, ...], tuple[float, ...]]:
    """Communities a topic of this setting can happen in, and their weights (villages write less)."""
    pool = tuple(
        r for r in REGIONS if r.level == "community" and (setting == "any" or is_village(r) == (setting == "rural"))
    )
    return pool, tuple(0.5 if is_village(r) else 1.0 for r in pool)


@cache
def _topic_weights(month: int) -> tuple[float, ...]:
    probe = datetime(2024, month, 15, tzinfo=LOCAL)
    return tuple(t.weight * season_factor(t.season, probe) for t in TOPICS)


def generate_burst(
    seed: int, n: int, *, start: datetime, end: datetime, category: str, community: str
) -> list[DemoMessage]:
    """``n`` messages about one third-level ``category`` from one ``community`` in [start, end): a local
    surge (a burst main, a blocked drain after a storm) for the early warning to find."""
    rng = random.Random(seed)
    topic = next(t for t in TOPICS if t.category == category)
    place = region(community)
    return [_message(rng, sample_submitted_at(rng, start, end), topic=topic, community=place) for _ in range(n)]


def _message(
    rng: random.Random, at: datetime, *, topic: Topic | None = None, community: DemoRegion | None = None
) -> DemoMessage:
    if topic is None:
        topic = rng.choices(TOPICS, weights=_topic_weights(at.astimezone(LOCAL).month))[0]
    kinds, weights = zip(*topic.type_weights, strict=True)
    kind = rng.choices(kinds, weights=weights)[0]
    if community is None:
        pool, community_weights = communities_for(topic.setting)
        community = rng.choices(pool, weights=community_weights)[0]
    street = region(community.parent or "")
    dept = route(topic.category, street.code)
    slots = _slots(rng, topic, community, at, department(dept).short_name)
    setting = "rural" if is_village(community) else "urban"
    title, content, subject = compose(rng, topic, kind, slots, setting=setting)
    lat, long = _coordinates(rng, street)
    return DemoMessage(
        title=title[:TITLE_MAX],
        content=content[:CONTENT_MAX],
        type=kind,
        category=topic.category,
        urgency=category(topic.category).urgency,
        region=community.code,
        street=street.code,
        district=street.parent or "",
        address=slots["address"],
        lat=lat,
        long=long,
        contact_name=random_name(rng),
        contact_phone=random_mobile(rng),
        is_public=rng.random() < _PUBLIC_SHARE.get(kind, 0.75),
        submitted_at=at,
        department=dept,
        subject=subject,
        place=slots["place"],
    )


def _coordinates(rng: random.Random, street: DemoRegion) -> tuple[float | None, float | None]:
    """A point in the street's strip of its district's bounding box; 15 % of citizens give none."""
    if rng.random() < 0.15:
        return None, None
    box = DISTRICT_BOUNDS[street.parent or ""]
    siblings = children(street.parent or "")
    i = siblings.index(street)
    width = (box.east - box.west) / len(siblings)
    west = box.west + i * width
    return round(rng.uniform(box.south, box.north), 6), round(rng.uniform(west, west + width), 6)


# ---- filling slots ------------------------------------------------------------------------------


def _short(name: str) -> str:
    """澜城区 → 澜城, 东门街道 → 东门, 城关镇 → 城关."""
    return re.sub(r"(街道|区|县|镇|乡)$", "", name)


def _date_before(rng: random.Random, at: datetime) -> str:
    if rng.random() < 0.2:
        return rng.choice(("前几天", "上个星期", "上个月底", "月初"))
    day = at.astimezone(LOCAL) - timedelta(days=rng.randint(2, 40))
    return f"{day.month}月{day.day}日"


def _slots(rng: random.Random, topic: Topic, community: DemoRegion, at: datetime, dept: str) -> dict[str, str]:
    street = region(community.parent or "")
    district = region(street.parent or "")
    places = STREET_PLACES[street.code]
    road, road2 = rng.sample(places.roads, 2)
    rural = is_village(community)
    home = community.name if rural else rng.choice(places.estates)
    num, bldg, group = str(rng.randint(1, 388)), str(rng.randint(1, 28)), rng.choice(_CN_GROUP)
    slots = {
        "city": CITY_NAME,
        "district": district.name,
        "street": street.name,
        "community": community.name,
        "village": community.name,
        "estate": home,
        "home": home,
        "road": road,
        "road2": road2,
        "sname": _short(street.name),
        "dname": _short(district.name),
        "num": num,
        "bldg": bldg,
        "group": group,
        "n": rng.choice(_CN_SMALL),
        "nn": str(rng.randint(12, 80)),
        "days": rng.choice(DAYS),
        "months": rng.choice(_CN_SMALL[:5]),
        "years": rng.choice(_CN_SMALL[:5]),
        "hour": rng.choice(_HOURS),
        "money": str(rng.randint(4, 90) * 500),
        "fee": str(rng.randint(2, 16) * 50),
        "bus": f"{rng.randint(1, 86)}路",
        "date": _date_before(rng, at),
        "dept": dept,
    }
    if rural:
        slots["home_address"] = f"{district.name}{street.name}{home}{group}组"
    else:
        slots["home_address"] = f"{district.name}{road}{num}号{home}{bldg}栋{rng.randint(1, 4)}单元"
    slots.update(_place(rng, topic, slots, rural))
    return slots


def _place(rng: random.Random, topic: Topic, slots: dict[str, str], rural: bool) -> dict[str, str]:
    """place (as written in the text), place_short (for titles), address and venue of the matter."""
    s = slots
    venue = ""
    if topic.where == "home":
        place = s["home"] if rural or rng.random() < 0.5 else f"{s['home']}{s['bldg']}栋"
        short, address = s["home"], s["home_address"]
    elif topic.where == "road":
        place = rng.choice((s["road"], f"{s['road']}与{s['road2']}交叉口", f"{s['road']}{s['num']}号附近"))
        short, address = s["road"], f"{s['district']}{s['street']}{place}"
    elif topic.where == "venue":
        raw = rng.choice(topic.venues)
        venue = raw.format_map(s)
        if "{" in raw:  # a named place: 东门小学
            place = short = venue
            address = f"{s['district']}{s['street']}{venue}"
        else:  # a kind of business on a road: 烧烤店
            place = rng.choice((f"{s['road']}{s['num']}号的{venue}", f"{s['road']}上的一家{venue}"))
            short = f"{s['road']}{rng.choice(('', '某', '一'))}{venue}"
            address = f"{s['district']}{s['road']}{s['num']}号"
    else:
        place = rng.choice((s["district"], s["street"], s["district"] + s["street"]))
        short, address = rng.choice(("", s["district"])), s["home_address"]
    return {"place": place, "place_short": short, "address": address, "venue": venue or place}
