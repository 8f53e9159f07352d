"""Duplicate detection: build a labelled set of message pairs from 附件3, then measure precision and recall.

    python benchmarks/duplicates.py [--data ../shared/data/teddy2020c/messages_with_supports.xlsx]
           [--pairs-out pairs.csv] [--threshold T]

How the labelled set is built (the detector never sees these rules):

1. Every message is tagged with its *problem* — one of the groups of ``PROBLEMS`` below, a hand-written
   lexicon (搅拌站, 捆绑销售车位, 油烟, 噪音扰民, 拆迁 …) matched against the title, else the details' head —
   and its *place*: the named places of the title and the details' head (``places`` of gongzhi.text.duplicates)
   that appear in at least ``--min-place`` messages (so a place is a hot spot, not extraction noise).
2. Candidates are pairs of messages at most ``--window`` days apart that share a place or a problem.
3. Labels: **duplicate** when both share a place and a problem group (the hot-issue clusters of the Teddy
   problem 2), or when the same user wrote both with near-identical titles (re-posts; character Jaccard
   ≥ 0.6). **Not duplicate (hard negatives)**: same place, disjoint problems; same problem, places named
   and disjoint. Pairs tagged with neither problem nor place are not labelled. Easy negatives: random
   pairs in the window (as many as the positives).
4. Precision and recall are reported at the platform's threshold (``Settings.duplicate_threshold``, fixed
   beforehand), per labelling rule and across thresholds; as a check against tuning to the set, a
   threshold is also chosen on one half (even message ids) and measured on the other.

The detector scores pairs with character bigrams of title and details and places (gongzhi.text.duplicates);
it reads neither the problem lexicon nor user ids, so the figures are not circular — but both use the
same place extraction, which the report says.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from gongzhi.config import Settings
from gongzhi.text.data import read_rows
from gongzhi.text.duplicates import Profile, compare, places, profile
from gongzhi.text.normalise import normalise

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/data/teddy2020c/messages_with_supports.xlsx"

PROBLEMS: dict[str, tuple[str, ...]] = {
    "mixing_plant": ("搅拌站", "搅拌厂", "混凝土"),
    "bundled_parking": ("捆绑", "车位"),
    "cooking_fumes": ("油烟",),
    "noise": ("噪音", "噪声", "扰民", "施工"),
    "demolition": ("拆迁", "征收", "征地", "安置"),
    "school_fees": ("学费", "收费标准", "乱收费"),
    "school_places": ("入学", "学位", "划片", "招生"),
    "property_mgmt": ("物业",),
    "water_supply": ("停水", "自来水", "供水", "水压"),
    "power": ("停电", "供电", "电压"),
    "street_lights": ("路灯",),
    "waste": ("垃圾",),
    "pollution": ("污染", "排污", "粉尘", "臭"),
    "traffic": ("红绿灯", "拥堵", "堵车", "交通"),
    "parking": ("停车",),
    "bus": ("公交",),
    "metro": ("地铁",),
    "road_works": ("修路", "道路", "路面", "断头路"),
    "housing_cert": ("房产证", "不动产", "产权证"),
    "wages": ("工资", "欠薪", "拖欠"),
    "illegal_building": ("违建", "违章", "违法建"),
    "social_security": ("社保", "医保", "养老"),
    "housing_quality": ("质量", "漏水", "开裂"),
    "price": ("涨价", "价格", "限价"),
}


#: Places that are points (an estate, a school, a station), not roads, streets or villages that span kilometres.
POINT_PLACE = re.compile(
    r"(?:小区|花园|家园|新城|新村|广场|大厦|公寓|山庄|华府|华苑|名园|国际城|苑|园|城|学校|中学|小学|幼儿园|"
    r"大学|学院|医院|市场|公园|站)$"
)
BROAD = frozenset({"noise", "pollution", "road_works", "traffic", "price", "housing_quality", "parking"})


@dataclass
class Message:
    id: str
    user: str
    at: datetime
    title: str
    detail: str
    problems: frozenset[str]
    places: frozenset[str]  # hot point places (the labels' notion of "the same place")
    profile: Profile
    all_places: frozenset[str] = frozenset()  # every named place, to avoid calling variants different


def _problems(title: str, detail: str) -> frozenset[str]:
    for text in (title, detail[:200]):
        found = frozenset(name for name, words in PROBLEMS.items() if any(w in text for w in words))
        if found:
            return found
    return frozenset()


def _when(value: str) -> datetime:
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d"):
        try:
            return datetime.strptime(value.strip(), fmt)
        except ValueError:
            continue
    raise ValueError(f"unreadable 留言时间 {value!r}")


def load(path: Path, *, min_place: int) -> list[Message]:
    rows = read_rows(path)
    missing = {"留言编号", "留言用户", "留言时间", "留言主题", "留言详情"} - set(rows[0] if rows else ())
    if missing:
        sys.exit(f"{path} lacks the columns {', '.join(sorted(missing))} (附件3 of the Teddy Cup 2020 C has them)")
    raw = []
    for row in rows:
        title, detail = normalise(row["留言主题"]), normalise(row["留言详情"])
        raw.append((row, title, detail, places(title + " " + detail[:200])))
    counts: dict[str, int] = {}
    for *_, names in raw:
        for name in names:
            counts[name] = counts.get(name, 0) + 1
    messages = []
    for row, title, detail, names in raw:
        hot = frozenset(n for n in names if counts[n] >= min_place and POINT_PLACE.search(n))
        messages.append(
            Message(
                row["留言编号"],
                row["留言用户"],
                _when(row["留言时间"]),
                title,
                detail,
                _problems(title, detail),
                hot,
                profile(title, detail),
                names,
            )
        )
    return messages


def _jaccard(a: str, b: str) -> float:
    x, y = {a[i : i + 2] for i in range(len(a) - 1)}, {b[i : i + 2] for i in range(len(b) - 1)}
    return len(x & y) / len(x | y) if x | y else 0.0


def _same_place(a: Message, b: Message) -> bool:
    return any(p == q or p in q or q in p for p in a.places for q in b.places)


def _maybe_same_place(a: Message, b: Message) -> bool:
    """Names sharing a bigram of their stem (丽发小区 / 丽发新城, 滨河院 / 滨河苑): maybe one place misspelt."""
    stems = [{n[i : i + 2] for i in range(len(n) - 2)} for n in (*a.all_places, *b.all_places)]
    left, right = stems[: len(a.all_places)], stems[len(a.all_places) :]
    return any(x & y for x in left for y in right)


def label(a: Message, b: Message) -> tuple[int, str] | None:
    """1 / 0 with the rule that decided, or None when the rules cannot tell.

    Broad problem words (noise, pollution, roads, prices …) name a symptom shared by different
    problems and differ between reports of one problem (a mixing plant is reported for its noise and
    for its dust), so they neither make a pair a duplicate nor tell two problems apart.
    """
    if a.user == b.user and _jaccard(a.title, b.title) >= 0.6:
        return 1, "same user, same title"
    place = _same_place(a, b)
    specific_a, specific_b = a.problems - BROAD, b.problems - BROAD
    if place and specific_a & specific_b:
        return 1, "same place, same problem"
    if place and specific_a and specific_b and not a.problems & b.problems:
        return 0, "same place, different problem"
    if specific_a & specific_b and a.places and b.places and not place and not _maybe_same_place(a, b):
        return 0, "same problem, different place"
    return None


Pair = tuple[Message, Message, int, str]


def build_pairs(messages: list[Message], *, window_days: int, seed: int, per_cluster: int = 60) -> list[Pair]:
    pairs = []
    ordered = sorted(messages, key=lambda m: m.at)
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if (b.at - a.at).days > window_days:
                break  # ordered by time: every later message is further away
            if a.places & b.places or a.problems & b.problems or a.user == b.user:
                decided = label(a, b)
                if decided is not None:
                    pairs.append((a, b, *decided))
    pairs = _capped(pairs, per_cluster=per_cluster, rng=random.Random(seed))
    rng = random.Random(seed)
    positives = sum(1 for *_, y, _ in pairs if y == 1)
    seen = {(a.id, b.id) for a, b, *_ in pairs}
    while sum(1 for *_, r in pairs if r == "random pair") < positives:
        a, b = rng.sample(messages, 2)
        if (a.id, b.id) in seen or abs((b.at - a.at).days) > window_days or a.user == b.user:
            continue
        if _same_place(a, b) or a.problems & b.problems:
            continue
        seen.add((a.id, b.id))
        pairs.append((a, b, 0, "random pair"))
    return pairs


def _capped(pairs: list[Pair], *, per_cluster: int, rng: random.Random) -> list[Pair]:
    """At most ``per_cluster`` positive pairs per (place, problem) cluster, sampled.

    A hot issue reported 40 times makes 780 pairs; uncapped, two clusters would be the whole set.
    """
    clusters: dict[tuple[str, ...], list[Pair]] = {}
    kept: list[Pair] = []
    for pair in pairs:
        a, b, y, rule = pair
        if rule != "same place, same problem":
            kept.append(pair)
            continue
        key = tuple(sorted(a.places & b.places or a.places | b.places)) + tuple(sorted(a.problems & b.problems))
        clusters.setdefault(key, []).append(pair)
    for members in clusters.values():
        kept.extend(rng.sample(members, min(per_cluster, len(members))))
    return kept


def pr(scored: list[tuple[float, int]], threshold: float) -> tuple[float, float]:
    tp = sum(1 for s, y in scored if s >= threshold and y)
    fp = sum(1 for s, y in scored if s >= threshold and not y)
    fn = sum(1 for s, y in scored if s < threshold and y)
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 0.0)


def choose_threshold(scored: list[tuple[float, int]], *, min_precision: float = 0.95) -> float:
    """The threshold with the best recall among those reaching ``min_precision`` on the dev half."""
    best, best_recall = 1.0, -1.0
    for t in sorted({round(s, 2) for s, _ in scored}):
        p, r = pr(scored, t)
        if p >= min_precision and r > best_recall:
            best, best_recall = t, r
    return best


def app_speed(messages: list[Message], *, open_cases: int, queries: int) -> None:
    """Time ``similar_cases`` as intake runs it: a migrated SQLite database holding ``open_cases`` open cases."""
    import tempfile
    from datetime import UTC, timedelta

    from gongzhi.cases.models import Case, CaseType, Channel, Status
    from gongzhi.cases.similar import similar_cases
    from gongzhi.db import Database
    from gongzhi.migrate import upgrade

    settings = Settings(duplicate_max_candidates=open_cases)
    now = datetime(2026, 3, 2, tzinfo=UTC)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/speed.db"
        upgrade(url)
        db = Database(url)
        with db.transaction() as session:
            for i, m in enumerate(messages[:open_cases]):
                at = now - timedelta(minutes=i + 1)
                session.add(
                    Case(
                        tracking_code=f"B{i:07d}",
                        secret_hash="x",
                        channel=Channel.WEB,
                        title=m.title[:200],
                        content=m.detail[:4000] or m.title,
                        type=CaseType.HELP,
                        status=Status.SUBMITTED,
                        is_public=True,
                        submitted_at=at,
                        updated_at=at,
                    )
                )
        probes = messages[open_cases : open_cases + queries] or messages[:queries]
        for label in ("cold cache", "warm cache"):
            started = time.perf_counter()
            with db.reading() as session:
                for m in probes:
                    similar_cases(session, of=profile(m.title, m.detail), region=None, now=now, settings=settings)
            per = (time.perf_counter() - started) / len(probes) * 1000
            print(f"  similar_cases over {open_cases} open cases ({label}): {per:.1f} ms per new message")
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--window", type=int, default=60, help="days between two messages of a pair")
    parser.add_argument("--min-place", type=int, default=3, help="titles a place must appear in to be a hot spot")
    parser.add_argument("--threshold", type=float, default=None, help="default: GONGZHI_DUPLICATE_THRESHOLD")
    parser.add_argument("--pairs-out", type=Path, default=None, help="write the labelled pairs as CSV")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--speed", type=int, default=200, help="open cases for the in-app timing (0: skip)")
    args = parser.parse_args()
    if not args.data.is_file():
        sys.exit(f"no data at {args.data}; give --data PATH to 附件3 (messages_with_supports.xlsx)")
    messages = load(args.data, min_place=args.min_place)
    pairs = build_pairs(messages, window_days=args.window, seed=args.seed)
    started = time.perf_counter()
    scores = [compare(a.profile, b.profile).score for a, b, *_ in pairs]
    elapsed = time.perf_counter() - started
    rules: dict[str, int] = {}
    for *_, rule in pairs:
        rules[rule] = rules.get(rule, 0) + 1
    rules = dict(sorted(rules.items()))
    scored = [(sc, y) for sc, (_a, _b, y, _r) in zip(scores, pairs, strict=True)]
    dev = [(sc, y) for sc, (a, _b, y, _r) in zip(scores, pairs, strict=True) if int(a.id) % 2 == 0]
    threshold = args.threshold if args.threshold is not None else Settings().duplicate_threshold
    p, r = pr(scored, threshold)
    print(f"messages {len(messages)}  labelled pairs {len(pairs)} (duplicates {sum(y for _, y in scored)})")
    print(f"threshold {threshold:.2f} (GONGZHI_DUPLICATE_THRESHOLD)  precision {p:.3f}  recall {r:.3f}")
    print(f"speed: {len(pairs) / elapsed:,.0f} comparisons/s (profiles built once)")
    print("  by rule (share flagged as duplicates):")
    for rule in rules:
        sub = [sc for sc, (*_, rr) in zip(scores, pairs, strict=True) if rr == rule]
        print(f"    {rule:32s} n={len(sub):5d}  flagged {sum(sc >= threshold for sc in sub) / len(sub):.1%}")
    print("  precision / recall by threshold:")
    for t in (0.45, 0.5, 0.55, 0.6, 0.65, 0.7):
        pt, rt = pr(scored, t)
        print(f"    {t:.2f}  P {pt:.3f}  R {rt:.3f}")
    chosen = choose_threshold(dev)
    test = [(sc, y) for sc, (a, _b, y, _r) in zip(scores, pairs, strict=True) if int(a.id) % 2 == 1]
    pt, rt = pr(test, chosen)
    print(f"  threshold chosen on the dev half (even ids) {chosen:.2f}: test half precision {pt:.3f} recall {rt:.3f}")
    if args.speed:
        app_speed(messages, open_cases=args.speed, queries=100)
    if args.pairs_out:
        with args.pairs_out.open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(["id_a", "id_b", "title_a", "title_b", "label", "rule", "score"])
            for s, (a, b, y, rule) in zip(scores, pairs, strict=True):
                out.writerow([a.id, b.id, a.title, b.title, y, rule, s])


if __name__ == "__main__":
    main()
