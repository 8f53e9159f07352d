"""Surge early warning on count series: EARS C1/C2/C3 and the Farrington flexible method.

Plain functions over a sequence of counts (oldest first), with the parameters and defaults of R's
``surveillance`` package (``earsC`` and ``farringtonFlexible``), so that an analyst can check a figure
in R. Each returns a ``Detection``: per time point the upper bound, whether it alarms, and the
expected count. Points that cannot be judged (not enough history before them) have ``nan`` as bound
and ``None`` as alarm; R leaves them out of its result instead (``sts[range, ]``).

EARS (Hutwagner et al. 2003; R's ``earsC``, Salmon et al. 2016):
- C1: mean and standard deviation of the ``baseline`` points before t; bound = mean + z(1-alpha) * sd.
- C2: the same with a two-point lag: the baseline is t-baseline-2 … t-3.
- C3: the sum of max(0, C2(i) - 1) over t-2, t-1, t; alarm when it exceeds z(1-alpha).
- ``alpha=None`` means 0.001 for C1 and C2 and 0.025 for C3 (R's documented defaults); ``min_sigma``
  is a floor on the standard deviation (Burkom suggests 0.5 or 1 for sparse data).

Farrington flexible (Farrington et al. 1996, Noufaily et al. 2013; R's ``farringtonFlexible``):
for each t, the reference points are the windows t - i*frequency ± w for i = 1..b (with
``noPeriods`` > 1, the rest of each year too, as factor levels), less the last
``pastWeeksNotIncluded`` points before t. A quasi-Poisson GLM with a linear trend is fitted (by IRLS,
``gongzhi.analytics.glm``), points with large Anscombe residuals are down-weighted and the model
refitted; the trend is kept only if significant at ``pThresholdTrend``, b >= 3 and the prediction
not above every reference count. The bound is the (1-alpha) quantile of the predictive distribution:
by the 2/3-power transformation (``thresholdMethod="delta"``), or negative binomial quantiles with
the plug-in mean (``"nbPlugin"``) or the (1-alpha) quantile of the mean (``"muan"``). No alarm unless
at least ``limit54[0]`` cases fell in the last ``limit54[1]`` points (t included); then the bound is
``nan`` and the alarm ``False``, as in R.

How it was checked (R itself cannot be installed here): the threshold functions and the weights
reproduce to 1e-6 the figures of surveillance's own tests (tests/testthat/test-farringtonFlexible.R);
EARS bounds, the GLM (intercept-only: the mean and Pearson dispersion; with trend: the score
equations) and whole Farrington runs are checked against hand computations (tests/analytics).

Deviations from R, on purpose:
- Input checks raise ``ValueError`` with a message: empty, too short for even one judged point,
  negative or non-finite counts, all zeros (nothing to detect), unknown method or parameters.
- Reference points are found by position (``epochAsDate = FALSE`` in R): weekly data uses
  ``frequency=52``, daily data a weekly cycle (``frequency=7``) unless years of history exist.
- EARS C3: R's code sets the bound to ``observed + sd * (z - lag parts)``, which makes the alarm
  independent of the count at t; we follow the documented statistic (alarm iff C3 > z) and report as
  bound the count above which C3 exceeds z, ``mean + sd * (1 + z - lag parts)``, at least 0.
- When the baseline standard deviation is 0 and ``min_sigma`` is 0, R divides by zero in C3 (NaN);
  we take C2 = +inf above the baseline mean, -inf below it and 0 at it.
- Farrington: when every reference count is 0 the GLM has no finite solution (R returns an
  intercept near -23 and a bound near 0); we use an expected count and bound of exactly 0.
- Farrington: if the GLM does not converge even without trend, R warns and returns NA; so do we
  (bound ``nan``, alarm ``None``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats

from gongzhi.analytics.glm import QuasiPoissonFit, fit_quasipoisson

EARS_METHODS = ("C1", "C2", "C3")
THRESHOLD_METHODS = ("delta", "nbPlugin", "muan")
POWER_TRANSFORMS = ("none", "1/2", "2/3")


@dataclass(frozen=True)
class Detection:
    """Per time point: the upper bound (nan: not judged), the alarm (None: not judged), the expectation."""

    upperbound: tuple[float, ...]
    alarm: tuple[bool | None, ...]
    expected: tuple[float, ...]

    def __len__(self) -> int:
        return len(self.upperbound)

    @property
    def alarms(self) -> list[int]:
        """Indices of the time points that alarm."""
        return [i for i, a in enumerate(self.alarm) if a]


def check_counts(counts: Sequence[float] | np.ndarray, *, allow_all_zero: bool = False) -> np.ndarray:
    """The counts as a float array, or ``ValueError`` saying what is wrong with them."""
    try:
        values = np.asarray(counts, dtype=float)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"counts must be numbers: {exc}") from None
    if values.ndim != 1:
        raise ValueError(f"counts must be a flat sequence, not an array of shape {values.shape}")
    if values.size == 0:
        raise ValueError("counts is empty: give one count per time point, oldest first")
    bad = np.flatnonzero(~np.isfinite(values))
    if bad.size:
        raise ValueError(f"count at position {bad[0]} is {values[bad[0]]}: counts must be finite (use 0, not NaN)")
    negative = np.flatnonzero(values < 0)
    if negative.size:
        raise ValueError(f"count at position {negative[0]} is {values[negative[0]]:g}: counts cannot be negative")
    if not allow_all_zero and not values.any():
        raise ValueError("every count is 0: there is nothing to detect in this series")
    return values


# ---- EARS ---------------------------------------------------------------------------------------


def ears(
    counts: Sequence[float] | np.ndarray,
    method: str = "C1",
    baseline: int = 7,
    alpha: float | None = None,
    min_sigma: float = 0.0,
) -> Detection:
    """EARS C1, C2 or C3 on ``counts`` (R: ``earsC(sts, control=list(method, baseline, alpha, minSigma))``)."""
    if method not in EARS_METHODS:
        raise ValueError(f"unknown EARS method {method!r}; use one of {', '.join(EARS_METHODS)}")
    if not isinstance(baseline, int | np.integer) or baseline < 3:
        raise ValueError(f"baseline must be a whole number of at least 3 (R's minimum), not {baseline!r}")
    if min_sigma < 0 or not math.isfinite(min_sigma):
        raise ValueError(f"min_sigma must be 0 or more, not {min_sigma!r}")
    if alpha is None:
        alpha = 0.025 if method == "C3" else 0.001
    _check_alpha(alpha)
    y = check_counts(counts)
    lag = {"C1": 0, "C2": 2, "C3": 2}[method]
    first = baseline + lag + (2 if method == "C3" else 0)  # index of the first judged point
    if y.size <= first:
        raise ValueError(
            f"a series of {y.size} points is too short for EARS {method} with baseline {baseline}: "
            f"it needs at least {first + 1}"
        )
    z = float(stats.norm.ppf(1 - alpha))
    mean, sd = _rolling_baseline(y, baseline, lag)
    sigma = np.maximum(sd, min_sigma)
    upper = np.full(y.size, np.nan)
    alarm: list[bool | None] = [None] * y.size
    expected = np.full(y.size, np.nan)
    if method in ("C1", "C2"):
        upper[first:] = mean[first:] + z * sigma[first:]
        for t in range(first, y.size):
            alarm[t] = bool(y[t] > upper[t])
        expected[first:] = mean[first:]
        return _detection(upper, alarm, expected)
    c2 = _standardise(y, mean, sigma)
    parts = np.maximum(0.0, c2 - 1)
    for t in range(first, y.size):
        lagged = parts[t - 1] + parts[t - 2]
        upper[t] = max(0.0, mean[t] + sigma[t] * (1 + z - lagged)) if lagged <= z else 0.0
        alarm[t] = bool(lagged + parts[t] > z)
    expected[first:] = mean[first:]
    return _detection(upper, alarm, expected)


def _rolling_baseline(y: np.ndarray, baseline: int, lag: int) -> tuple[np.ndarray, np.ndarray]:
    """Mean and sample sd of y[t-baseline-lag : t-lag] for every t (nan where it does not exist)."""
    mean = np.full(y.size, np.nan)
    sd = np.full(y.size, np.nan)
    for t in range(baseline + lag, y.size):
        window = y[t - lag - baseline : t - lag]
        mean[t] = window.mean()
        sd[t] = window.std(ddof=1)
    return mean, sd


def _standardise(y: np.ndarray, mean: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    """C2 statistics, with a zero sigma giving ±inf (or 0 at the mean) instead of NaN."""
    out = np.full(y.size, np.nan)
    for t in range(y.size):
        if np.isnan(mean[t]):
            continue
        gap = y[t] - mean[t]
        out[t] = gap / sigma[t] if sigma[t] > 0 else (math.copysign(math.inf, gap) if gap else 0.0)
    return out


# ---- Farrington flexible ------------------------------------------------------------------------


@dataclass(frozen=True)
class _Options:
    frequency: int
    b: int
    w: int
    alpha: float
    reweight: bool
    weights_threshold: float
    trend: bool
    p_threshold_trend: float
    limit54: tuple[int, int]
    powertrans: str
    no_periods: int
    past_not_included: int
    threshold_method: str
    population_offset: bool


def farrington_flexible(
    counts: Sequence[float] | np.ndarray,
    frequency: int = 52,
    b: int = 5,
    w: int = 3,
    alpha: float = 0.05,
    *,
    reweight: bool = True,
    weights_threshold: float = 2.58,
    trend: bool = True,
    p_threshold_trend: float = 0.05,
    limit54: tuple[int, int] = (5, 4),
    powertrans: str = "2/3",
    no_periods: int = 1,
    past_weeks_not_included: int | None = None,
    threshold_method: str = "delta",
    population_offset: bool = False,
    population: Sequence[float] | np.ndarray | None = None,
    points: Sequence[int] | None = None,
) -> Detection:
    """The improved Farrington method (R: ``farringtonFlexible(sts, control=list(b, w, alpha, …))``).

    Judges every point with ``b`` full cycles of ``frequency`` points (plus ``w``) before it, as R's
    default ``range`` does, or only the 0-based indices in ``points`` (R's ``range``, which must all have
    that history). ``population`` (same length as ``counts``) is required with ``population_offset=True``.
    """
    options = _Options(
        frequency=frequency,
        b=b,
        w=w,
        alpha=alpha,
        reweight=reweight,
        weights_threshold=weights_threshold,
        trend=trend,
        p_threshold_trend=p_threshold_trend,
        limit54=tuple(limit54),  # type: ignore[arg-type]
        powertrans=powertrans,
        no_periods=no_periods,
        past_not_included=w if past_weeks_not_included is None else past_weeks_not_included,
        threshold_method=threshold_method,
        population_offset=population_offset,
    )
    _validate(options)
    y = check_counts(counts)
    pop = _population(population, y.size, population_offset)
    first = b * frequency + w
    if y.size <= first:
        raise ValueError(
            f"a series of {y.size} points is too short for Farrington with b={b}, frequency={frequency}, w={w}: "
            f"it needs at least {first + 1} (b cycles of history plus w)"
        )
    upper = np.full(y.size, np.nan)
    expected = np.full(y.size, np.nan)
    alarm: list[bool | None] = [None] * y.size
    chosen = range(first, y.size) if points is None else sorted(set(points))
    if chosen and not first <= chosen[0] <= chosen[-1] < y.size:
        raise ValueError(f"points must lie between {first} (the first with enough history) and {y.size - 1}")
    for k in chosen:
        upper[k], expected[k], alarm[k] = _judge(y, pop, k, options)
    return _detection(upper, alarm, expected)


def _validate(options: _Options) -> None:
    """Refuse parameters R would refuse (or that would make no sense), with a message saying which."""
    for name in ("frequency", "b", "no_periods"):
        value = getattr(options, name)
        if not isinstance(value, int | np.integer) or value < 1:
            raise ValueError(f"{name} must be a whole number of at least 1, not {value!r}")
    for name in ("w", "past_not_included"):
        value = getattr(options, name)
        if not isinstance(value, int | np.integer) or value < 0:
            raise ValueError(f"{name} must be a whole number of at least 0, not {value!r}")
    if 2 * options.w + 1 > options.frequency:
        raise ValueError(f"the window 2w+1 = {2 * options.w + 1} is longer than a cycle of {options.frequency} points")
    _check_alpha(options.alpha)
    if options.threshold_method not in THRESHOLD_METHODS:
        raise ValueError(f"unknown thresholdMethod {options.threshold_method!r}; use one of {THRESHOLD_METHODS}")
    if options.powertrans not in POWER_TRANSFORMS:
        raise ValueError(f"unknown powertrans {options.powertrans!r}; use one of {POWER_TRANSFORMS}")
    cases, period = options.limit54
    if cases < 0 or period <= 0:
        raise ValueError("limit54 is out of bounds: cases >= 0 and period > 0")
    if options.no_periods > 1 and options.frequency - (2 * options.w + 1) < options.no_periods - 1:
        raise ValueError(
            f"noPeriods={options.no_periods} is too big for frequency {options.frequency} and w={options.w}"
        )


def _check_alpha(alpha: float) -> None:
    if not (isinstance(alpha, int | float) and 0 < alpha < 1):
        raise ValueError(f"alpha must be between 0 and 1 (exclusive), not {alpha!r}")


def _population(population: object, size: int, wanted: bool) -> np.ndarray:
    if not wanted:
        return np.ones(size)
    if population is None:
        raise ValueError("population_offset=True needs population: one figure per time point")
    pop = np.asarray(population, dtype=float)
    if pop.shape != (size,) or not np.all(np.isfinite(pop)) or np.any(pop <= 0):
        raise ValueError(f"population must hold {size} positive numbers, one per count")
    return pop


def _blocks(size: int, k: int, o: _Options) -> np.ndarray:
    """R's ``blocks``: the factor level of every point used as reference for k (nan: unused)."""
    levels = np.full(size, np.nan)
    levels[k - o.w : k + 1] = o.no_periods
    for i in range(1, o.b + 1):
        ref = k - i * o.frequency
        levels[ref - o.w : ref + o.w + 1] = o.no_periods
        if o.no_periods > 1:
            newer = k - (i - 1) * o.frequency
            period = newer - 2 * o.w - 1 - ref
            length, rest = divmod(period, o.no_periods - 1)
            sizes = [length + (1 if j < rest else 0) for j in range(o.no_periods - 1)]
            start = ref + o.w + 1
            for level, n in enumerate(sizes, start=1):
                levels[start : start + n] = level
                start += n
    levels[max(0, k - o.past_not_included) : k + 1] = np.nan
    return levels


def _design(times: np.ndarray, levels: np.ndarray, with_trend: bool, present: list[float]) -> np.ndarray:
    columns = [np.ones(times.size)]
    if with_trend:
        columns.append(times)
    columns += [(levels == level).astype(float) for level in present[1:]]  # treatment coding, first level = base
    return np.column_stack(columns)


def _fit(y: np.ndarray, x: np.ndarray, offset: np.ndarray, o: _Options) -> tuple[QuasiPoissonFit, float] | None:
    """R's ``algo.farrington.fitGLM.flexible``: fit, then reweight by Anscombe residuals and refit."""
    model = fit_quasipoisson(x, y, offset=offset)
    if not model.converged:
        return None
    phi = max(model.dispersion, 1.0) if math.isfinite(model.dispersion) else 1.0
    if o.reweight:
        omega = _anscombe_weights(model, phi, o.weights_threshold)
        model = fit_quasipoisson(x, y, weights=omega, offset=offset)
        phi = max(model.dispersion, 1.0) if math.isfinite(model.dispersion) else 1.0
    return model, phi


def _anscombe_weights(model: QuasiPoissonFit, phi: float, threshold: float) -> np.ndarray:
    return assign_weights(anscombe_residuals(model, phi), threshold)


def anscombe_residuals(model: QuasiPoissonFit, phi: float) -> np.ndarray:
    """Standardised Anscombe residuals of a Poisson-type fit (R's ``anscombe.residuals``)."""
    mu, y = model.mu, model.y
    raw = 1.5 * (y ** (2 / 3) * mu ** (-1 / 6) - mu**0.5)
    with np.errstate(divide="ignore", invalid="ignore"):
        return raw / np.sqrt(phi * (1 - model.hat))


def assign_weights(s: np.ndarray, threshold: float) -> np.ndarray:
    """R's ``algo.farrington.assign.weights``: s^-2 above the threshold, 1 below, scaled to average 1."""
    outlier = s > threshold
    factor = np.ones(s.size)
    factor[outlier] = s[outlier] ** -2.0
    return factor * (s.size / float(factor.sum()))


def _judge(y: np.ndarray, pop: np.ndarray, k: int, o: _Options) -> tuple[float, float, bool | None]:
    """(upper bound, expected count, alarm) at point k."""
    levels = _blocks(y.size, k, o)
    used = np.flatnonzero(~np.isnan(levels))
    response, times, lv = y[used], used.astype(float), levels[used]
    offset = np.log(pop[used]) if o.population_offset else np.zeros(used.size)
    offset_now = math.log(pop[k]) if o.population_offset else 0.0
    present = sorted(set(lv.tolist()))
    now = _design(np.array([float(k)]), np.array([float(o.no_periods)]), True, present)[0]
    if not response.any():  # no solution at finite coefficients; the limit is 0 (see module docstring)
        return _outcome(y, k, o, -math.inf, 0.0, 1.0, 0.0, 0.0)
    fitted = None
    with_trend = o.trend
    if with_trend:
        fitted = _fit(response, _design(times, lv, True, present), offset, o)
        if fitted is not None:
            model, _ = fitted
            mu_now, _ = model.predict_response(now, offset_now)
            keep = o.b >= 3 and model.p_value(1) < o.p_threshold_trend and mu_now <= response.max()
            if not keep:
                with_trend, fitted = False, None
    if fitted is None:
        with_trend = False
        fitted = _fit(response, _design(times, lv, False, present), offset, o)
        if fitted is None:
            return math.nan, math.nan, None
    model, phi = fitted
    x_now = now if with_trend else np.delete(now, 1)
    eta, se_eta = model.predict_link(x_now, offset_now)
    return _outcome(y, k, o, eta, se_eta, phi, math.exp(eta), se_eta * math.exp(eta))


def _outcome(
    y: np.ndarray, k: int, o: _Options, eta: float, se_eta: float, phi: float, mu0: float, se_mu: float
) -> tuple[float, float, bool | None]:
    if o.threshold_method == "delta":
        _, upper, _, score = farrington_threshold(mu0, se_mu, phi, o.powertrans, o.alpha, float(y[k]))
    else:
        _, upper, _, score = noufaily_threshold(eta, se_eta, phi, o.threshold_method, o.alpha, float(y[k]))
    cases, period = o.limit54
    enough = float(y[max(0, k - period + 1) : k + 1].sum()) >= cases
    if not enough or math.isnan(upper):
        return math.nan, mu0, False
    return upper, mu0, bool(score > 1 and y[k] != 0)


Threshold = tuple[float, float, float, float]  # lower, upper, P(Y >= y), score (y - pred) / (upper - pred)


def farrington_threshold(mu0: float, se_mu: float, phi: float, powertrans: str, alpha: float, y: float) -> Threshold:
    """R's ``algo.farrington.threshold.farrington``: bounds by a power transformation and the delta method."""
    if mu0 <= 0:  # every reference count was 0 (see module docstring): the bound is 0 and any case is above it
        return 0.0, 0.0, float(y <= 0), math.inf if y > 0 else 0.0
    tau = phi + se_mu**2 / mu0
    exponent, se = {
        "none": (1.0, math.sqrt(mu0 * tau)),
        "1/2": (0.5, math.sqrt(tau / 4)),
        "2/3": (2 / 3, math.sqrt(4 / 9 * mu0 ** (1 / 3) * tau)),
    }[powertrans]
    z = float(stats.norm.ppf(1 - alpha))
    upper = (mu0**exponent + z * se) ** (1 / exponent)
    low = mu0**exponent - z * se
    lower = low ** (1 / exponent) if low >= 0 or exponent == 1 else 0.0
    prob = float(stats.norm.sf(y**exponent, loc=mu0**exponent, scale=se))
    return max(0.0, lower), upper, prob, (y - mu0) / (upper - mu0)


def noufaily_threshold(eta: float, se_eta: float, phi: float, method: str, alpha: float, y: float) -> Threshold:
    """R's ``algo.farrington.threshold.noufaily``: negative binomial (Poisson when phi is 1) quantiles.

    ``nbPlugin`` uses the fitted mean, ``muan`` the (1-alpha) quantile of the mean (Noufaily et al. 2013).
    The score is taken against the linear predictor, as R does.
    """
    if eta == -math.inf:
        return 0.0, 0.0, float(y <= 0), math.inf if y > 0 else 0.0
    if method == "nbPlugin":
        mean = math.exp(eta)
    else:
        quantile = float(stats.norm.ppf(1 - alpha, loc=eta, scale=se_eta))
        mean = math.exp(quantile) if quantile < 700 else math.inf
    if not math.isfinite(mean):
        return math.nan, math.nan, math.nan, math.nan
    if phi > 1:
        dist = stats.nbinom(mean / (phi - 1), 1 / phi)
    else:
        dist = stats.poisson(mean)
    lower, upper = max(0.0, float(dist.ppf(alpha))), float(dist.ppf(1 - alpha))
    prob = float(dist.sf(y - 1))
    return lower, upper, prob, (y - eta) / (upper - eta) if upper != eta else math.inf


def _detection(upper: np.ndarray, alarm: list[bool | None], expected: np.ndarray) -> Detection:
    return Detection(tuple(float(v) for v in upper), tuple(alarm), tuple(float(v) for v in expected))
