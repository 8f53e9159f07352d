"""Surge detection and forecasts: how long the daily evaluation and the forecasts page's work take.

    python benchmarks/surge.py [--series 2000] [--weeks 156] [--categories 20] [--seed 1]

Prints, on synthetic data (seasonal Poisson counts, reproducible by seed):
- Farrington flexible (daily, weekly cycle, b=5, w=3) judging one day on N series, and EARS C1/C3;
- the same for 28 days on N series (the first run of the daily job);
- the weekly forecasts with back-test (three candidate models) for C categories over W weeks.
The worker evaluates only series with at least ``min_count`` cases on a judged day, so a city's real
run touches far fewer series than it has; these figures are the worst case of every series busy.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from gongzhi.analytics import forecast
from gongzhi.analytics.alerts import ears
from gongzhi.analytics.surge import Rule, detect


def _daily(rng: np.random.Generator, days: int) -> np.ndarray:
    t = np.arange(days)
    level = rng.uniform(2, 20)
    return rng.poisson(level * (1 + 0.3 * (t % 7 < 5)) * np.exp(0.2 * np.sin(2 * np.pi * t / 365))).astype(float)


def say(text: str) -> None:
    print(text, flush=True)  # noqa: T201 - a benchmark prints its figures


class Timer:
    """Wall-clock and CPU seconds of a block (the CPU figure stays honest on a busy shared machine)."""

    def __enter__(self) -> Timer:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

    def __str__(self) -> str:
        return f"{self.wall:.2f} s ({self.cpu:.2f} s CPU)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--series", type=int, default=2000)
    parser.add_argument("--weeks", type=int, default=156)
    parser.add_argument("--categories", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = np.random.default_rng(args.seed)
    series = [_daily(rng, 38 + 28) for _ in range(args.series)]
    rule = Rule(method="farrington", alpha=0.01, min_count=5)

    with Timer() as took:
        alarms = sum(bool(detect(y, rule, points=[len(y) - 1]).alarm[-1]) for y in series)
    each = took.cpu / args.series * 1000
    say(f"farrington, 1 day × {args.series} series: {took}, {each:.2f} ms CPU a series, {alarms} alarms")

    with Timer() as took:
        alarms = sum(sum(bool(a) for a in detect(y, rule, points=range(38, len(y))).alarm) for y in series)
    share = alarms / args.series / 28
    say(f"farrington, 28 days × {args.series} series: {took}, {alarms} alarms ({share:.2%} of days)")

    for method in ("C1", "C3"):
        with Timer() as took:
            alarms = sum(sum(bool(a) for a in ears(y, method=method, min_sigma=0.5).alarm[-28:]) for y in series)
        say(f"ears {method}, 28 days × {args.series} series: {took}, {alarms} alarms")

    weekly = [rng.poisson(rng.uniform(20, 300) * np.exp(0.3 * np.sin(2 * np.pi * np.arange(args.weeks) / 52.18)))
              for _ in range(args.categories)]  # fmt: skip
    with Timer() as took:
        mases = [forecast.best_forecast(y.astype(float), 8)[1] for y in weekly]
    skill = np.median([b.mase / b.naive_mase for b in mases if b and b.mase and b.naive_mase])
    say(f"forecasts with back-test, {args.categories} categories × {args.weeks} weeks: {took}")
    say(f"  median of MASE / naive MASE: {skill:.2f} (below 1: better than the naive forecast)")


if __name__ == "__main__":
    main()
