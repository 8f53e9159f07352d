"""EARS and Farrington flexible: hand-computed cases and the figures of R's own tests (surveillance)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gongzhi.analytics.alerts import (
    assign_weights,
    ears,
    farrington_flexible,
    farrington_threshold,
    noufaily_threshold,
)
from gongzhi.analytics.glm import fit_quasipoisson

BASE = [1, 2, 3, 1, 2, 3, 2]  # mean 2, sample sd sqrt(4/6) = 0.816497
SD = math.sqrt(4 / 6)
Z999 = 3.090232306  # qnorm(0.999)
Z975 = 1.959963985  # qnorm(0.975)


# ---- EARS ---------------------------------------------------------------------------------------


def test_c1_bound_is_baseline_mean_plus_z_sd() -> None:
    result = ears([*BASE, 4, 5])
    assert result.upperbound[7] == pytest.approx(2 + Z999 * SD)  # 4.52317
    assert result.upperbound[7] == pytest.approx(4.52317, abs=1e-5)
    assert result.alarm[7] is False  # 4 < 4.52
    assert all(math.isnan(u) for u in result.upperbound[:7]) and result.alarm[:7] == (None,) * 7
    assert result.expected[7] == pytest.approx(2)


def test_c1_alarms_above_the_bound() -> None:
    assert ears([*BASE, 5]).alarm[7] is True


def test_c2_uses_a_two_point_lag() -> None:
    result = ears([*BASE, 30, 30, 5], method="C2")
    assert result.alarm[:9] == (None,) * 9  # the first judged point is baseline + 2
    assert result.upperbound[9] == pytest.approx(2 + Z999 * SD)  # the two 30s are in the lag, not the baseline
    assert result.alarm[9] is True


def test_c3_sums_three_c2_statistics() -> None:
    # periodic series: every 7-point window has mean 2, sd 0.8165; points 9 and 10 sit at the mean
    y = [*BASE, 1, 2, 2, 2]
    quiet = ears([*y, 4], method="C3")
    assert quiet.alarm[:11] == (None,) * 11
    # default alpha for C3 is 0.025; with no excess on the two days before, the bound is mean + sd (1 + z)
    assert quiet.upperbound[11] == pytest.approx(2 + SD * (1 + Z975))  # 4.41678
    assert quiet.alarm[11] is False
    assert ears([*y, 5], method="C3").alarm[11] is True


def test_c3_counts_excess_of_the_two_days_before() -> None:
    y = [*BASE, 1, 2, 4, 4]  # C2 = 2.449 on points 9 and 10: 1.449 each, 2.898 > 1.96 already
    result = ears([*y, 0], method="C3")
    assert result.alarm[11] is True
    assert result.upperbound[11] == 0.0


def test_alpha_and_min_sigma() -> None:
    zeros_then = [0] * 7 + [1]
    assert ears(zeros_then).upperbound[7] == 0.0 and ears(zeros_then).alarm[7] is True  # sd 0: any case alarms
    floored = ears(zeros_then, min_sigma=0.5)
    assert floored.upperbound[7] == pytest.approx(0.5 * Z999) and floored.alarm[7] is False
    loose = ears([*BASE, 4], alpha=0.05)
    assert loose.upperbound[7] == pytest.approx(2 + 1.644854 * SD, abs=1e-6) and loose.alarm[7] is True


def test_longer_baseline() -> None:
    result = ears([*BASE, *BASE, 9], baseline=14)
    assert result.upperbound[14] == pytest.approx(2 + Z999 * np.std(BASE * 2, ddof=1))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"counts": [1, 2, 3]}, "too short"),
        ({"counts": [0] * 20}, "every count is 0"),
        ({"counts": [1, 2, -1, 3, 4, 5, 6, 7, 8]}, "cannot be negative"),
        ({"counts": [1, 2, float("nan"), 3, 4, 5, 6, 7, 8]}, "finite"),
        ({"counts": []}, "empty"),
        ({"counts": ["a", "b"]}, "numbers"),
        ({"counts": [[1, 2], [3, 4]]}, "flat"),
        ({"counts": [1] * 20, "method": "C4"}, "unknown EARS method"),
        ({"counts": [1] * 20, "baseline": 2}, "at least 3"),
        ({"counts": [1] * 20, "min_sigma": -1}, "min_sigma"),
        ({"counts": [1] * 20, "alpha": 1.5}, "alpha"),
    ],
)
def test_ears_refuses_bad_input(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        ears(**kwargs)


# ---- Farrington: pieces checked against R's tests (tests/testthat/test-farringtonFlexible.R) -------


def test_weights_as_in_r() -> None:
    assert list(assign_weights(np.zeros(10), 0)) == [1.0] * 10
    weights = assign_weights(np.array([0.0] * 5 + [2.0] * 5), 0)
    assert weights == pytest.approx([1.6] * 5 + [0.4] * 5)


@pytest.mark.parametrize(
    ("powertrans", "expected"),
    [
        ("none", (1.3073128, 8.6926872, 0.0907246, 0.8124165)),
        ("1/2", (1.9891097, 9.3744842, 0.1189986, 0.6857951)),
        ("2/3", (1.8084477, 9.1154825, 0.1094727, 0.7289546)),
    ],
)
def test_delta_threshold_matches_r(powertrans: str, expected: tuple[float, ...]) -> None:
    assert farrington_threshold(5, 0.2, 1, powertrans, 0.05, 8) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    ("phi", "method", "expected"),
    [
        (1.5, "muan", (8, 24, 0.8597797, 0.4193982)),
        (1.0, "muan", (9, 22, 0.9093099, 0.4605347)),
        (1.5, "nbPlugin", (1, 10, 0.03763657, 1.11918153)),
        (1.0, "nbPlugin", (2, 9, 0.01369527, 1.27061541)),
    ],
)
def test_noufaily_threshold_matches_r(phi: float, method: str, expected: tuple[float, ...]) -> None:
    result = noufaily_threshold(math.log(5), math.log(2), phi, method, 0.05, 11)
    assert result == pytest.approx(expected, abs=1e-6)


def test_glm_intercept_only_is_the_mean_and_pearson_dispersion() -> None:
    y = np.array([4.0, 6, 5, 5, 4, 6, 6, 5, 4])
    fit = fit_quasipoisson(np.ones((9, 1)), y)
    assert fit.converged and math.exp(fit.coef[0]) == pytest.approx(5)
    assert fit.dispersion == pytest.approx(1.2 / 8)  # sum (y-5)^2/5 over 8 degrees of freedom
    mu, se = fit.predict_response(np.array([1.0]))
    assert mu == pytest.approx(5) and se**2 == pytest.approx(0.15 * 5 / 9)


def test_glm_with_trend_solves_the_score_equations() -> None:
    t = np.arange(20.0)
    y = np.array([3, 4, 2, 5, 6, 4, 7, 6, 8, 7, 9, 8, 11, 9, 12, 10, 13, 12, 15, 14.0])
    x = np.column_stack([np.ones(20), t])
    fit = fit_quasipoisson(x, y)
    assert x.T @ (y - fit.mu) == pytest.approx([0, 0], abs=1e-6)
    assert fit.coef[1] > 0 and fit.p_value(1) < 1e-6


# ---- Farrington: whole method ---------------------------------------------------------------------


def _references_known(current: float) -> list[float]:
    """frequency 10, b 3, w 1: point 31's references are 0-2, 10-12, 20-22 (mean 5, Pearson 1.2)."""
    y = [5.0] * 32
    for start, values in ((0, (4, 6, 5)), (10, (5, 4, 6)), (20, (6, 5, 4))):
        y[start : start + 3] = values
    y[31] = current
    return y


def test_farrington_bound_by_hand() -> None:
    result = farrington_flexible(_references_known(9), frequency=10, b=3, w=1, trend=False, reweight=False)
    # mu0 = 5, dispersion 0.15 -> phi 1, se(mu0)^2 = 0.15 * 5 / 9, tau = 1 + se^2 / 5
    tau = 1 + 0.15 / 9
    se = math.sqrt(4 / 9 * 5 ** (1 / 3) * tau)
    bound = (5 ** (2 / 3) + 1.6448536 * se) ** 1.5
    assert bound == pytest.approx(9.1348, abs=1e-4)
    assert result.upperbound[31] == pytest.approx(bound, abs=1e-6)
    assert result.expected[31] == pytest.approx(5)
    assert result.alarm[31] is False
    assert result.alarm[:31] == (None,) * 31
    assert farrington_flexible(_references_known(10), frequency=10, b=3, w=1, trend=False).alarm[31] is True


def test_reweighting_discounts_a_past_outbreak() -> None:
    y = [(4.0, 5.0, 6.0)[i % 3] for i in range(54)]  # point 53's references: 35 points, mean about 5
    y[43] = 40  # an outbreak a cycle ago
    plain = farrington_flexible(y, frequency=10, b=5, w=3, trend=False, reweight=False)
    weighted = farrington_flexible(y, frequency=10, b=5, w=3, trend=False, reweight=True)
    assert plain.expected[53] == pytest.approx(sum(y[i] for i in range(3, 50) if (i + 7) % 10 < 7) / 35)
    assert weighted.expected[53] < plain.expected[53] - 0.5
    assert weighted.upperbound[53] < plain.upperbound[53]


def test_limit54_needs_enough_recent_cases() -> None:
    y = _references_known(1)
    y[28:31] = [0, 1, 1]  # 3 cases in the last 4 points, 5 needed
    result = farrington_flexible(y, frequency=10, b=3, w=1)
    assert math.isnan(result.upperbound[31]) and result.alarm[31] is False
    assert not math.isnan(farrington_flexible(y, frequency=10, b=3, w=1, limit54=(3, 4)).upperbound[31])


def _seasonal(seed: int = 1, weeks: int = 52 * 6 + 20) -> np.ndarray:
    rng = np.random.default_rng(seed)
    t = np.arange(weeks)
    return rng.poisson(10 * np.exp(0.3 * np.sin(2 * np.pi * t / 52))).astype(float)


def test_farrington_flags_an_outbreak_and_little_else() -> None:
    y = _seasonal()
    y[-3] += 30
    result = farrington_flexible(y)
    judged = [a for a in result.alarm if a is not None]
    assert len(judged) == len(y) - (52 * 5 + 3)
    assert result.alarm[-3] is True
    assert sum(judged) <= 0.08 * len(judged) + 1  # about alpha = 5 % false alarms, and the outbreak
    for method in ("nbPlugin", "muan"):
        other = farrington_flexible(y, threshold_method=method)
        assert other.alarm[-3] is True and float(other.upperbound[-3]).is_integer()


def test_trend_is_kept_only_when_significant_and_not_extrapolating() -> None:
    rng = np.random.default_rng(1)
    t = np.arange(52 * 4 + 10)
    growing = rng.poisson(5 + 0.04 * t).astype(float)
    with_trend = farrington_flexible(growing, b=3)
    without = farrington_flexible(growing, b=3, trend=False)
    assert with_trend.expected[-1] > without.expected[-1] + 5  # about 16.8 against 10.3
    short = farrington_flexible(growing, b=2)  # b < 3: never a trend
    assert short.expected[-1] == pytest.approx(farrington_flexible(growing, b=2, trend=False).expected[-1])
    clean = np.round(5 + 0.1 * t)  # the trend would predict more than every reference count: dropped
    assert farrington_flexible(clean, b=3).expected[-1] == pytest.approx(
        farrington_flexible(clean, b=3, trend=False).expected[-1]
    )


def test_no_periods_and_past_weeks_not_included() -> None:
    y = _seasonal(seed=2)
    result = farrington_flexible(y, no_periods=10, past_weeks_not_included=26, threshold_method="muan")
    assert all(math.isfinite(u) for u, a in zip(result.upperbound, result.alarm, strict=True) if a is not None)


def test_population_offset_rescales_only_the_intercept() -> None:
    y = _seasonal(seed=3)
    one = farrington_flexible(y, population_offset=True, population=np.full(y.size, 10_000.0))
    two = farrington_flexible(y, population_offset=True, population=np.full(y.size, 20_000.0))
    assert np.allclose(one.upperbound, two.upperbound, equal_nan=True)


def test_all_zero_references_give_a_zero_bound() -> None:
    y = [0.0] * 31 + [6.0]
    result = farrington_flexible(y, frequency=10, b=3, w=1)
    assert result.upperbound[31] == 0.0 and result.alarm[31] is True


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"counts": [1.0] * 100}, "too short"),
        ({"counts": [0.0] * 400}, "every count is 0"),
        ({"counts": [1.0] * 400, "threshold_method": "exact"}, "thresholdMethod"),
        ({"counts": [1.0] * 400, "powertrans": "3/4"}, "powertrans"),
        ({"counts": [1.0] * 400, "limit54": (5, 0)}, "limit54"),
        ({"counts": [1.0] * 400, "w": 30}, "window"),
        ({"counts": [1.0] * 400, "b": 0}, "b must be"),
        ({"counts": [1.0] * 400, "population_offset": True}, "needs population"),
        ({"counts": [1.0] * 400, "alpha": 0}, "alpha"),
    ],
)
def test_farrington_refuses_bad_input(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        farrington_flexible(**kwargs)
