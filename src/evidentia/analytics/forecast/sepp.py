"""A self-exciting point process on the grid (Mohler et al. 2011), fitted by EM.

Intensity on day d in cell c: mu(c) + theta * sum over earlier incidents j of
g_time(d - d_j) * g_space(c - c_j), where
- mu is the background: the incidents the E-step attributes to the background,
  Gaussian-smoothed at half a cell, per day;
- g_time is geometric in days, (1 - q) q^(lag - 1) for lag >= 1 (dates are days, so
  same-day pairs are not counted as triggering), q = exp(-1 / days);
- g_space is a Gaussian of `sigma` cells.
theta (the branching ratio) and mu come from EM; (days, sigma) from a small grid by
likelihood (not by backtest, so no selection on hit counts).

On the Portland month EM puts theta near 0 for every category: with dates only and one
month, near repeats are not separable from the background (the places calls recur).
The fit uses the last FIT_DAYS before the origin only: the slowest decay tried (21
days) leaves under 1% of a trigger after 100 days, so older history changes nothing but
the cost (a days x cells array; years of history would need gigabytes).

The fitted triggering term is used as one component of the blend (blend.py), where the
rolling-origin backtest on training data decides what it is worth.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from .kde import smooth
from .methods import Events

DECAY_DAYS = (1.0, 3.0, 7.0, 21.0)
SIGMA_CELLS = (0.3, 0.5, 1.0, 2.0)
ITERATIONS = 15
BACKGROUND_CELLS = 0.5
MAX_THETA = 0.95
FIT_DAYS = 120


@dataclass
class Fit:
    theta: float
    decay_days: float
    sigma_cells: float
    loglik: float
    background: np.ndarray  # expected background incidents per cell per day
    trigger: np.ndarray  # expected triggered incidents per cell over the horizon

    def expected(self, horizon: int) -> np.ndarray:
        return horizon * self.background + self.trigger


def daily_counts(ev: Events, origin: int, days: int = FIT_DAYS) -> np.ndarray:
    """(days, n cells) counts of the category's incidents on the `days` days before
    `origin` (fewer when the data start later), oldest first."""
    first = max(origin - days, 0)
    keep = ev.in_cat & (ev.day >= first) & (ev.day < origin) & (ev.cell >= 0)
    out = np.zeros((max(origin - first, 0), ev.grid.n))
    np.add.at(out, (ev.day[keep] - first, ev.cell[keep]), 1.0)
    return out


def fit(ev: Events, origin: int, horizon: int) -> Fit:
    g = ev.grid
    counts = daily_counts(ev, origin)
    days = counts.shape[0]
    zero = np.zeros(g.n)
    if days < 2 or counts.sum() == 0:
        return Fit(0.0, DECAY_DAYS[0], SIGMA_CELLS[0], 0.0, zero, zero)
    d_i, c_i = np.nonzero(counts)
    w_i = counts[d_i, c_i]
    per_day = counts.sum(axis=1)
    age = days - 1 - np.arange(days)
    best: Fit | None = None
    for sigma in SIGMA_CELLS:
        spread = ndimage.gaussian_filter(
            counts.reshape(days, g.ny, g.nx),
            sigma=(0, sigma, sigma),
            mode="constant",
            truncate=3.0,
        ).reshape(days, -1)
        for decay in DECAY_DAYS:
            q = np.exp(-1.0 / decay)
            excite = np.zeros_like(spread)
            for d in range(1, days):
                excite[d] = q * excite[d - 1] + (1 - q) * spread[d - 1]
            e_i = excite[d_i, c_i]
            # Expected offspring still inside the training period, per theta.
            compensator = float((per_day * (1 - q**age)).sum())
            theta, mu = 0.2, smooth(g, counts.sum(axis=0), BACKGROUND_CELLS * g.cell) / days
            for _ in range(ITERATIONS):
                lam = mu[c_i] + theta * e_i
                p = np.divide(theta * e_i, lam, out=np.zeros_like(lam), where=lam > 0)
                theta = min(float((w_i * p).sum()) / max(compensator, 1e-9), MAX_THETA)
                back = np.bincount(c_i, weights=w_i * (1 - p), minlength=g.n)
                mu = smooth(g, back, BACKGROUND_CELLS * g.cell) / days
            lam = mu[c_i] + theta * e_i
            loglik = float((w_i * np.log(np.maximum(lam, 1e-300))).sum())
            loglik -= days * float(mu.sum()) + theta * compensator
            if best is None or loglik > best.loglik + 1e-9:
                weights = q**age - q ** (age + horizon)
                trigger = theta * (weights[:, None] * spread).sum(axis=0)
                best = Fit(theta, decay, sigma, loglik, mu, trigger)
    return best


def sepp(ev: Events, origin: int, horizon: int) -> np.ndarray:
    """Expected incidents per cell over the horizon."""
    return fit(ev, origin, horizon).expected(horizon)
