"""The generated messages and replies: deterministic, varied, within limits, fully filled in."""

from __future__ import annotations

import random
import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from gongzhi.demo import jurisdiction as j
from gongzhi.demo.messages import (
    CONTENT_MAX,
    TITLE_MAX,
    DemoMessage,
    generate_extension_reason,
    generate_messages,
    generate_rating_comment,
    generate_reply,
    generate_return_reason,
)
from gongzhi.demo.replies import OUTCOMES, SATISFACTION_LEVELS, we_of
from gongzhi.demo.timing import LOCAL

START = datetime(2025, 1, 1, tzinfo=UTC)
END = datetime(2026, 1, 1, tzinfo=UTC)
TYPES = {"consultation", "help", "complaint", "report", "suggestion", "praise"}
MOBILE = re.compile(r"^17[01]555\d{5}$")


@pytest.fixture(scope="module")
def two_thousand() -> list[DemoMessage]:
    return generate_messages(2020, 2000, start=START, end=END)


@pytest.fixture(scope="module")
def five_thousand() -> list[DemoMessage]:
    return generate_messages(5, 5000, start=START, end=END)


def test_the_same_seed_gives_the_same_messages() -> None:
    first = generate_messages(42, 200, start=START, end=END)
    assert first == generate_messages(42, 200, start=START, end=END)
    assert first != generate_messages(43, 200, start=START, end=END)


def test_generation_does_not_touch_the_global_random() -> None:
    random.seed(1)
    expected = random.random()
    random.seed(1)
    generate_messages(7, 50, start=START, end=END)
    assert random.random() == expected


def test_messages_are_varied(two_thousand: list[DemoMessage]) -> None:
    assert len({m.title for m in two_thousand}) >= 1500
    assert len({m.content for m in two_thousand}) >= 1900


def test_lengths_within_limits(two_thousand: list[DemoMessage]) -> None:
    for m in two_thousand:
        assert 0 < len(m.title) <= TITLE_MAX
        assert 20 <= len(m.content) <= CONTENT_MAX
    typical = sum(60 <= len(m.content) <= 400 for m in two_thousand)
    assert typical >= 0.8 * len(two_thousand)


def test_no_placeholder_left(two_thousand: list[DemoMessage]) -> None:
    for m in two_thousand:
        for text in (m.title, m.content, m.address, m.subject, m.place):
            assert "{" not in text and "}" not in text, text


def test_times_are_aware_and_within_the_window(two_thousand: list[DemoMessage]) -> None:
    for m in two_thousand:
        assert m.submitted_at.tzinfo is not None
        assert START <= m.submitted_at < END


def test_times_lean_to_weekdays_and_office_hours(five_thousand: list[DemoMessage]) -> None:
    local = [m.submitted_at.astimezone(LOCAL) for m in five_thousand]
    assert sum(t.weekday() < 5 for t in local) / len(local) > 0.78
    assert sum(8 <= t.hour < 18 for t in local) / len(local) > 0.5
    assert sum(t.hour < 6 for t in local) / len(local) < 0.05


def test_seasonal_topics_come_in_their_season(five_thousand: list[DemoMessage]) -> None:
    heating = [m.submitted_at.astimezone(LOCAL).month for m in five_thousand if m.category.startswith("J04")]
    assert sum(month in (11, 12, 1, 2, 3) for month in heating) / len(heating) > 0.9
    floods = [m.submitted_at.astimezone(LOCAL).month for m in five_thousand if m.category == "H0302"]
    assert sum(month in (6, 7, 8) for month in floods) / len(floods) > 0.6


def test_all_categories_and_types_are_used(five_thousand: list[DemoMessage]) -> None:
    thirds = {c.code for c in j.CATEGORIES if c.level == 3}
    assert {m.category for m in five_thousand} == thirds
    assert {m.type for m in five_thousand} == TYPES
    assert len({m.region for m in five_thousand}) >= 0.9 * len([r for r in j.REGIONS if r.level == "community"])


def test_every_message_refers_to_real_places_and_departments(two_thousand: list[DemoMessage]) -> None:
    for m in two_thousand:
        community = j.region(m.region)
        assert community.level == "community" and community.parent == m.street
        assert j.region(m.street).parent == m.district
        assert m.type in TYPES
        assert m.urgency == j.category(m.category).urgency
        assert m.department == j.route(m.category, m.street)
        assert j.region(m.district).name in m.address
        assert MOBILE.match(m.contact_phone) and 2 <= len(m.contact_name) <= 4


def test_coordinates_fall_in_the_district(two_thousand: list[DemoMessage]) -> None:
    located = [m for m in two_thousand if m.lat is not None and m.long is not None]
    assert 0.7 * len(two_thousand) < len(located) < len(two_thousand)
    for m in located:
        box = j.DISTRICT_BOUNDS[m.district]
        assert box.south <= m.lat <= box.north and box.west <= m.long <= box.east  # type: ignore[operator]


def test_publication_is_mostly_allowed_except_for_reports(five_thousand: list[DemoMessage]) -> None:
    share = Counter((m.type, m.is_public) for m in five_thousand)
    assert share["report", True] < share["report", False]
    assert share["complaint", True] > share["complaint", False]


def test_times_must_be_aware_and_ordered() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        generate_messages(1, 1, start=datetime(2025, 1, 1), end=END)
    with pytest.raises(ValueError, match="after start"):
        generate_messages(1, 1, start=END, end=START)


# ---- replies and other texts --------------------------------------------------------------------


def test_replies_read_like_government_replies(two_thousand: list[DemoMessage]) -> None:
    rng = random.Random(1)
    for m in two_thousand[:300]:
        name = j.department(m.department).name
        text = generate_reply(m, name, rng)
        assert "{" not in text and "}" not in text
        assert 40 <= len(text) <= 1000
        assert "感谢" in text
    complaint = next(m for m in two_thousand if m.type == "complaint")
    name = j.department(complaint.department).name
    for outcome in OUTCOMES:
        text = generate_reply(complaint, name, random.Random(2), outcome=outcome)
        assert complaint.subject in text or complaint.title in text
        assert we_of(name) in text


def test_a_dated_reply_is_signed() -> None:
    m = generate_messages(3, 1, start=START, end=END)[0]
    when = m.submitted_at + timedelta(days=3)
    text = generate_reply(m, "澜江市水务局", random.Random(0), replied_at=when)
    local = when.astimezone(LOCAL)
    assert text.endswith(f"澜江市水务局\n{local.year}年{local.month}月{local.day}日")


def test_replies_are_deterministic_and_check_the_outcome() -> None:
    m = generate_messages(9, 1, start=START, end=END)[0]
    assert generate_reply(m, "澜江市民政局", random.Random(5)) == generate_reply(m, "澜江市民政局", random.Random(5))
    with pytest.raises(ValueError, match="outcome"):
        generate_reply(m, "澜江市民政局", random.Random(5), outcome="ignored")


@pytest.mark.parametrize(
    ("name", "we"),
    [("澜江市住房和城乡建设局", "我局"), ("澜江市卫生健康委员会", "我委"), ("澜城区东门街道办事处", "我街道"),
     ("青石县柳湾镇人民政府", "我镇"), ("国网澜江供电公司", "我公司"), ("澜江市住房公积金管理中心", "我中心")],
)  # fmt: skip
def test_departments_name_themselves(name: str, we: str) -> None:
    assert we_of(name) == we


def test_rating_comments() -> None:
    rng = random.Random(3)
    for level in SATISFACTION_LEVELS:
        comments = {generate_rating_comment(level, rng) for _ in range(40)}
        assert len(comments) >= 8
    with pytest.raises(ValueError, match="satisfaction"):
        generate_rating_comment("happy", rng)


def test_return_reasons_cite_duty_and_law() -> None:
    rng = random.Random(4)
    for category in (c for c in j.CATEGORIES if c.level == 3):
        reason = generate_return_reason(category.code, rng)
        assert "《" in reason and any(word in reason for word in ("职责", "管辖", "负责"))
        assert "{" not in reason
    # the responsible department returning its own case points elsewhere, in its own voice
    reason = generate_return_reason("J0201", random.Random(1), returning_department="gdgs")
    assert "国网澜江供电公司" not in reason and "我公司" in reason
    # a street office returning a by-street case points to another unit, not to street offices
    reason = generate_return_reason("L0201", random.Random(1), returning_department="st-dongmen")
    assert "属地街道办事处" not in reason
    with pytest.raises(ValueError, match="third-level"):
        generate_return_reason("L02", rng)


def test_extension_reasons() -> None:
    rng = random.Random(6)
    reasons = {generate_extension_reason(rng) for _ in range(50)}
    assert len(reasons) >= 10
    assert all("延" in r for r in reasons)
    assert generate_extension_reason(random.Random(1), "J0201")


def test_messages_pass_intake_validation(two_thousand: list[DemoMessage]) -> None:
    from gongzhi.cases.schemas import validate_submission

    for m in two_thousand[:500]:
        fields = ("title", "content", "type", "category", "region", "address", "lat", "long")
        raw: dict[str, object] = {name: getattr(m, name) for name in fields}
        raw.update(contact_name=m.contact_name, contact_phone=m.contact_phone, is_public=m.is_public)
        validate_submission(raw)
