"""Hot issues: real messages about one problem land together, different problems apart, heat follows its formula."""

from __future__ import annotations

import csv
import json
import math
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from typer.testing import CliRunner

from gongzhi.analytics.hotissues import HeatWeights, Message, Window, distinct_citizens, find_hot_issues, heat_index
from gongzhi.analytics.hotissues_sources import file_messages
from gongzhi.cli import app
from gongzhi.errors import InvalidInput

SAMPLE = Path(__file__).parent.parent / "fixtures" / "analytics" / "teddy_hot_sample.csv"
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 10, 31, 12, 0, tzinfo=UTC)
runner = CliRunner()


@pytest.fixture(scope="module")
def sample() -> list[Message]:
    return file_messages(SAMPLE, zone=SHANGHAI)


@pytest.fixture(scope="module")
def problem_of() -> dict[str, str]:
    with SAMPLE.open(encoding="utf-8") as fh:
        return {row["留言编号"]: row["问题"] for row in csv.DictReader(fh)}


@pytest.fixture(scope="module")
def issues(sample: list[Message]):  # type: ignore[no-untyped-def]
    now = max(m.at for m in sample)
    return find_hot_issues(sample, window=Window(now, None), top=50, weights=HeatWeights(half_life_days=None))


def test_messages_about_one_problem_land_in_one_issue(issues, problem_of: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    for problem in ("lifa", "binhe", "che58", "meili", "liangtang"):
        best = max(sum(problem_of[m.key] == problem for m in issue.members) for issue in issues)
        assert best >= 4, f"{problem}: at most {best} of its 6 messages in one issue"
    together = {problem_of[m.key] for issue in issues[:4] for m in issue.members}
    assert together == {"lifa", "binhe", "che58", "liangtang"}


def test_different_problems_stay_apart(issues, problem_of: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    for issue in issues:
        problems = Counter(problem_of[m.key] for m in issue.members)
        assert len(problems) == 1, f"issue {issue.title!r} mixes {dict(problems)}"
        assert "other" not in problems, f"unrelated messages grouped: {[m.title for m in issue.members]}"


def test_an_issue_says_what_where_and_when(issues, problem_of: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    lifa = next(i for i in issues if problem_of[i.members[0].key] == "lifa")
    assert "丽发新城" in lifa.title
    assert lifa.representative in lifa.members
    assert "丽发新城" in lifa.places
    assert any("搅拌" in k for k in lifa.keywords)
    assert lifa.first_at == min(m.at for m in lifa.members) and lifa.last_at == max(m.at for m in lifa.members)
    che58 = next(i for i in issues if problem_of[i.members[0].key] == "che58")
    assert che58.supports == sum(m.supports for m in che58.members) > 2000  # 点赞数 of the real messages


def test_ranking_follows_the_heat_formula(issues) -> None:  # type: ignore[no-untyped-def]
    heats = [i.heat for i in issues]
    assert heats == sorted(heats, reverse=True)
    assert [i.rank for i in issues] == list(range(1, len(issues) + 1))
    for issue in issues:
        volume = math.log1p(issue.messages) + 2 * math.log1p(issue.citizens) + 0.5 * math.log1p(issue.supports)
        assert issue.terms["volume"] == pytest.approx(volume, abs=1e-3)
        assert issue.heat == pytest.approx(volume + issue.terms["growth"], abs=1e-3)  # recency off here


def test_heat_index_by_hand() -> None:
    weights = HeatWeights(half_life_days=7)
    heat, terms = heat_index(
        messages=9, citizens=4, supports=3, recent=6, earlier=3, age_days=7, window_days=28, weights=weights
    )
    volume = math.log(10) + 2 * math.log(5) + 0.5 * math.log(4)
    growth = math.log(7 / (1 + 3 * 7 / 21))  # 3 earlier messages in 21 days predict 1 in the last 7
    assert terms == {
        "volume": pytest.approx(volume, abs=1e-4),
        "growth": pytest.approx(growth, abs=1e-4),
        "recency": 0.5,
    }
    assert heat == pytest.approx((volume + growth) * 0.5)


def test_a_falling_issue_gains_no_growth_and_old_issues_cool_down() -> None:
    _, falling = heat_index(messages=10, citizens=10, supports=0, recent=0, earlier=10, age_days=0, window_days=28)
    assert falling["growth"] == 0
    hot, _ = heat_index(messages=5, citizens=5, supports=0, recent=5, earlier=0, age_days=0, window_days=28)
    cold, _ = heat_index(messages=5, citizens=5, supports=0, recent=5, earlier=0, age_days=28, window_days=28)
    assert cold == pytest.approx(hot / 4)  # two half-lives of 14 days (the default)


def _msg(key: str, title: str, *, days_ago: float, author: str | None = None, supports: int = 0) -> Message:
    return Message(key, title, title, NOW - timedelta(days=days_ago), author=author, supports=supports)


def test_distinct_citizens_count_unknown_authors_once_each() -> None:
    messages = [_msg("1", "a", days_ago=1, author="x"), _msg("2", "a", days_ago=1, author="x")]
    messages += [_msg("3", "a", days_ago=1), _msg("4", "a", days_ago=1)]
    assert distinct_citizens(messages) == 3


def test_more_citizens_and_supports_rank_higher() -> None:
    noise = "湖畔小区门口的搅拌站每天夜里施工噪音扰民"
    fumes = "石巷街道烧烤店油烟直排到居民楼里"
    messages = [_msg(f"n{i}", noise, days_ago=i, author="same person") for i in range(4)]
    messages += [_msg(f"f{i}", fumes, days_ago=i, author=f"c{i}", supports=5) for i in range(4)]
    found = find_hot_issues(messages, window=Window(NOW, 30), top=5)
    assert [i.members[0].key[0] for i in found] == ["f", "n"]
    assert (found[0].citizens, found[1].citizens) == (4, 1)


def test_the_window_leaves_older_messages_out() -> None:
    title = "湖畔小区门口的搅拌站每天夜里施工噪音扰民"
    messages = [_msg("new1", title, days_ago=1), _msg("new2", title, days_ago=2), _msg("old", title, days_ago=40)]
    found = find_hot_issues(messages, window=Window(NOW, 30), top=5)
    assert [m.key for m in found[0].members] == ["new2", "new1"]
    assert find_hot_issues(messages, window=Window(NOW - timedelta(days=100), 30), top=5) == []


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda: find_hot_issues([], window=Window(NOW, 30), top=0), "top"),
        (lambda: Window(NOW, 0), "window"),
        (lambda: HeatWeights(recent_fraction=1.0), "recent_fraction"),
        (lambda: HeatWeights(half_life_days=-1), "half_life"),
    ],
)
def test_bad_parameters_are_refused_with_a_reason(call, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput) as refused:
        call()
    assert refused.value.field == field


def test_a_file_without_the_columns_says_which_are_missing(tmp_path: Path) -> None:
    data = tmp_path / "m.csv"
    data.write_text("留言编号,留言主题\n1,停水\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="留言时间"):
        file_messages(data, zone=SHANGHAI)


def test_a_bad_time_names_its_row(tmp_path: Path) -> None:
    data = tmp_path / "m.csv"
    data.write_text("留言编号,留言用户,留言主题,留言时间,留言详情\n1,u,停水,2019/2/28 11:25:05,x\n2,u,停水,昨天,x\n")
    with pytest.raises(InvalidInput, match="row 3"):
        file_messages(data, zone=SHANGHAI)


def test_messages_without_usable_text_neither_fail_nor_group() -> None:
    messages = [_msg("1", "", days_ago=1), _msg("2", "!!", days_ago=1), _msg("3", "？", days_ago=2)]
    assert find_hot_issues(messages, window=Window(NOW, 30), top=5) == []
    alone = find_hot_issues(messages, window=Window(NOW, 30), top=5, min_messages=1)
    assert sorted(i.messages for i in alone) == [1, 1, 1]


def test_the_command_ranks_a_spreadsheet_and_prints_json() -> None:
    result = runner.invoke(
        app, ["analytics", "hot-issues", "--data", str(SAMPLE), "--top", "3", "--half-life-days", "0", "--json"]
    )
    assert result.exit_code == 0, result.output
    issues = json.loads(result.output)
    assert [i["rank"] for i in issues] == [1, 2, 3]
    assert all(i["messages"] >= 4 for i in issues) and "58车贷" in issues[0]["title"]  # 2,347 supports


def test_the_command_prints_a_table_with_the_counts() -> None:
    result = runner.invoke(
        app, ["analytics", "hot-issues", "--data", str(SAMPLE), "--top", "2", "--half-life-days", "0"]
    )
    assert result.exit_code == 0, result.output
    assert "messages" in result.output and "58车贷" in result.output


@pytest.mark.parametrize("name", ["missing.xlsx", "teddy_hot_sample.txt"])
def test_the_command_refuses_a_bad_file_without_a_traceback(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name.endswith(".txt"):
        path.write_text("x", encoding="utf-8")
    result = runner.invoke(app, ["analytics", "hot-issues", "--data", str(path)])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert str(path) in result.output.replace("\n", "")
