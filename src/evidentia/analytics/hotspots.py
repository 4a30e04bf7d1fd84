"""Getis-Ord Gi* on a grid of counts, vectorised with numpy (no Django).

Gi* (Getis and Ord 1992; Ord and Getis 1995) with binary weights that include the cell
itself. For cell i with neighbourhood weights w_ij (w_ii = 1), n cells, mean X and
S = sqrt(sum x_j^2 / n - X^2):

    z_i = (sum_j w_ij x_j - X sum_j w_ij)
          / (S sqrt((n sum_j w_ij^2 - (sum_j w_ij)^2) / (n - 1)))

The sums over neighbourhoods are convolutions with the neighbourhood's kernel (zero
outside the grid, so edge cells have fewer neighbours, as in esda). Gi* is already a
z-score; p-values are two-sided from the normal. Testing every cell at 5% flags about
one in twenty cells by chance alone, so `significance` also applies the
Benjamini-Hochberg false-discovery-rate correction, which the maps use by default.
Grid counts and kernel density come from `analytics.forecast.grid` / `.kde`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import ndimage, stats

LEVELS = (0.01, 0.05, 0.10)
# The kernel is (2r+1)^2 cells and the convolution costs that per cell: a wider band
# is a request to exhaust memory (the pages refuse it before it gets here).
MAX_RADIUS_CELLS = 10


def queen() -> np.ndarray:
    """The cell and its eight neighbours."""
    return np.ones((3, 3))


def distance_band(radius_cells: float) -> np.ndarray:
    """Every cell whose centre lies within `radius_cells` cell widths of this one."""
    r = int(np.floor(radius_cells))
    offsets = np.arange(-r, r + 1)
    dx, dy = np.meshgrid(offsets, offsets)
    return (np.hypot(dx, dy) <= radius_cells + 1e-9).astype(float)


def kernel(neighbourhood: str = "queen", radius_cells: float = 1.5) -> np.ndarray:
    if neighbourhood == "queen":
        return queen()
    if neighbourhood == "distance":
        if not radius_cells >= 1:
            raise ValueError("the distance band must be at least one cell wide")
        if not radius_cells <= MAX_RADIUS_CELLS:
            raise ValueError(f"the distance band can be at most {MAX_RADIUS_CELLS} cells wide")
        return distance_band(radius_cells)
    raise ValueError("neighbourhood must be queen or distance")


@dataclass
class GiStar:
    z: np.ndarray  # same shape as the input; NaN where undefined
    p: np.ndarray  # two-sided p-values


def gi_star(values: np.ndarray, weights: np.ndarray | None = None) -> GiStar:
    """Gi* z-scores and p-values for a 2-D array of cell values (rows along y).

    z is NaN where it is undefined: when every cell holds the same value (S = 0) or a
    neighbourhood covers the whole grid (the denominator is zero)."""
    x = np.asarray(values, dtype=float)
    w = queen() if weights is None else np.asarray(weights, dtype=float)
    n = x.size
    if n < 2:
        nan = np.full(x.shape, np.nan)
        return GiStar(nan, nan.copy())
    mean = x.mean()
    s = np.sqrt(max((x**2).mean() - mean**2, 0.0))

    def conv(a: np.ndarray, k: np.ndarray) -> np.ndarray:
        return ndimage.convolve(a, k, mode="constant", cval=0.0)

    lag = conv(x, w)
    w_sum = conv(np.ones_like(x), w)
    w_sq = conv(np.ones_like(x), w**2)
    spread = (n * w_sq - w_sum**2) / (n - 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        denom = s * np.sqrt(np.clip(spread, 0.0, None))
        z = np.where(denom > 1e-12, (lag - mean * w_sum) / denom, np.nan)
    p = np.where(np.isnan(z), np.nan, 2 * stats.norm.sf(np.abs(z)))
    return GiStar(z=z, p=p)


def fdr_threshold(p: np.ndarray, alpha: float) -> float:
    """The Benjamini-Hochberg cut-off: p-values at or below it are discoveries."""
    flat = np.sort(p[~np.isnan(p)].ravel())
    m = flat.size
    if m == 0:
        return 0.0
    passed = flat <= alpha * np.arange(1, m + 1) / m
    return float(flat[np.flatnonzero(passed)[-1]]) if passed.any() else 0.0


def significance(z: np.ndarray, p: np.ndarray, *, fdr: bool = True) -> np.ndarray:
    """Per cell: +3/+2/+1 a hot spot at 99/95/90% confidence, -3/-2/-1 a cold spot,
    0 not significant. With `fdr`, each level uses its Benjamini-Hochberg cut-off."""
    out = np.zeros(z.shape, dtype=int)
    for rank, level in zip((1, 2, 3), reversed(LEVELS), strict=True):
        cut = fdr_threshold(p, level) if fdr else level
        hit = ~np.isnan(p) & (p <= cut) & (cut > 0)
        out = np.where(hit, np.sign(z).astype(int) * rank, out)
    return out
