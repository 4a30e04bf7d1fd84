"""Gaussian kernel density on a Grid, bandwidth in the grid's units.

Points are binned to cells first and the binned counts are smoothed with a
truncated Gaussian (scipy.ndimage), which is exact to within half a cell and
fast enough for any city grid.
"""

from __future__ import annotations

import numpy as np
from scipy import ndimage

from .grid import Grid


def smooth(grid: Grid, values, bandwidth: float) -> np.ndarray:
    """Gaussian-smooth per-cell values (flat, length grid.n); mass outside the grid is lost."""
    arr = grid.to_2d(np.asarray(values, dtype=float))
    sigma = float(bandwidth) / grid.cell
    if sigma <= 0:
        return arr.ravel().copy()
    out = ndimage.gaussian_filter(arr, sigma=sigma, mode="constant", cval=0.0, truncate=3.0)
    return out.ravel()


def density(grid: Grid, xs, ys, bandwidth: float, weights=None) -> np.ndarray:
    """Kernel density per cell (flat, length grid.n), in points per unit area.

    Integrates to (about) the number of points, or the weight sum, over the grid.
    """
    counts = grid.counts(xs, ys, weights)
    return smooth(grid, counts, bandwidth) / grid.cell_area
