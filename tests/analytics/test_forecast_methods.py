"""Each method on crafted data: a planted hotspot is ranked first."""

import numpy as np
import pytest

from evidentia.analytics.forecast.api import ForecastError, forecast
from evidentia.analytics.forecast.grid import Grid
from evidentia.analytics.forecast.kde import density


def planted(seed=1, days=40, hot=(5_300.0, 7_300.0)):
    """Background incidents over 10,000 x 10,000 ft plus a burglary hotspot."""
    rng = np.random.default_rng(seed)
    n = 3000
    times = np.datetime64("2020-01-01") + rng.integers(0, days, n)
    xs = rng.uniform(0, 10_000, n)
    ys = rng.uniform(0, 10_000, n)
    cats = rng.choice(["THEFT", "BURGLARY"], n, p=[0.8, 0.2])
    k = 150
    times = np.concatenate([times, np.datetime64("2020-01-01") + rng.integers(0, days, k)])
    xs = np.concatenate([xs, hot[0] + rng.uniform(-200, 200, k)])
    ys = np.concatenate([ys, hot[1] + rng.uniform(-200, 200, k)])
    cats = np.concatenate([cats, ["BURGLARY"] * k])
    return times, xs, ys, cats


def test_a_grid_puts_points_in_cells_and_gives_their_bounds():
    g = Grid.from_extent(0, 0, 1000, 500, 500)
    assert (g.nx, g.ny) == (3, 2)
    assert list(g.index([10, 600, 10, -1], [10, 10, 600, 0])) == [0, 1, 3, -1]
    assert list(g.counts([10, 20, 600], [10, 10, 10])[:2]) == [2, 1]
    assert list(g.bounds([4])[0]) == [500, 500, 1000, 1000]


def test_kde_integrates_to_the_number_of_points():
    g = Grid.from_extent(0, 0, 10_000, 10_000, 100)
    d = density(g, [5000, 5000, 5050], [5000, 5000, 5050], bandwidth=300)
    assert d.sum() * g.cell_area == pytest.approx(3, rel=1e-3)
    assert g.index([5000], [5000])[0] == int(np.argmax(d))


@pytest.mark.parametrize("method", ["counts", "kde", "prospective", "blend", "auto"])
def test_each_method_ranks_the_planted_hotspot_first(method):
    t, x, y, c = planted()
    f = forecast(
        t,
        x,
        y,
        c,
        category="BURGLARY",
        start="2020-02-10",
        horizon_days=7,
        cell_size=600,
        method=method,
    )
    x0, y0, x1, y1, _ = f.ranked()[0]
    assert x0 <= 5_300 < x1 and y0 <= 7_300 < y1


def test_auto_selection_is_deterministic():
    t, x, y, c = planted(seed=3)
    kw = dict(category="BURGLARY", start="2020-02-10", horizon_days=7, cell_size=600)
    a = forecast(t, x, y, c, **kw)
    b = forecast(t, x, y, c, **kw)
    assert a.method == b.method
    assert a.backtest == b.backtest
    assert np.array_equal(a.scores, b.scores)


def test_auto_reports_the_backtest_behind_its_choice():
    t, x, y, c = planted()
    f = forecast(t, x, y, c, category="ALL", start="2020-02-10", horizon_days=14, cell_size=600)
    assert {r["method"] for r in f.backtest} == {"blend", "counts", "kde", "prospective"}
    assert f.method in {"blend", "counts", "kde", "prospective"}


def test_rows_on_or_after_the_start_are_ignored():
    t, x, y, c = planted()
    late = t >= np.datetime64("2020-01-20")
    kw = dict(category="BURGLARY", start="2020-01-20", horizon_days=7, cell_size=600)
    f_all = forecast(t, x, y, c, method="counts", **kw)
    f_early = forecast(t[~late], x[~late], y[~late], c[~late], method="counts", **kw)
    assert f_all.training_rows == f_early.training_rows
    assert np.array_equal(f_all.scores, f_early.scores)


@pytest.mark.parametrize(
    "kw, message",
    [
        (dict(horizon_days=0), "horizon"),
        (dict(category="ARSON"), "No rows have category"),
        (dict(start="2019-01-01"), "nothing to train on"),
        (dict(method="magic"), "Unknown method"),
    ],
)
def test_bad_requests_are_refused_clearly(kw, message):
    t, x, y, c = planted()
    args = dict(category="BURGLARY", start="2020-02-10", horizon_days=7, cell_size=600)
    args.update(kw)
    with pytest.raises(ForecastError, match=message):
        forecast(t, x, y, c, **args)


def _events(day, cell, n_cells=9, in_cat=None):
    from evidentia.analytics.forecast.methods import Events

    day = np.asarray(day)
    return Events(
        grid=Grid.from_extent(0, 0, n_cells * 100 - 1, 0, 100),
        day=day,
        cell=np.asarray(cell),
        in_cat=np.ones(day.size, bool) if in_cat is None else np.asarray(in_cat),
        day0=np.datetime64("2020-01-01"),
    )


def test_counts_ties_go_to_the_longer_history_not_the_cell_index():
    from evidentia.analytics.forecast import methods

    # Cells 1, 4 and 7 each have one incident in the last 28 days; cell 7 also had
    # two more long before, cell 4 one more: so 7, then 4, then 1 (not index order).
    ev = _events(day=[100, 100, 100, 10, 20, 30], cell=[1, 4, 7, 7, 7, 4])
    s = methods.counts(ev, 101, 7)
    assert list(np.argsort(-s, kind="stable")[:3]) == [7, 4, 1]
    assert np.allclose(s[[1, 4, 7]], 1.0) and np.allclose(s[[0, 2]], 0.0)


def test_remaining_ties_follow_a_fixed_order_that_is_not_the_cell_index():
    from evidentia.analytics.forecast import methods

    ev = _events(day=[5] * 9, cell=list(range(9)))
    a = np.argsort(-methods.counts(ev, 6, 7), kind="stable")
    b = np.argsort(-methods.counts(ev, 6, 7), kind="stable")
    assert list(a) == list(b)  # deterministic
    assert list(a) != list(range(9))  # not secretly the index


def test_the_blend_keeps_its_default_weights_unless_another_is_clearly_better():
    from evidentia.analytics.forecast import blend

    n = len(blend.weight_grid())
    hits = np.full((4, n, 3), 10.0)
    base = blend.default_index()
    assert blend.choose(hits) == base
    hits[:, 0, :] = 12.0  # 144 vs 120 hits: within noise
    assert blend.choose(hits) == base
    hits[:, 0, :] = 40.0  # 480 vs 120: clearly better
    assert blend.choose(hits) == 0
    assert blend.choose(hits, reuse=400) == base  # unless each incident was counted 400 times
    assert tuple(blend.weight_grid()[base]) == blend.DEFAULT


def test_the_blend_ranks_a_planted_hotspot_of_a_sparse_category_first():
    # 12 burglaries in 40 days, 6 of them at one spot, amid 3,000 other calls.
    rng = np.random.default_rng(7)
    t, x, y, c = planted(seed=7)
    keep = c != "BURGLARY"
    t, x, y, c = t[keep], x[keep], y[keep], c[keep]
    bt = np.datetime64("2020-01-01") + rng.integers(0, 40, 12)
    bx = np.concatenate([np.full(6, 2_150.0), rng.uniform(0, 10_000, 6)])
    by = np.concatenate([np.full(6, 8_350.0), rng.uniform(0, 10_000, 6)])
    t, x, y = np.concatenate([t, bt]), np.concatenate([x, bx]), np.concatenate([y, by])
    c = np.concatenate([c, ["BURGLARY"] * 12])
    kw = dict(category="BURGLARY", start="2020-02-10", horizon_days=7, cell_size=600)
    f = forecast(t, x, y, c, method="blend", **kw)
    x0, y0, x1, y1, _ = f.ranked()[0]
    assert x0 <= 2_150 < x1 and y0 <= 8_350 < y1
    assert np.array_equal(f.scores, forecast(t, x, y, c, method="blend", **kw).scores)
