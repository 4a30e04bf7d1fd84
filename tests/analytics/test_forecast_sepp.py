"""The self-exciting point process (Mohler et al. 2011) on crafted data."""

import numpy as np

from evidentia.analytics.forecast import blend, sepp
from evidentia.analytics.forecast.api import prepare

BURST = (2_150.0, 8_350.0)
OLD = (7_300.0, 2_500.0)


def near_repeats(seed=3):
    """A self-exciting history: 200 scattered calls over 40 days, each followed by
    Poisson(0.5) repeats at the same spot a few days later; plus an old hotspot (12 calls
    spread over days 0-10) and a recent near-repeat burst (8 calls, days 36-39)."""
    rng = np.random.default_rng(seed)
    day = list(rng.integers(0, 40, 200))
    x = list(rng.uniform(0, 10_000, 200))
    y = list(rng.uniform(0, 10_000, 200))
    for i in range(200):
        for _ in range(rng.poisson(0.5)):
            day.append(day[i] + rng.geometric(0.5))
            x.append(x[i] + rng.normal(0, 100))
            y.append(y[i] + rng.normal(0, 100))
    for spot, days in ((OLD, np.arange(0, 12)), (BURST, np.repeat(np.arange(36, 40), 2))):
        day += list(days)
        x += [spot[0]] * len(days)
        y += [spot[1]] * len(days)
    t = np.datetime64("2020-01-01") + np.array(day)
    return t, np.array(x), np.array(y), np.array(["BURGLARY"] * len(day))


def events():
    t, x, y, c = near_repeats()
    return prepare(t, x, y, c, category="BURGLARY", start="2020-02-10", cell_size=600)


def test_sepp_ranks_a_recent_near_repeat_burst_above_an_older_hotspot():
    ev, n = events()
    fit = sepp.fit(ev, n, 7)
    top = int(np.argmax(fit.expected(7)))
    x0, y0, x1, y1 = ev.grid.bounds([top])[0]
    assert x0 <= BURST[0] < x1 and y0 <= BURST[1] < y1
    assert fit.theta > 0
    old = ev.grid.index([OLD[0]], [OLD[1]])[0]
    assert fit.trigger[top] > 100 * fit.trigger[old]  # the burst is the trigger's doing


def test_sepp_is_deterministic():
    ev, n = events()
    a, b = sepp.fit(ev, n, 14), sepp.fit(ev, n, 14)
    assert (a.theta, a.decay_days, a.sigma_cells) == (b.theta, b.decay_days, b.sigma_cells)
    assert np.array_equal(a.expected(14), b.expected(14))


def test_sepp_with_no_history_gives_zero_scores_not_an_error():
    ev, _ = events()
    assert not sepp.sepp(ev, 0, 7).any()


def test_the_blend_carries_the_trigger_term_as_a_feature():
    ev, n = events()
    f = blend.features(ev, n, 7)
    assert f.shape[1] == len(blend.FEATURES) == len(blend.DEFAULT)
    assert np.isclose(f[:, blend.FEATURES.index("cat_trigger")].sum(), 1.0)
