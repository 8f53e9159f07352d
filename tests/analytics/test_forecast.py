"""Weekly forecasts: intervals that cover, trend and season picked up, MASE computed as defined, bad input refused."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest

from gongzhi.analytics.forecast import backtest, best_forecast, predict, weekly_forecasts
from gongzhi.db import Database
from gongzhi.errors import InvalidInput
from tests.analytics.surge_support import put_facts
from tests.factories import World


def test_level_and_intervals_of_a_steady_series() -> None:
    rng = np.random.default_rng(4)
    y = rng.poisson(30, size=60)
    p = predict(y, 8)
    assert len(p.mean) == 8 and p.model == "quasi-Poisson GLM: level"
    assert all(m == pytest.approx(y.mean(), rel=1e-6) for m in p.mean)
    for i in range(8):
        assert p.lower[0.95][i] <= p.lower[0.8][i] < p.mean[i] < p.upper[0.8][i] <= p.upper[0.95][i]
    future = rng.poisson(30, size=(4000,))
    inside = np.mean((future >= p.lower[0.95][0]) & (future <= p.upper[0.95][0]))
    assert 0.93 <= inside <= 0.995  # a 95 % interval that covers about 95 %


def test_overdispersion_widens_the_intervals() -> None:
    rng = np.random.default_rng(5)
    poisson = rng.poisson(30, size=60)
    spread = rng.negative_binomial(5, 5 / 35, size=60)  # mean 30, variance 210
    narrow, wide = predict(poisson, 4), predict(spread, 4)
    assert wide.upper[0.95][0] - wide.lower[0.95][0] > 1.8 * (narrow.upper[0.95][0] - narrow.lower[0.95][0])


def test_trend_and_season_are_followed() -> None:
    rng = np.random.default_rng(6)
    t = np.arange(156 + 8)
    truth = 40 * np.exp(0.005 * t + 0.4 * np.sin(2 * np.pi * t / 52.18))
    y = rng.poisson(truth)
    p = predict(y[:156], 8)
    assert p.model == "quasi-Poisson GLM: trend + 2 yearly harmonics"
    assert np.allclose(p.mean, truth[156:], rtol=0.12)
    growing = predict(np.round(10 * np.exp(0.03 * np.arange(40))), 4)
    assert "trend" in growing.model and growing.mean[3] > growing.mean[0] > 30


def test_backtest_mase_by_hand() -> None:
    y = np.arange(1, 31)  # 30 weeks: naive scale (m = 1) is 1; origins 15..29 (training on at least half)
    result = backtest(y, 4)
    assert (result.origins, result.season, result.scale) == (15, 1, 1.0)
    # naive from origin o predicts y[o-1]: errors 1..4 from origins 15..26, then 1..3, 1..2, 1: 130 / 54
    assert result.naive_mase == pytest.approx(130 / 54)
    # a log-linear trend over-shoots a straight line (33 for 27 four weeks out): worse than naive here,
    # so the choice among the candidates falls elsewhere
    assert result.mase is not None and result.mase > result.naive_mase
    assert best_forecast(y, 4)[1].mase <= result.naive_mase
    assert backtest(np.full(30, 7), 4).mase is None  # no variation: MASE undefined


def test_best_forecast_picks_the_lower_mase() -> None:
    rng = np.random.default_rng(7)
    shifted = np.concatenate([rng.poisson(10, 40), rng.poisson(40, 12)])  # a level shift 12 weeks ago
    prediction, test = best_forecast(shifted, 4)
    assert test is not None
    assert test.mase == min(backtest(shifted, 4, model=m).mase for m in ("global", "local", "naive"))
    assert test.mase <= test.naive_mase  # the benchmark is a candidate: never worse than it
    assert prediction.model == "naive (last week)" and prediction.mean == (shifted[-1],) * 4
    assert prediction.lower[0.95][0] < shifted[-1] < prediction.upper[0.95][0]
    assert prediction.mean[0] > 30


@pytest.mark.parametrize(
    ("counts", "kwargs", "message"),
    [
        ([3, 4, 5], {}, "too short"),
        ([0] * 20, {}, "every count is 0"),
        ([3] * 10 + [-1], {}, "negative"),
        ([3] * 10 + [float("nan")], {}, "finite"),
        ([3] * 20, {"horizon": 0}, "horizon"),
        ([3] * 20, {"horizon": 40}, "horizon"),
        ([3] * 20, {"model": "ets"}, "unknown model"),
        ([3] * 20, {"levels": (1.5,)}, "levels"),
    ],
)
def test_bad_input(counts: list[float], kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        predict(counts, **kwargs)


def _weeks_of_facts(db: Database, first: date, weeks: int) -> None:
    rng = np.random.default_rng(8)
    for category, mean in (("A01", 6), ("A02", 3)):
        days = weeks * 7
        put_facts(db, {first + timedelta(days=i): int(n) for i, n in enumerate(rng.poisson(mean, days))}, category)


def test_weekly_forecasts_from_the_facts(db: Database, world: World) -> None:
    _weeks_of_facts(db, date(2025, 10, 1), 22)  # a Wednesday: the first complete week starts Monday 6 October
    with db.reading() as session:
        result = weekly_forecasts(session, today=date(2026, 3, 4), horizon=6)
    assert result.last_week == date(2026, 2, 23)  # the week of 4 March is incomplete
    assert [s.code for s in result.series] == ["*", "A"]  # all cases, then per 一级分类
    total, water = result.series
    assert total.weeks[0] == date(2025, 10, 6) and len(total.weeks) == len(total.counts) == 21
    assert total.future == [date(2026, 3, 2) + timedelta(weeks=i) for i in range(6)]
    assert total.counts == water.counts  # every case here is under 城乡建设
    assert 50 < total.prediction.mean[0] < 75 and total.backtest.mase is not None
    data = total.as_dict()
    assert data["mase"] == round(total.backtest.mase, 3) and len(data["intervals"]["0.95"]["upper"]) == 6


def test_weekly_forecasts_without_history_and_bad_horizon(db: Database, world: World) -> None:
    with db.reading() as session:
        assert weekly_forecasts(session, today=date(2026, 3, 4)).series == []
        with pytest.raises(InvalidInput, match="4 to 8 weeks"):
            weekly_forecasts(session, today=date(2026, 3, 4), horizon=12)
