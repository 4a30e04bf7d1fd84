"""The evaluation's numbers come from `metrics` and its intervals respect overlap."""

import math

import numpy as np
import pytest

from evidentia.analytics.forecast import metrics
from evidentia.analytics.forecast.api import forecast
from evidentia.analytics.forecast.evaluate import evaluate

from .test_forecast_methods import planted


def data():
    t, x, y, c = planted()
    return {"times": t, "x": x, "y": y, "category": c}


def row(result, method, horizon=None):
    return next(
        r for r in result["rows"] if r["method"] == method and horizon in (None, r["horizon"])
    )


def test_a_single_window_scores_exactly_as_metrics_does():
    d = data()
    result = evaluate(
        d,
        categories=["BURGLARY"],
        horizons=[30],
        train_end="2020-02-01",
        test_end="2020-02-08",
        cell_size=600,
    )
    f = forecast(
        d["times"], d["x"], d["y"], d["category"], category="BURGLARY",
        start="2020-02-01", horizon_days=30, cell_size=600, method="counts",
    )  # fmt: skip
    g = f.grid
    t = d["times"]
    sel = (t >= np.datetime64("2020-02-01")) & (t < np.datetime64("2020-02-08"))
    sel &= d["category"] == "BURGLARY"
    cells = g.index(d["x"][sel], d["y"][sel])
    counts = np.bincount(cells[cells >= 0], minlength=g.n)
    before = t < np.datetime64("2020-02-01")
    study = (g.counts(d["x"][before], d["y"][before]) > 0).sum() * g.cell_area
    budget = 0.75 * metrics.SQ_FT_PER_SQ_MI
    want = metrics.score_all(
        f.scores, counts, cell_area=g.cell_area, study_area=study,
        budgets_area=[budget], total=int(sel.sum()),
    )[budget]  # fmt: skip
    got = row(result, "counts")[0.75]
    assert math.isclose(got["hit_rate"], want["hit_rate"])
    assert math.isclose(got["pai"], want["pai"])
    assert math.isclose(got["pei"], want["pei"])


def test_a_budget_larger_than_the_grid_flags_the_whole_grid():
    rng = np.random.default_rng(3)
    n = 400
    d = {
        "times": np.datetime64("2020-01-01") + rng.integers(0, 30, n),
        "x": rng.uniform(0, 1_100, n),
        "y": rng.uniform(0, 1_100, n),
        "category": np.array(["A"] * n),
    }
    result = evaluate(
        d, categories=["A"], horizons=[30], train_end="2020-01-20", test_end="2020-01-31",
        cell_size=600,
    )  # fmt: skip
    q = row(result, "counts")[0.75]
    # 4 cells, all active, all flagged: every incident is a hit and PAI is 1.
    assert q["hit_rate"] == 1.0
    assert q["pai"] == pytest.approx(1.0)


def test_overlapping_daily_windows_do_not_narrow_the_interval():
    kw = dict(
        categories=["BURGLARY"], horizons=[7], train_end="2020-01-20", test_end="2020-02-03",
        cell_size=600,
    )  # fmt: skip
    daily = row(evaluate(data(), step=1, **kw), "counts")[0.75]
    weekly = row(evaluate(data(), step=7, **kw), "counts")[0.75]
    # Pooling daily windows counts each incident up to 7 times: a bootstrap over the
    # pooled hits would be about sqrt(7) ~ 2.6 times narrower than the weekly one.
    width = daily["hi"] - daily["lo"]
    assert width > 0.7 * (weekly["hi"] - weekly["lo"])
    assert daily["lo"] <= daily["pai"] <= daily["hi"]


def test_a_given_study_area_replaces_the_active_cells():
    kw = dict(
        categories=["BURGLARY"], horizons=[30], train_end="2020-02-01", test_end="2020-02-08",
        cell_size=600,
    )  # fmt: skip
    q = row(evaluate(data(), study_area_sq_mi=10.0, **kw), "counts")[0.75]
    k = metrics.budget_cells_sq_mi(0.75, 600)
    assert q["pai"] == pytest.approx(q["hit_rate"] / (k * 360_000 / (10 * 27_878_400)))
