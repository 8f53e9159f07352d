"""Duplicate similarity on real pairs of 附件3 (tests/fixtures/text/duplicate_pairs.csv) and on odd input."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from gongzhi.config import Settings
from gongzhi.text.duplicates import cached_profile, compare, places, profile

PAIRS = Path(__file__).parent.parent / "fixtures" / "text" / "duplicate_pairs.csv"
THRESHOLD = Settings().duplicate_threshold


def _pairs() -> list[dict[str, str]]:
    with PAIRS.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _score(row: dict[str, str]) -> float:
    a = profile(row["title_a"], row["detail_a"])
    b = profile(row["title_b"], row["detail_b"])
    return compare(a, b).score


def test_the_labelled_sample_is_separated_at_the_platform_threshold() -> None:
    rows = _pairs()
    flagged = [(_score(r) >= THRESHOLD, r["label"] == "1") for r in rows]
    tp = sum(1 for f, y in flagged if f and y)
    precision = tp / sum(1 for f, _ in flagged if f)
    recall = tp / sum(1 for _, y in flagged if y)
    assert precision >= 0.9 and recall >= 0.75, (precision, recall)


@pytest.mark.parametrize("rule", ["same problem, different place", "random pair"])
def test_other_places_and_random_pairs_are_never_duplicates(rule: str) -> None:
    scores = [_score(r) for r in _pairs() if r["rule"] == rule]
    assert scores and max(scores) < THRESHOLD


def test_compare_is_symmetric_and_explains_itself() -> None:
    a = profile("丽发新城小区旁建搅拌厂严重扰民", "丽发新城小区附近新建了一个搅拌站，噪音和粉尘严重。")
    b = profile("投诉A2区丽发新城附近建搅拌站噪音扰民", "暮云街道丽发新城小区旁的搅拌站日夜施工。")
    assert compare(a, b).score == compare(b, a).score >= THRESHOLD
    assert "丽发新城" in compare(a, b).places and any("same place" in r for r in compare(a, b).reasons)


def test_coordinates_far_apart_are_not_the_same_place() -> None:
    text = ("湖畔小区门口路灯坏了", "湖畔小区门口的路灯坏了一个月，晚上很黑。")
    near_a = profile(*text, lat=30.0, long=120.0)
    near_b = profile(*text, lat=30.001, long=120.001)
    far = profile(*text, lat=30.2, long=120.3)
    assert compare(near_a, near_b).score == 1.0 and compare(near_a, far).score <= 0.5


def test_places_are_names_not_phrases() -> None:
    assert places("A市丽发小区建搅拌站，严重影响小区，附近小区") == {"丽发小区"}
    assert places("投诉A市伊景园滨河苑捆绑车位") == {"伊景园", "滨河苑"}


@pytest.mark.parametrize(
    ("title", "content"),
    [("", ""), ("   ", "\n\t\t"), ("Noise", "The mixing plant next to our estate is too loud."), ("好", "？")],
)
def test_odd_text_is_not_comparable_and_matches_nothing(title: str, content: str) -> None:
    odd = profile(title, content)
    real = profile("湖畔小区停水", "湖畔小区停水两天了")
    assert not odd.comparable and compare(odd, real).score == 0.0 and compare(odd, odd).score == 0.0


def test_huge_text_is_cut_and_cached() -> None:
    huge = "湖畔小区搅拌站噪音" * 100_000
    first = cached_profile("湖畔小区搅拌站", huge)
    assert cached_profile("湖畔小区搅拌站", huge) is first and sum(first.body.values()) < 400
