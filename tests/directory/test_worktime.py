"""Working-time calendar and deadlines; every expected instant below was worked out by hand."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest

from gongzhi.directory.worktime import Duration, TimeUnit, WorkingCalendar, parse_duration

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
CAL = WorkingCalendar()


def sh(*args: int) -> datetime:
    """A Shanghai wall-clock time (UTC+8 all year)."""
    return datetime(*args, tzinfo=SHANGHAI)


def wh(hours: int) -> Duration:
    return Duration(hours, TimeUnit.WORKING_HOURS)


def wd(days: int) -> Duration:
    return Duration(days, TimeUnit.WORKING_DAYS)


def clock(hours: int) -> Duration:
    return Duration(hours, TimeUnit.CLOCK_HOURS)


# --- an ordinary week (March 2025 has no public holiday) -------------------------------------------


def test_weekend_is_off_and_weekdays_are_on() -> None:
    assert CAL.is_working_day(date(2025, 3, 14))  # Friday
    assert not CAL.is_working_day(date(2025, 3, 15))  # Saturday
    assert not CAL.is_working_day(date(2025, 3, 16))  # Sunday
    assert CAL.is_working_day(date(2025, 3, 17))  # Monday


def test_friday_afternoon_plus_24_working_hours_is_monday_afternoon() -> None:
    due = CAL.add(sh(2025, 3, 14, 15, 0), wh(24))
    assert due == sh(2025, 3, 17, 15, 0)
    assert due.tzinfo is UTC
    assert due == datetime(2025, 3, 17, 7, 0, tzinfo=UTC)


def test_seven_working_days_skip_one_weekend() -> None:
    assert CAL.add(sh(2025, 3, 10, 10, 0), wd(7)) == sh(2025, 3, 19, 10, 0)  # Mon -> Wed next week


def test_submission_on_saturday_starts_the_clock_on_monday_midnight() -> None:
    assert CAL.add(sh(2025, 3, 15, 11, 30), wh(24)) == sh(2025, 3, 18, 0, 0)
    assert CAL.add(sh(2025, 3, 15, 11, 30), wh(10)) == sh(2025, 3, 17, 10, 0)


def test_deadline_that_uses_up_friday_falls_at_its_end_not_on_monday() -> None:
    assert CAL.add(sh(2025, 3, 14, 0, 0), wh(24)) == sh(2025, 3, 15, 0, 0)
    assert CAL.add(sh(2025, 3, 14, 0, 0), wh(25)) == sh(2025, 3, 17, 1, 0)


def test_zero_duration_is_the_start_itself() -> None:
    assert CAL.add(sh(2025, 3, 15, 11, 30), wd(0)) == sh(2025, 3, 15, 11, 30)


def test_elapsed_over_a_weekend_counts_only_weekdays() -> None:
    start, end = sh(2025, 3, 14, 15, 0), sh(2025, 3, 17, 9, 0)
    assert CAL.elapsed(start, end, TimeUnit.WORKING_HOURS) == timedelta(hours=9 + 9)
    assert CAL.elapsed(start, end, TimeUnit.WORKING_DAYS) == timedelta(hours=18)
    assert CAL.elapsed(start, end, TimeUnit.CLOCK_HOURS) == timedelta(hours=66)
    assert CAL.elapsed(end, start, TimeUnit.WORKING_HOURS) == timedelta(0)
    assert CAL.elapsed(start, start, TimeUnit.CLOCK_HOURS) == timedelta(0)


# --- Spring Festival 2026 ------------------------------------------------------------------------
# State Council notice for 2026: 2 月 15 日（腊月二十八）至 23 日（正月初七）放假调休，共 9 天；
# 2 月 14 日（周六）、2 月 28 日（周六）上班. chinesecalendar 1.11 says the same.


def test_package_reports_the_2026_spring_festival_as_published() -> None:
    feb = chinese_calendar.get_dates(date(2026, 2, 1), date(2026, 2, 28))
    # include_weekends=False still lists the weekend days inside the holiday, only not ordinary ones.
    holiday = chinese_calendar.get_holidays(date(2026, 2, 1), date(2026, 2, 28), include_weekends=False)
    assert holiday == [date(2026, 2, d) for d in range(15, 24)]
    assert all(chinese_calendar.get_holiday_detail(d) == (True, "Spring Festival") for d in holiday)
    assert [d for d in feb if d.weekday() >= 5 and chinese_calendar.is_workday(d)] == [
        date(2026, 2, 14),
        date(2026, 2, 28),
    ]


def test_spring_festival_2026_days_off_and_make_up_days() -> None:
    for day in range(15, 24):
        assert not CAL.is_working_day(date(2026, 2, day)), f"2026-02-{day} is a holiday"
    assert CAL.is_working_day(date(2026, 2, 13))  # Friday before
    assert CAL.is_working_day(date(2026, 2, 14))  # Saturday, 调休 make-up day
    assert CAL.is_working_day(date(2026, 2, 24))  # Tuesday, first day back
    assert CAL.is_working_day(date(2026, 2, 28))  # Saturday, 调休 make-up day
    assert not CAL.is_working_day(date(2026, 3, 1))  # an ordinary Sunday


def test_seven_working_days_across_the_spring_festival() -> None:
    # Thu 12 09:00 → working days 13, 14 (Sat), 24, 25, 26, 27, 28 (Sat) → Sat 28 09:00.
    assert CAL.add(sh(2026, 2, 12, 9, 0), wd(7)) == sh(2026, 2, 28, 9, 0)


def test_make_up_saturday_counts_as_a_working_day() -> None:
    assert CAL.add(sh(2026, 2, 13, 10, 0), wh(24)) == sh(2026, 2, 14, 10, 0)  # Fri → make-up Sat
    assert CAL.elapsed(sh(2026, 2, 27), sh(2026, 3, 2), TimeUnit.WORKING_HOURS) == timedelta(hours=48)


def test_submission_on_the_make_up_saturday_resumes_after_the_holiday() -> None:
    # 14 h left of Sat 14, then the holiday, then 10 h of Tue 24.
    assert CAL.add(sh(2026, 2, 14, 10, 0), wh(24)) == sh(2026, 2, 24, 10, 0)


def test_submission_on_a_holiday_starts_the_clock_on_the_first_working_day() -> None:
    submitted = sh(2026, 2, 17, 10, 0)  # 正月初一
    assert CAL.add(submitted, wh(24)) == sh(2026, 2, 25, 0, 0)
    assert CAL.add(submitted, wd(1)) == sh(2026, 2, 25, 0, 0)
    assert CAL.elapsed(submitted, sh(2026, 2, 24, 6, 0), TimeUnit.WORKING_HOURS) == timedelta(hours=6)


def test_clock_hours_ignore_holidays() -> None:
    assert CAL.add(sh(2026, 2, 17, 23, 0), clock(2)) == sh(2026, 2, 18, 1, 0)
    assert CAL.add(sh(2026, 2, 17, 23, 0), clock(24)) == sh(2026, 2, 18, 23, 0)
    holiday_week = CAL.elapsed(sh(2026, 2, 15), sh(2026, 2, 22), TimeUnit.CLOCK_HOURS)
    assert holiday_week == timedelta(days=7)
    assert CAL.elapsed(sh(2026, 2, 15), sh(2026, 2, 22), TimeUnit.WORKING_HOURS) == timedelta(0)


# --- local overrides -----------------------------------------------------------------------------

TYPHOON = WorkingCalendar(overrides={date(2025, 3, 19): False, date(2025, 3, 23): True})


def test_override_takes_a_wednesday_off_and_puts_a_sunday_on() -> None:
    assert not TYPHOON.is_working_day(date(2025, 3, 19))  # Wednesday
    assert TYPHOON.is_working_day(date(2025, 3, 23))  # Sunday
    assert TYPHOON.is_working_day(date(2025, 3, 18))  # untouched Tuesday
    assert not TYPHOON.is_working_day(date(2025, 3, 22))  # untouched Saturday


def test_deadlines_follow_the_overrides() -> None:
    assert TYPHOON.add(sh(2025, 3, 18, 12, 0), wh(24)) == sh(2025, 3, 20, 12, 0)  # Tue → Thu
    # Fri 21 08:00: 16 h Fri, Sat off, 24 h Sun (override), 24 h Mon, 8 h Tue.
    assert TYPHOON.add(sh(2025, 3, 21, 8, 0), wd(3)) == sh(2025, 3, 25, 8, 0)
    assert CAL.add(sh(2025, 3, 21, 8, 0), wd(3)) == sh(2025, 3, 26, 8, 0)  # without overrides


def test_overrides_win_over_the_national_calendar() -> None:
    cal = WorkingCalendar(overrides={date(2026, 2, 16): True, date(2026, 2, 14): False})
    assert cal.is_working_day(date(2026, 2, 16))
    assert not cal.is_working_day(date(2026, 2, 14))
    assert cal.add(sh(2026, 2, 13, 10, 0), wh(24)) == sh(2026, 2, 16, 10, 0)


def test_overrides_are_an_immutable_copy() -> None:
    declared = {date(2025, 3, 19): False}
    cal = WorkingCalendar(overrides=declared)
    declared[date(2025, 3, 19)] = True
    assert not cal.is_working_day(date(2025, 3, 19))
    with pytest.raises(TypeError):
        cal.overrides[date(2025, 3, 20)] = False  # type: ignore[index]
    assert cal == WorkingCalendar(overrides={date(2025, 3, 19): False})
    assert hash(cal) == hash(WorkingCalendar())


def test_override_keys_must_be_dates_and_values_booleans() -> None:
    with pytest.raises(TypeError, match="dates"):
        WorkingCalendar(overrides={datetime(2025, 3, 19, tzinfo=SHANGHAI): False})
    with pytest.raises(TypeError, match="True"):
        WorkingCalendar(overrides={date(2025, 3, 19): 0})  # type: ignore[dict-item]
    with pytest.raises(TypeError, match="ZoneInfo"):
        WorkingCalendar(tz="Asia/Shanghai")  # type: ignore[arg-type]


# --- beyond the package's years ------------------------------------------------------------------


def test_outside_the_package_range_falls_back_to_monday_to_friday() -> None:
    with pytest.raises(NotImplementedError):
        chinese_calendar.is_workday(date(2200, 1, 3))
    assert CAL.is_working_day(date(2200, 1, 3))  # Friday
    assert not CAL.is_working_day(date(2200, 1, 4))  # Saturday
    assert not CAL.is_working_day(date(2003, 1, 4))  # Saturday, before 2004
    assert CAL.add(sh(2200, 1, 3, 15, 0), wh(24)) == sh(2200, 1, 6, 15, 0)
    assert WorkingCalendar(overrides={date(2200, 1, 4): True}).is_working_day(date(2200, 1, 4))


def test_a_few_hundred_working_days_agree_with_the_package_count() -> None:
    start = sh(2025, 1, 6)  # a Monday
    workdays = chinese_calendar.get_workdays(date(2025, 1, 6), date(2026, 12, 31))
    assert len(workdays) > 300
    last = workdays[299]
    assert CAL.add(start, wd(300)) == sh(last.year, last.month, last.day) + timedelta(days=1)


# --- fraction of the allowance used --------------------------------------------------------------


def test_fraction_elapsed_warns_at_80_percent_and_escalates_at_100() -> None:
    start = sh(2025, 3, 14, 15, 0)
    deadline = CAL.add(start, wh(24))  # Mon 17 15:00
    unit = TimeUnit.WORKING_HOURS
    assert CAL.fraction_elapsed(start, deadline, start, unit) == 0.0
    assert CAL.fraction_elapsed(start, deadline, sh(2025, 3, 16, 12, 0), unit) == pytest.approx(9 / 24)
    # 9 h on Friday + 10.2 h on Monday = 19.2 h = 80 % of 24 h.
    assert CAL.fraction_elapsed(start, deadline, sh(2025, 3, 17, 10, 12), unit) == pytest.approx(0.8)
    assert CAL.fraction_elapsed(start, deadline, deadline, unit) == pytest.approx(1.0)
    assert CAL.fraction_elapsed(start, deadline, sh(2025, 3, 18, 3, 0), unit) == pytest.approx(1.5)


def test_fraction_elapsed_in_clock_hours() -> None:
    start = sh(2026, 2, 17, 10, 0)
    deadline = CAL.add(start, clock(2))
    assert CAL.fraction_elapsed(start, deadline, sh(2026, 2, 17, 11, 36), TimeUnit.CLOCK_HOURS) == 0.8
    assert CAL.fraction_elapsed(start, deadline, sh(2026, 2, 17, 12, 0), TimeUnit.CLOCK_HOURS) == 1.0


def test_fraction_elapsed_with_no_time_allowed() -> None:
    start = sh(2025, 3, 14, 15, 0)
    assert CAL.fraction_elapsed(start, start, start, TimeUnit.WORKING_HOURS) == math.inf
    assert CAL.fraction_elapsed(start, start, start - timedelta(hours=1), TimeUnit.WORKING_HOURS) == 0.0


# --- time zones ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda naive: CAL.add(naive, wh(1)),
        lambda naive: CAL.elapsed(sh(2025, 3, 14), naive, TimeUnit.WORKING_HOURS),
        lambda naive: CAL.elapsed(naive, sh(2025, 3, 14), TimeUnit.CLOCK_HOURS),
        lambda naive: CAL.fraction_elapsed(sh(2025, 3, 14), sh(2025, 3, 15), naive, TimeUnit.CLOCK_HOURS),
    ],
)
def test_naive_datetimes_are_rejected(call) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        call(datetime(2025, 3, 14, 15, 0))


def test_results_are_utc_whatever_zone_came_in() -> None:
    start = datetime(2025, 3, 14, 7, 0, tzinfo=UTC)  # = Friday 15:00 in Shanghai
    assert CAL.add(start, wh(24)).tzinfo is UTC
    assert CAL.add(start.astimezone(BERLIN), wh(24)) == CAL.add(start, wh(24)) == sh(2025, 3, 17, 15, 0)


def test_shanghai_days_start_at_16_00_utc_all_year() -> None:
    friday_end = datetime(2025, 3, 14, 16, 0, tzinfo=UTC)  # Saturday 00:00 in Shanghai
    start, end = friday_end - timedelta(hours=1), friday_end + timedelta(hours=1)
    assert CAL.elapsed(start, end, TimeUnit.WORKING_HOURS) == timedelta(hours=1)
    in_utc = WorkingCalendar(tz=ZoneInfo("UTC"))
    assert in_utc.elapsed(start, end, TimeUnit.WORKING_HOURS) == timedelta(hours=2)
    july_friday_end = datetime(2025, 7, 18, 16, 0, tzinfo=UTC)  # no summer time in China
    assert CAL.elapsed(july_friday_end, july_friday_end + timedelta(days=2), TimeUnit.WORKING_HOURS) == (timedelta(0))


def test_day_boundaries_follow_local_time_across_a_dst_change() -> None:
    # Europe/Berlin springs forward on Sunday 2025-03-30, 02:00 CET → 03:00 CEST (no holiday that week).
    berlin = WorkingCalendar(tz=BERLIN)
    start = datetime(2025, 3, 28, 15, 0, tzinfo=BERLIN)  # Friday 15:00 CET = 14:00 UTC
    due = berlin.add(start, wh(24))
    assert due == datetime(2025, 3, 31, 15, 0, tzinfo=BERLIN)  # Monday 15:00 CEST = 13:00 UTC
    assert due == datetime(2025, 3, 31, 13, 0, tzinfo=UTC)
    assert due - start.astimezone(UTC) == timedelta(hours=71)  # the weekend lost an hour
    assert berlin.elapsed(start, due, TimeUnit.WORKING_HOURS) == timedelta(hours=24)
    # Friday ends at 23:00 UTC in Berlin (CET) but Saturday started at 16:00 UTC in Shanghai.
    assert berlin.elapsed(start, datetime(2025, 3, 29, 1, 0, tzinfo=UTC), TimeUnit.WORKING_HOURS) == (
        timedelta(hours=9)
    )


def test_a_working_day_on_which_clocks_change_counts_its_real_length() -> None:
    berlin = WorkingCalendar(tz=BERLIN, overrides={date(2025, 3, 30): True})  # that Sunday is 23 h long
    sunday = datetime(2025, 3, 30, tzinfo=BERLIN)
    monday = datetime(2025, 3, 31, tzinfo=BERLIN)
    assert berlin.elapsed(sunday, monday, TimeUnit.WORKING_HOURS) == timedelta(hours=23)
    assert berlin.add(sunday, wh(24)) == datetime(2025, 3, 31, 1, 0, tzinfo=BERLIN)


# --- round trip ----------------------------------------------------------------------------------

ROUND_TRIP_DURATIONS = [wh(1), wh(24), wh(37), wd(1), wd(7), wd(15), clock(2), clock(24)]


ROUND_TRIP_CALENDARS = {"shanghai": CAL, "typhoon": TYPHOON, "berlin": WorkingCalendar(tz=BERLIN)}


@pytest.mark.parametrize("cal", ROUND_TRIP_CALENDARS.values(), ids=ROUND_TRIP_CALENDARS.keys())
def test_elapsed_undoes_add(cal: WorkingCalendar) -> None:
    # Starts every 5 h 7 min from December 2025 into 2027, so they hit every hour of the day, the
    # Spring Festival 2026, National Day 2026 and the Monday–Friday fallback beyond the package's years.
    start = datetime(2025, 12, 1, 0, 0, tzinfo=UTC)
    step = timedelta(hours=5, minutes=7)
    while start < datetime(2027, 2, 1, tzinfo=UTC):
        for duration in ROUND_TRIP_DURATIONS:
            due = cal.add(start, duration)
            assert due >= start
            assert cal.elapsed(start, due, duration.unit) == duration.as_timedelta(), (start, duration)
        start += step


def test_elapsed_is_additive_over_random_splits() -> None:
    rng = random.Random(12345)
    origin = datetime(2025, 1, 1, tzinfo=UTC)
    for _ in range(500):
        a, b, c = sorted(origin + timedelta(minutes=rng.randrange(2 * 366 * 24 * 60)) for _ in range(3))
        whole = CAL.elapsed(a, c, TimeUnit.WORKING_HOURS)
        assert whole == CAL.elapsed(a, b, TimeUnit.WORKING_HOURS) + CAL.elapsed(b, c, TimeUnit.WORKING_HOURS)
        assert whole <= c - a


# --- durations -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2h", Duration(2, TimeUnit.CLOCK_HOURS)),
        ("24wh", Duration(24, TimeUnit.WORKING_HOURS)),
        ("7wd", Duration(7, TimeUnit.WORKING_DAYS)),
        (" 15WD ", Duration(15, TimeUnit.WORKING_DAYS)),
        ("0wh", Duration(0, TimeUnit.WORKING_HOURS)),
    ],
)
def test_parse_duration(text: str, expected: Duration) -> None:
    assert parse_duration(text) == expected
    assert parse_duration(str(expected)) == expected


@pytest.mark.parametrize("text", ["", "7", "7d", "wd7", "-1h", "1.5h", "7 wd", "２h", "7wdx"])
def test_parse_duration_rejects_other_forms_and_lists_the_accepted_ones(text: str) -> None:
    with pytest.raises(ValueError, match=r"'2h' \(clock hours.*'24wh' \(working hours\).*'7wd'"):
        parse_duration(text)


def test_duration_validates_its_amount_and_unit() -> None:
    with pytest.raises(ValueError, match="0 or more"):
        Duration(-1, TimeUnit.WORKING_DAYS)
    with pytest.raises(TypeError, match="whole number"):
        Duration(1.5, TimeUnit.WORKING_DAYS)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="whole number"):
        Duration(True, TimeUnit.WORKING_DAYS)
    with pytest.raises(ValueError):
        Duration(1, "fortnights")  # type: ignore[arg-type]
    assert Duration(3, "working_days").unit is TimeUnit.WORKING_DAYS  # type: ignore[arg-type]
    assert wd(7).as_timedelta() == timedelta(hours=168)
    assert wh(24).as_timedelta() == clock(24).as_timedelta() == timedelta(hours=24)
