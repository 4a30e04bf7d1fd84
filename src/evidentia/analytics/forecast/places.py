"""Which incident places to leave out of a forecast: 0,0, not finite, or far outside
the data's robust extent.

The same rule as the import's first study area (analytics/services/places.py
`robust_area`, decision 0025), written again here because that module needs Django and
this package is pure numpy: the 0.5-99.5 percentile box (10-90 below 200 points, where
the extreme percentiles are the outliers themselves), widened on each side by half its
span (its whole span below 200 points), and by at least 1 km."""

from __future__ import annotations

import numpy as np

MIN_MARGIN_METRES = 1000.0
LISTED = 5  # line numbers shown per reason


def robust_box(x, y, *, metres_per_unit: float) -> tuple[float, float, float, float]:
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    many = len(x) >= 200
    lo, hi = (0.5, 99.5) if many else (10.0, 90.0)
    share = 0.5 if many else 1.0
    box = []
    for values in (x, y):
        a, b = np.percentile(values, [lo, hi])
        margin = max((b - a) * share, MIN_MARGIN_METRES / metres_per_unit)
        box.append((float(a - margin), float(b + margin)))
    return box[0][0], box[1][0], box[0][1], box[1][1]


def screen(x, y, *, metres_per_unit: float) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """(rows to keep, {reason: rows left out for it})."""
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    bad = ~(np.isfinite(x) & np.isfinite(y))
    zero = ~bad & (x == 0) & (y == 0)
    rest = ~bad & ~zero
    far = np.zeros_like(bad)
    if rest.any():
        x0, y0, x1, y1 = robust_box(x[rest], y[rest], metres_per_unit=metres_per_unit)
        with np.errstate(invalid="ignore"):
            far = rest & ((x < x0) | (x > x1) | (y < y0) | (y > y1))
    reasons = {
        "with a blank or non-finite x/y": bad,
        "at 0,0": zero,
        "far outside the data's extent": far,
    }
    return ~(bad | zero | far), reasons
