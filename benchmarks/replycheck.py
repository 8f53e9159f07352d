"""Reply check on 附件4: does relevance tell a message's true reply from another message's reply?

    python benchmarks/replycheck.py [--data ../shared/data/teddy2020c/messages_with_replies.xlsx] [--examples 4]

附件4 has no quality labels, so relevance is evaluated as a ranking task: for each message, its own
reply against a reply taken at random from another message (*random*), and against the reply of the
most similar other message by title (*hard*: same topic, other case). AUC = the share of pairs in
which the true reply scores higher (ties count half). Completeness and timeliness have no gold; the
script prints their distribution, the share of replies with each element, and the best and worst
replies by overall score so a reader can judge them.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from gongzhi.directory.worktime import WorkingCalendar
from gongzhi.text.data import read_rows
from gongzhi.text.duplicates import bigrams, cosine
from gongzhi.text.normalise import normalise
from gongzhi.text.replycheck import ELEMENTS, RELEVANCE_WARN, check_reply, relevance

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared/data/teddy2020c/messages_with_replies.xlsx"
ZONE = ZoneInfo("Asia/Shanghai")


def _when(value: str) -> datetime | None:
    for fmt in ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d"):
        try:
            return datetime.strptime(value.strip(), fmt).replace(tzinfo=ZONE)
        except ValueError:
            continue
    return None


def auc(pairs: list[tuple[float, float]]) -> float:
    return sum(1.0 if t > f else 0.5 if t == f else 0.0 for t, f in pairs) / len(pairs)


def _hard_negatives(titles: list[str]) -> list[int]:
    """For each message, the other message with the most similar title (same topic, another case)."""
    grams = [bigrams(normalise(t)) for t in titles]
    best = []
    for i, g in enumerate(grams):
        scores = [(cosine(g, h), j) for j, h in enumerate(grams) if j != i]
        best.append(max(scores)[1])
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=0, help="use only the first N messages (0: all)")
    parser.add_argument("--hard", type=int, default=600, help="messages for the hard (similar-title) test")
    parser.add_argument("--examples", type=int, default=4)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    if not args.data.is_file():
        sys.exit(f"no data at {args.data}; give --data PATH to 附件4 (messages_with_replies.xlsx)")
    rows = read_rows(args.data)
    need = {"留言主题", "留言详情", "答复意见", "留言时间", "答复时间"}
    if rows and need - set(rows[0]):
        sys.exit(f"{args.data} lacks the columns {', '.join(sorted(need - set(rows[0])))}")
    rows = [r for r in rows if r["答复意见"].strip()]
    if args.limit:
        rows = rows[: args.limit]
    rng = random.Random(args.seed)
    calendar = WorkingCalendar(tz=ZONE)
    started = time.perf_counter()
    checks = [
        check_reply(
            r["留言主题"],
            r["留言详情"],
            r["答复意见"],
            asked_at=_when(r["留言时间"]),
            replied_at=_when(r["答复时间"]),
            calendar=calendar,
        )
        for r in rows
    ]
    elapsed = time.perf_counter() - started
    random_pairs = []
    for i, r in enumerate(rows):
        j = rng.randrange(len(rows) - 1)
        j += j >= i
        random_pairs.append((checks[i].relevance, relevance(r["留言主题"], r["留言详情"], rows[j]["答复意见"])[0]))
    subset = rng.sample(range(len(rows)), min(args.hard, len(rows)))
    titles = [rows[i]["留言主题"] for i in subset]
    hard_pairs = []
    for k, j in enumerate(_hard_negatives(titles)):
        i, other = subset[k], subset[j]
        hard_pairs.append(
            (checks[i].relevance, relevance(rows[i]["留言主题"], rows[i]["留言详情"], rows[other]["答复意见"])[0])
        )
    flagged_true = sum(1 for c in checks if not c.addresses_question) / len(checks)
    flagged_random = sum(1 for _, f in random_pairs if f < RELEVANCE_WARN) / len(random_pairs)
    print(f"messages with a reply: {len(rows)}  checked at {len(rows) / elapsed:,.0f} replies/s")
    print(f"relevance AUC, true vs random other reply: {auc(random_pairs):.3f}")
    print(f"relevance AUC, true vs reply to the most similar title ({len(hard_pairs)}): {auc(hard_pairs):.3f}")
    print(f"flagged 'does not address the question': true replies {flagged_true:.1%}, mismatched {flagged_random:.1%}")
    med_true = statistics.median(c.relevance for c in checks)
    med_false = statistics.median(f for _, f in random_pairs)
    med_comp = statistics.median(c.completeness for c in checks)
    print(f"median relevance true {med_true:.2f} / mismatched {med_false:.2f}; completeness median {med_comp:.2f}")
    for name in ELEMENTS:
        print(f"  element {name:8s} in {sum(c.elements[name] for c in checks) / len(checks):.1%} of replies")
    days = [c.working_days for c in checks if c.working_days is not None]
    if days:
        late = sum(1 for c in checks if c.timeliness is not None and c.timeliness < 1) / len(days)
        print(f"working days to reply: median {statistics.median(days):.1f}, late (> 7) {late:.1%}")
    ranked = sorted(range(len(rows)), key=lambda i: checks[i].overall)
    wordy = sorted(
        (i for i in range(len(rows)) if len(normalise(rows[i]["答复意见"])) >= 150), key=lambda i: checks[i].relevance
    )
    examples = (
        ("best", ranked[::-1][: args.examples]),
        ("worst", ranked[: args.examples]),
        ("long (150+ characters) but least relevant", wordy[: args.examples]),
    )
    for label, picks in examples:
        print(f"--- {label} replies")
        for i in picks:
            c = checks[i]
            print(
                f"[{c.overall:.2f}] rel {c.relevance:.2f} comp {c.completeness:.2f} time {c.timeliness} "
                f"({c.working_days} wd) warn {list(c.warnings)}\n  Q: {normalise(rows[i]['留言主题'])}\n"
                f"  A: {normalise(rows[i]['答复意见'])[:160]}"
            )


if __name__ == "__main__":
    main()
