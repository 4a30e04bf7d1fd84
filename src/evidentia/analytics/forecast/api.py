"""`forecast(...)`: one call from raw incident arrays to ranked cells.

Pure numpy/scipy; the CLI, the web pages and the evaluation all come through here.
The grid covers the bounding box of the training incidents of every category (aligned
to multiples of the cell size), so every category and method shares the same cells;
all of its cells are scored and returned, ranked.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import backtest, blend
from .grid import MAX_CELLS, Grid, dims
from .methods import BASELINES, Events

METHODS = ("auto", "blend", "counts", "kde", "prospective")
ALL = "ALL"
# Length units of x/y, as feet per unit, for the sq-mi budgets.
UNITS_PER_FOOT = {"ft": 1.0, "us-ft": 1.0 / 1.000002, "m": 0.3048}


class ForecastError(ValueError):
    """Bad input to a forecast; the message is meant for the person who asked."""


@dataclass
class Forecast:
    grid: Grid
    scores: np.ndarray  # per cell, flat in grid index order
    method: str  # the method actually used
    requested: str
    category: str
    start: np.datetime64
    horizon_days: int
    training_rows: int
    backtest: list[dict] = field(default_factory=list)  # behind an auto choice
    weights: dict | None = None  # the blend's feature weights, when it was used
    auto_choice: str | None = None  # what auto picks (set whenever the backtest ran)

    @property
    def order(self) -> np.ndarray:
        return np.argsort(-self.scores, kind="stable")

    def ranked(self) -> np.ndarray:
        """(n cells, 5): x_min, y_min, x_max, y_max, score, highest score first."""
        order = self.order
        return np.column_stack([self.grid.bounds(order), self.scores[order]])


def to_days(times) -> np.ndarray:
    """Dates or datetimes (strings, date objects, datetime64) as datetime64[D]."""
    try:
        return np.asarray(times).astype("datetime64[D]")
    except (ValueError, TypeError) as exc:
        raise ForecastError(f"Some dates could not be read: {exc}") from exc


def grid_for(xs, ys, cell_size: float) -> Grid:
    """The grid over the points' extent, aligned to multiples of the cell size; refused
    (before anything is allocated) when it would exceed grid.MAX_CELLS."""
    with np.errstate(all="ignore"):
        x0 = np.floor(xs.min() / cell_size) * cell_size
        y0 = np.floor(ys.min() / cell_size) * cell_size
    nx, ny = dims(x0, y0, xs.max(), ys.max(), cell_size)
    if not (np.isfinite(x0) and np.isfinite(y0)) or not nx * ny <= MAX_CELLS:
        raise ForecastError(
            f"A {cell_size:g}-unit grid over the data's extent ({xs.min():.6g} to "
            f"{xs.max():.6g} by {ys.min():.6g} to {ys.max():.6g}) would need about "
            f"{nx * ny:.3g} cells; the limit is {MAX_CELLS:,}. Use a larger cell size, or "
            "check the x/y columns and units."
        )
    return Grid.from_extent(x0, y0, xs.max(), ys.max(), cell_size)


def prepare(times, xs, ys, categories, *, category: str, start, cell_size: float, grid=None):
    """Training events (rows dated before `start`) on the shared grid."""
    try:
        cell_size = float(cell_size)
    except (TypeError, ValueError):
        raise ForecastError(f"The cell size {cell_size!r} is not a number.") from None
    if not (np.isfinite(cell_size) and cell_size > 0):
        raise ForecastError(f"The cell size must be a finite positive number, not {cell_size}.")
    days = to_days(times)
    xs = np.asarray(xs, dtype=float)
    ys = np.asarray(ys, dtype=float)
    cats = np.asarray(categories).astype(str)
    start = np.datetime64(start, "D")
    ok = np.isfinite(xs) & np.isfinite(ys) & ~np.isnat(days)
    if category != ALL and not (cats == category).any():
        known = ", ".join(sorted(set(cats.tolist()))[:20])
        raise ForecastError(f"No rows have category {category!r}. Known categories: {known}.")
    train = ok & (days < start)
    in_cat = train if category == ALL else train & (cats == category)
    if not in_cat.any():
        raise ForecastError(f"No {category} rows are dated before {start}: nothing to train on.")
    if grid is None:
        grid = grid_for(xs[train], ys[train], cell_size)
    day0 = days[train].min()
    # Day numbers count back from the start so that the start is always day n_days.
    n_days = int((start - day0).astype(int))
    ev = Events(
        grid=grid,
        day=(days[train] - day0).astype(int),
        cell=grid.index(xs[train], ys[train]),
        in_cat=in_cat[train],
        day0=day0,
    )
    return ev, n_days


def forecast(
    times,
    xs,
    ys,
    categories,
    *,
    category: str,
    start,
    horizon_days: int,
    cell_size: float,
    method: str = "auto",
    units: str = "ft",
    grid: Grid | None = None,
) -> Forecast:
    """Score every cell for the `horizon_days` from `start`, using only rows before it."""
    if method not in METHODS:
        raise ForecastError(f"Unknown method {method!r}; choose one of {', '.join(METHODS)}.")
    if horizon_days is None or int(horizon_days) <= 0:
        raise ForecastError("The horizon must be at least one day.")
    horizon = int(horizon_days)
    ev, n_days = prepare(
        times, xs, ys, categories, category=category, start=start, cell_size=cell_size, grid=grid
    )
    ks = backtest.budget_ks(cell_size, UNITS_PER_FOOT.get(units, 1.0))
    table: list[dict] = []
    weights = None
    choice = None
    used = method
    if method in ("auto", "blend"):
        bt = backtest.run(ev, horizon, ks)
        table = bt["rows"]
        choice = bt["best"] or "blend"
        if method == "auto":
            used = choice
        w = bt["weights"] if bt["weights"] is not None else _default_weights()
        weights = dict(zip(blend.FEATURES, (float(v) for v in w), strict=True))
    if used == "blend":
        f = blend.features(ev, n_days, horizon)
        scores = blend.score(f, np.array(list(weights.values())))
    else:
        scores = BASELINES[used](ev, n_days, horizon)
    return Forecast(
        grid=ev.grid,
        scores=np.asarray(scores, dtype=float),
        method=used,
        requested=method,
        category=category,
        start=np.datetime64(start, "D"),
        horizon_days=horizon,
        training_rows=int(ev.in_cat.sum()),
        backtest=table,
        weights=weights if used == "blend" else None,
        auto_choice=choice,
    )


def _default_weights() -> np.ndarray:
    return np.array(blend.DEFAULT, dtype=float)
