"""The reply check on real replies of 附件4 (tests/fixtures/text/replies_sample.csv), its parts, and odd input."""

from __future__ import annotations

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest

from gongzhi.directory.worktime import WorkingCalendar
from gongzhi.text.replycheck import RELEVANCE_WARN, check_reply, completeness, relevance, timeliness

SAMPLE = Path(__file__).parent.parent / "fixtures" / "text" / "replies_sample.csv"
TITLE = "湖畔小区3栋停水两天了"
MESSAGE = "柳岸社区湖畔小区3栋从前天早上开始停水，没有任何通知，老人孩子生活很不方便，请尽快恢复供水。"
GOOD = (
    "您反映的柳岸社区湖畔小区3栋停水问题，经现场核实，系小区供水管道破裂所致。我局已责成供水公司连夜抢修，"
    "目前已恢复供水。根据《城市供水条例》，计划停水须提前24小时通知，我们已要求供水公司整改。如有疑问请拨打联系电话12345。"
)


def _sample() -> list[dict[str, str]]:
    with SAMPLE.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_a_message_s_own_reply_is_more_relevant_than_another_s() -> None:
    rows = [r for r in _sample() if len(r["答复意见"]) > 30]
    wins = 0
    for i, row in enumerate(rows):
        other = rows[(i + 1) % len(rows)]
        own = relevance(row["留言主题"], row["留言详情"], row["答复意见"])[0]
        wrong = relevance(row["留言主题"], row["留言详情"], other["答复意见"])[0]
        wins += own > wrong
    assert wins >= len(rows) - 1, (wins, len(rows))


def test_a_bare_acknowledgement_is_flagged() -> None:
    for row in _sample():
        if len(row["答复意见"]) < 30:  # 「已收悉」, 「感谢您对我们工作的关心、监督与支持。」
            check = check_reply(row["留言主题"], row["留言详情"], row["答复意见"])
            assert {"off_topic", "incomplete", "no_action"} <= set(check.warnings), row["答复意见"]


def test_a_good_reply_has_every_element_and_no_warning() -> None:
    check = check_reply(TITLE, MESSAGE, GOOD)
    assert check.elements == {"facts": True, "action": True, "result": True, "basis": True, "contact": True}
    assert check.completeness == 1.0 and check.relevance >= 0.3 and check.warnings == ()
    assert "湖畔小区" in check.matched_terms


def test_a_pasted_reply_to_another_message_does_not_address_the_question() -> None:
    pasted = "您反映的星沙大道路灯不亮问题，经现场核查，已安排城管部门维修，目前路灯已恢复照明。"
    check = check_reply(TITLE, MESSAGE, pasted)
    assert check.relevance < RELEVANCE_WARN and "off_topic" in check.warnings
    assert "湖畔小区" in check.missing_terms


def test_short_replies_lose_completeness() -> None:
    long_score, _ = completeness(GOOD)
    short_score, found = completeness("已责成整改。")
    assert found["action"] and short_score < long_score / 4


def test_timeliness_counts_working_days_on_the_official_calendar() -> None:
    calendar = WorkingCalendar()
    # 2026-09-30 (Wed) 16:00 UTC = Oct 1 00:00 local, the National Day week: days off until Oct 8.
    asked = datetime(2026, 9, 30, 16, 0, tzinfo=UTC)
    within, days = timeliness(asked, datetime(2026, 10, 14, 16, 0, tzinfo=UTC), calendar=calendar, deadline_days=7)
    assert within == 1.0 and days is not None and days <= 7
    late, late_days = timeliness(asked, datetime(2026, 11, 11, 16, 0, tzinfo=UTC), calendar=calendar, deadline_days=7)
    assert late is not None and late < 1.0 and late_days is not None and late_days > 7
    assert timeliness(None, asked, calendar=calendar, deadline_days=7) == (None, None)
    check = check_reply(TITLE, MESSAGE, GOOD, asked_at=asked, replied_at=datetime(2027, 3, 1, tzinfo=UTC))
    assert check.timeliness == 0.0 and "late" in check.warnings


@pytest.mark.parametrize(
    ("reply", "warning"),
    [("", "empty"), ("   \n\t", "empty"), ("We have fixed the pipe; water is back.", "not_chinese")],
)
def test_odd_replies_get_a_warning_not_an_error(reply: str, warning: str) -> None:
    check = check_reply(TITLE, MESSAGE, reply)
    assert check.warnings[0] == warning and check.relevance == 0.0


def test_odd_messages_and_huge_replies_do_not_fail() -> None:
    assert check_reply("", "", GOOD).relevance == 0.0
    assert check_reply("Water cut", "No water since Monday", GOOD).relevance == 0.0
    assert check_reply(TITLE, MESSAGE, GOOD * 2_000).completeness == 1.0
