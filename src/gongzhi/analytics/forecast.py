"""Weekly volume forecasts with prediction intervals, and their back-tested error (MASE).

The model, and why: weekly counts of citizens' messages are counts with a slow trend, a yearly
rhythm (heating in winter, floods in summer) and more variance than Poisson. A quasi-Poisson GLM
(log link) with a linear trend and, when two years of history exist, two yearly Fourier harmonics
captures all three in a handful of parameters, fits in milliseconds with the IRLS already used by
the Farrington detector (``gongzhi.analytics.glm``), and gives honest intervals: the predictive
distribution is a negative binomial with the fitted mean, the estimated over-dispersion and the
uncertainty of the mean (moment-matched). ETS would need a heavier dependency or home-made
likelihood optimisation, and seasonal naive cannot use a one-year history at all.

Guards, in the spirit of Farrington's: the trend is kept only if significant (p < 0.05) and if it
does not push a forecast above twice the highest week seen; at most the last 156 weeks are fitted.

Back-test: rolling origin (Hyndman & Athanasopoulos, *Forecasting: Principles and Practice*, 5.10):
from each origin in the last year (at least 26 weeks of training, or half of a shorter series),
forecast 1…h weeks ahead with a model fitted on the weeks before it. MASE = mean absolute error /
in-sample mean absolute error of the naive forecast (seasonal naive, m = 52, with two years of
history; else the last week). The naive method's own MASE on the same origins is reported alongside,
so a reader sees the skill; the naive method is also a candidate, so the chosen forecast is never
worse than it in the back-test.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import numpy as np
from scipy import stats
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gongzhi.analytics import daily_series
from gongzhi.analytics.alerts import check_counts
from gongzhi.analytics.dims import load
from gongzhi.analytics.glm import QuasiPoissonFit, fit_quasipoisson
from gongzhi.analytics.models import DayFact
from gongzhi.errors import InvalidInput

SEASON = 52.18  # weeks in a year, for the Fourier terms
MIN_WEEKS = 8
FIT_WEEKS = 156
MIN_TRAIN = 26
LEVELS = (0.8, 0.95)


@dataclass(frozen=True)
class Prediction:
    """Forecasts for the next ``len(mean)`` weeks and their central prediction intervals per level."""

    mean: tuple[float, ...]
    lower: dict[float, tuple[float, ...]]
    upper: dict[float, tuple[float, ...]]
    model: str  # e.g. "quasi-Poisson GLM: trend + 2 harmonics"


def _design(t: np.ndarray, trend: bool, harmonics: int) -> np.ndarray:
    columns = [np.ones(t.size)]
    if trend:
        columns.append(t / 52.0)
    for k in range(1, harmonics + 1):
        columns += [np.sin(2 * np.pi * k * t / SEASON), np.cos(2 * np.pi * k * t / SEASON)]
    return np.column_stack(columns)


MODELS = ("global", "local", "naive")
DISCOUNT = 0.8  # weight of a week relative to the next one in the local model (half-life about 3 weeks)


def predict(
    counts: Sequence[float] | np.ndarray,
    horizon: int = 8,
    *,
    model: str = "global",
    levels: Sequence[float] = LEVELS,
) -> Prediction:
    """Forecast the ``horizon`` weeks after ``counts`` (weekly, oldest first).

    ``global``: the GLM over up to 156 weeks (trend if significant, yearly harmonics from two years).
    ``local``: the same GLM with a trend, weighting each week 0.8 times the next one (a log-linear
    cousin of Holt's exponential smoothing), for short or shifting series.
    ``naive``: the same week last year (with two years of history) or last week, the benchmark itself,
    with normal intervals from the spread of past changes (growing with the square root of the
    horizon for last week's value); chosen when neither model beats it.
    """
    if model not in MODELS:
        raise ValueError(f"unknown model {model!r}; use one of: {', '.join(MODELS)}")
    y = _checked(counts, horizon)
    for level in levels:
        if not 0 < level < 1:
            raise ValueError(f"interval levels must be between 0 and 1, not {level!r}")
    if model == "naive":
        return _naive(y, horizon, levels)
    y = y[-FIT_WEEKS:]
    t = np.arange(y.size, dtype=float)
    future = np.arange(y.size, y.size + horizon, dtype=float)
    if model == "local":
        weights = DISCOUNT ** (y.size - 1 - t)
        fit = fit_quasipoisson(_design(t, True, 0), y, weights=weights)
        x_future, name = _design(future, True, 0), "discounted quasi-Poisson GLM: local trend"
    else:
        fit, x_future, name = _global_fit(y, t, future)
    phi = max(fit.dispersion, 1.0) if math.isfinite(fit.dispersion) else 1.0
    means, lower, upper = [], {lv: [] for lv in levels}, {lv: [] for lv in levels}
    for row in x_future:
        eta, se = fit.predict_link(row)
        mu = math.exp(eta)
        means.append(mu)
        variance = phi * mu + mu**2 * math.expm1(se**2)  # over-dispersion + uncertainty of the mean
        for level in levels:
            low, high = _quantiles(mu, variance, ((1 - level) / 2, (1 + level) / 2))
            lower[level].append(low)
            upper[level].append(high)
    return Prediction(
        mean=tuple(means),
        lower={lv: tuple(v) for lv, v in lower.items()},
        upper={lv: tuple(v) for lv, v in upper.items()},
        model=name,
    )


def _naive(y: np.ndarray, horizon: int, levels: Sequence[float]) -> Prediction:
    m = 52 if y.size >= 104 else 1
    changes = y[m:] - y[:-m]
    sigma = float(np.std(changes, ddof=1)) if changes.size > 1 else 0.0
    means = [float(y[-1]) if m == 1 else float(y[y.size - m + (h % m)]) for h in range(horizon)]
    lower: dict[float, tuple[float, ...]] = {}
    upper: dict[float, tuple[float, ...]] = {}
    for level in levels:
        z = float(stats.norm.ppf((1 + level) / 2))
        spread = [z * sigma * (math.sqrt(h + 1) if m == 1 else 1.0) for h in range(horizon)]
        lower[level] = tuple(float(max(0, math.floor(mu - s))) for mu, s in zip(means, spread, strict=True))
        upper[level] = tuple(float(math.ceil(mu + s)) for mu, s in zip(means, spread, strict=True))
    name = "seasonal naive (same week last year)" if m == 52 else "naive (last week)"
    return Prediction(mean=tuple(means), lower=lower, upper=upper, model=name)


def _global_fit(y: np.ndarray, t: np.ndarray, future: np.ndarray) -> tuple[QuasiPoissonFit, np.ndarray, str]:
    harmonics = 2 if y.size >= 104 else 0
    fit = fit_quasipoisson(_design(t, True, harmonics), y)
    x_future = _design(future, True, harmonics)
    trend = fit.converged and fit.p_value(1) < 0.05 and np.exp(x_future @ fit.coef).max() <= 2 * y.max()
    if not trend:
        fit = fit_quasipoisson(_design(t, False, harmonics), y)
        x_future = _design(future, False, harmonics)
    parts = ["trend" if trend else "level"] + ([f"{harmonics} yearly harmonics"] if harmonics else [])
    return fit, x_future, "quasi-Poisson GLM: " + " + ".join(parts)


def _quantiles(mu: float, variance: float, probabilities: tuple[float, float]) -> tuple[float, float]:
    """Quantiles of the negative binomial with this mean and variance (Poisson when not over-dispersed)."""
    if variance <= mu * (1 + 1e-9) or mu <= 0:
        values = stats.poisson.ppf(probabilities, max(mu, 1e-12))
    else:
        size = mu**2 / (variance - mu)
        values = stats.nbinom.ppf(probabilities, size, size / (size + mu))
    return float(values[0]), float(values[1])


def _checked(counts: Sequence[float] | np.ndarray, horizon: int) -> np.ndarray:
    if not isinstance(horizon, int) or not 1 <= horizon <= 26:
        raise ValueError(f"horizon must be a whole number of weeks from 1 to 26, not {horizon!r}")
    y = check_counts(counts)
    if y.size < MIN_WEEKS:
        raise ValueError(f"a series of {y.size} weeks is too short to forecast: it needs at least {MIN_WEEKS}")
    return y


# ---- back-testing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Backtest:
    mase: float | None  # of the model
    naive_mase: float | None  # of the naive benchmark on the same origins
    origins: int
    scale: float  # in-sample MAE of the naive forecast
    season: int  # 52 (seasonal naive) or 1 (last week)


def backtest(
    counts: Sequence[float] | np.ndarray, horizon: int = 8, *, model: str = "global", min_train: int = MIN_TRAIN
) -> Backtest:
    """Rolling-origin evaluation over the last year: MASE of the model and of the naive benchmark."""
    y = _checked(counts, horizon)
    m = 52 if y.size >= 104 else 1
    scale = float(np.mean(np.abs(y[m:] - y[:-m])))
    first = max(min(min_train, y.size // 2), y.size - 52, m, MIN_WEEKS)  # short series: train on half
    model_errors: list[float] = []
    naive_errors: list[float] = []
    origins = 0
    for origin in range(first, y.size):
        train = y[:origin]
        if not train.any():
            continue
        steps = min(horizon, y.size - origin)
        forecast = predict(train, steps, model=model, levels=()).mean
        origins += 1
        for h in range(steps):
            actual = y[origin + h]
            naive = train[-1] if m == 1 else train[origin - m + (h % m)]
            model_errors.append(abs(actual - forecast[h]))
            naive_errors.append(abs(actual - naive))
    if not origins or scale == 0:
        return Backtest(None, None, origins, scale, m)
    return Backtest(float(np.mean(model_errors)) / scale, float(np.mean(naive_errors)) / scale, origins, scale, m)


def best_forecast(
    counts: Sequence[float] | np.ndarray, horizon: int, *, with_backtest: bool = True
) -> tuple[Prediction, Backtest | None]:
    """The forecast of the model with the lowest back-tested MASE (the first of ``MODELS`` on ties).

    Choosing on the same back-test that is reported makes the reported MASE slightly optimistic;
    with two candidates the bias is small, and the naive MASE beside it keeps the reader honest.
    """
    if not with_backtest:
        return predict(counts, horizon), None
    tests = {model: backtest(counts, horizon, model=model) for model in MODELS}
    best = min(MODELS, key=lambda m: math.inf if tests[m].mase is None else tests[m].mase)
    return predict(counts, horizon, model=best), tests[best]


@lru_cache(maxsize=512)
def _remembered(counts: tuple[int, ...], horizon: int, with_backtest: bool) -> tuple[Prediction, Backtest | None]:
    """``best_forecast`` of a series seen before (the page is read far more often than weeks end)."""
    return best_forecast(np.asarray(counts, dtype=float), horizon, with_backtest=with_backtest)


# ---- from the facts -----------------------------------------------------------------------------


@dataclass
class SeriesForecast:
    """One category's weekly history, its forecast and its back-tested error."""

    code: str  # 一级分类 code; "" for cases without category, "*" for all cases
    name: str
    name_en: str
    weeks: list[date]  # Mondays of the history
    counts: list[int]
    future: list[date]  # Mondays of the forecast weeks
    prediction: Prediction | None = None
    backtest: Backtest | None = None
    note: str | None = None  # why there is no forecast

    def as_dict(self) -> dict[str, object]:
        p, b = self.prediction, self.backtest
        return {
            "category": self.code,
            "name": self.name,
            "name_en": self.name_en,
            "weeks": [w.isoformat() for w in self.weeks],
            "counts": self.counts,
            "future": [w.isoformat() for w in self.future],
            "mean": [round(v, 2) for v in p.mean] if p else [],
            "intervals": {str(lv): {"lower": list(p.lower[lv]), "upper": list(p.upper[lv])} for lv in p.lower}
            if p
            else {},  # fmt: skip
            "model": p.model if p else None,
            "mase": None if b is None or b.mase is None else round(b.mase, 3),
            "naive_mase": None if b is None or b.naive_mase is None else round(b.naive_mase, 3),
            "backtest_origins": b.origins if b else 0,
            "note": self.note,
        }


@dataclass
class Forecasts:
    last_week: date | None  # Monday of the last complete week
    horizon: int
    series: list[SeriesForecast] = field(default_factory=list)


def weekly_forecasts(session: Session, *, today: date, horizon: int = 8, with_backtest: bool = True) -> Forecasts:
    """Forecasts of cases received per week for all cases and per 一级分类, from complete weeks before ``today``."""
    if not 4 <= horizon <= 8:
        raise InvalidInput("forecasts look 4 to 8 weeks ahead; choose a horizon in that range", field="horizon")
    end = today - timedelta(days=today.weekday())  # Monday of this (incomplete) week: excluded
    first_day = session.scalar(select(func.min(DayFact.day)).where(DayFact.received > 0))
    if first_day is None or first_day >= end - timedelta(days=7):
        return Forecasts(last_week=None, horizon=horizon)
    start = first_day + timedelta(days=(7 - first_day.weekday()) % 7)  # first complete week
    start = max(start, end - timedelta(weeks=FIT_WEEKS))
    weeks = [start + timedelta(weeks=i) for i in range((end - start).days // 7)]
    future = [end + timedelta(weeks=i) for i in range(horizon)]
    daily = daily_series(session, start=start, end=end, by=("category_top",))
    dims = load(session)
    totals = np.zeros(len(weeks), dtype=int)
    result = Forecasts(last_week=weeks[-1] if weeks else None, horizon=horizon)
    per_category = []
    for (code,), counts in sorted(daily.items()):
        weekly = np.asarray(counts, dtype=int).reshape(-1, 7).sum(axis=1)
        totals += weekly
        member = dims.find("category", code) if code else None
        name = member.name if member else "（未分类）"
        per_category.append((code, name, member.name_en if member else "(uncategorised)", weekly))
    for code, name, name_en, weekly in [("*", "全部诉求", "All cases", totals), *per_category]:
        item = SeriesForecast(code, name, name_en, weeks, [int(v) for v in weekly], future)
        try:
            item.prediction, item.backtest = _remembered(tuple(int(v) for v in weekly), horizon, with_backtest)
        except ValueError as exc:
            item.note = str(exc)
        result.series.append(item)
    return result
