"""The forecasting methods, all scored on a Grid from binned incidents.

`Events` holds the training incidents as (day number, cell index, in-category flag);
every method maps (events, origin day, horizon) to one score per cell, using only
incidents dated strictly before the origin.

Baselines (kept honest: common published settings, not sandbagged):
- counts: the category's incidents per cell over the last 28 days;
- kde: a Gaussian kernel density (bandwidth = one cell) of the last 28 days;
- prospective: Bowers, Johnson & Pease (2004): each incident of the last 8 weeks adds
  1/(1 + distance in cells) * 1/(1 + age in weeks) to cells within 2 cells of it.
The stronger model, `blend`, is in blend.py.

Ties. Counts in particular tie a lot (a sparse category's 28-day counts are mostly 0s
and 1s), and how ties are broken moves PAI by a factor of two for burglary and motor
vehicle theft. Breaking them by cell index (row-major from the south-west) is arbitrary
and quietly favours whatever part of the city is numbered first. Every baseline here
breaks ties by the same category's count over the whole training history (what an
analyst using that baseline would look at next), then by a fixed pseudo-random order of
the cells (seeded, so deterministic, and in expectation neither good nor bad). They are
NOT broken by the density of other calls: that is extra information, which is what
the blend adds. The tie-break is a tiny term added to the score (far below any real
difference between scores), so the ranking and the score column agree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage

from .grid import Grid
from .kde import smooth

COUNTS_DAYS = 28
KDE_DAYS = 28
PROSPECTIVE_WEEKS = 8
PROSPECTIVE_RADIUS_CELLS = 2


@dataclass
class Events:
    grid: Grid
    day: np.ndarray  # int days since day0
    cell: np.ndarray  # cell index, -1 outside the grid
    in_cat: np.ndarray  # bool: the forecast's category
    day0: np.datetime64

    def window(self, start: int, end: int, *, category: bool = True) -> np.ndarray:
        """Counts per cell of incidents with start <= day < end."""
        keep = (self.day >= start) & (self.day < end) & (self.cell >= 0)
        if category:
            keep &= self.in_cat
        return np.bincount(self.cell[keep], minlength=self.grid.n).astype(float)

    @property
    def n_days(self) -> int:
        return int(self.day.max()) + 1 if self.day.size else 0


def tiebreak(ev: Events, origin: int, scores: np.ndarray) -> np.ndarray:
    """`scores` plus a term far smaller than any real gap between them, so that ties
    rank by the category's whole-history count, then by a fixed pseudo-random order."""
    history = ev.window(-(10**9), origin)
    order = np.random.default_rng(20160801).permutation(ev.grid.n) / max(ev.grid.n, 1)
    tie = history / (history.max() + 1.0) + 1e-3 * order  # in [0, 1.001)
    scale = float(np.abs(scores).max()) if scores.size else 0.0
    return scores + (scale if scale > 0 else 1.0) * 1e-9 * tie


def counts(ev: Events, origin: int, horizon: int, days: int = COUNTS_DAYS) -> np.ndarray:
    return tiebreak(ev, origin, ev.window(origin - days, origin))


def kde(
    ev: Events, origin: int, horizon: int, days: int = KDE_DAYS, bandwidth_cells: float = 1.0
) -> np.ndarray:
    out = smooth(ev.grid, ev.window(origin - days, origin), bandwidth_cells * ev.grid.cell)
    return tiebreak(ev, origin, out)


def _distance_kernel(radius: int) -> np.ndarray:
    r = np.arange(-radius, radius + 1)
    d = np.hypot(*np.meshgrid(r, r))
    return np.where(d <= radius + 1e-9, 1.0 / (1.0 + d), 0.0)


def prospective(
    ev: Events,
    origin: int,
    horizon: int,
    weeks: int = PROSPECTIVE_WEEKS,
    radius: int = PROSPECTIVE_RADIUS_CELLS,
) -> np.ndarray:
    weighted = np.zeros(ev.grid.n)
    for w in range(weeks):
        weighted += ev.window(origin - 7 * (w + 1), origin - 7 * w) / (1.0 + w)
    out = ndimage.convolve(
        ev.grid.to_2d(weighted), _distance_kernel(radius), mode="constant", cval=0.0
    )
    return tiebreak(ev, origin, out.ravel())


BASELINES = {"counts": counts, "kde": kde, "prospective": prospective}
