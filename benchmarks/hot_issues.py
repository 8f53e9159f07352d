"""Hot-issue clustering benchmark: how long grouping N messages into issues takes on one core.

Messages are synthesised from a real sample: rows of Teddy 附件3 (``--data``; default
../shared/data/teddy2020c/messages_with_supports.xlsx) are drawn with replacement and perturbed — a
random stretch of the details cut out, a few characters of the title dropped, a new time in a 30-day
window, a new author — so that copies of one message are similar but not identical, as repeated
complaints are. Without the file, the demo generator (``gongzhi.demo.messages``) supplies them.

Prints the seconds of each step (vectorising, clustering) and of the whole of ``find_hot_issues``, as
wall-clock and as CPU time (the process is single-threaded, so CPU time is the one-core cost even on a
busy machine), and the largest issues found. The goal (issue 6) is ≤ 30 s for 20,000 messages.

    python benchmarks/hot_issues.py [--n 20000] [--data FILE] [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("OMP_NUM_THREADS", "1")  # one core, as the goal says
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from gongzhi.analytics.clustering import MessageVectoriser, cluster  # noqa: E402
from gongzhi.analytics.hotissues import HeatWeights, Message, Window, find_hot_issues  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "teddy2020c" / "messages_with_supports.xlsx"
END = datetime(2026, 10, 31, 16, 0, tzinfo=UTC)


def seed_messages(data: Path) -> list[Message]:
    if data.is_file():
        from gongzhi.analytics.hotissues_sources import file_messages

        return file_messages(data, zone=ZoneInfo("Asia/Shanghai"))
    from gongzhi.demo.messages import generate_messages

    demo = generate_messages(7, 3000, start=END - timedelta(days=365), end=END)
    return [Message(str(i), m.title, m.content, END) for i, m in enumerate(demo)]


def perturb(rng: random.Random, message: Message, number: int) -> Message:
    title, content = message.title, message.content
    if len(content) > 40:
        cut = rng.randrange(len(content) - 20)
        content = content[:cut] + content[cut + rng.randint(5, 20) :]
    if len(title) > 8 and rng.random() < 0.5:
        drop = rng.randrange(len(title) - 2)
        title = title[:drop] + title[drop + 2 :]
    at = END - timedelta(seconds=rng.randrange(30 * 86400))
    return Message(f"m{number}", title, content, at, author=f"u{rng.randrange(10**6)}", supports=rng.choice((0, 0, 1)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    base = seed_messages(args.data)
    messages = [perturb(rng, rng.choice(base), i) for i in range(args.n)]
    source = args.data.name if args.data.is_file() else "demo generator"
    print(f"{len(messages)} messages synthesised from {len(base)} ({source})")

    w0, c0 = time.perf_counter(), time.process_time()
    vectors = MessageVectoriser().fit_transform([m.title for m in messages], [m.content for m in messages])
    w1, c1 = time.perf_counter(), time.process_time()
    labels = cluster(vectors.matrix)
    w2, c2 = time.perf_counter(), time.process_time()
    print("step        wall s   CPU s")
    print(f"vectorise  {w1 - w0:7.2f} {c1 - c0:7.2f}   ({vectors.matrix.shape[1]} features)")
    print(f"cluster    {w2 - w1:7.2f} {c2 - c1:7.2f}   ({labels.max() + 1} clusters)")

    w3, c3 = time.perf_counter(), time.process_time()
    issues = find_hot_issues(messages, window=Window(END, 30), top=5, weights=HeatWeights())
    wall, cpu = time.perf_counter() - w3, time.process_time() - c3
    print(f"find_hot_issues end to end (vectorise, cluster, rank, describe): {wall:.2f} s wall, {cpu:.2f} s CPU")
    for issue in issues:
        print(f"  {issue.messages:5d} messages  heat {issue.heat:6.2f}  {issue.title}")


if __name__ == "__main__":
    main()
