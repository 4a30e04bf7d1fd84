"""A regular square grid over a study extent, in the input's own x/y units.

Cells are numbered row-major from the lower-left corner: index = row * nx + col,
row along y, col along x. Points outside the extent get index -1.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Above this a grid's per-cell arrays (several float64 copies per method) stop fitting
# comfortably in memory; real study areas at sensible cell sizes are far below it
# (Portland at 600 ft: about 13,000 cells).
MAX_CELLS = 2_000_000


def dims(x_min: float, y_min: float, x_max: float, y_max: float, cell: float) -> tuple:
    """(nx, ny) as floats, so a huge or non-finite extent can be refused before any
    allocation or int overflow."""
    with np.errstate(all="ignore"):
        nx = max(1.0, float(np.floor((float(x_max) - float(x_min)) / cell)) + 1.0)
        ny = max(1.0, float(np.floor((float(y_max) - float(y_min)) / cell)) + 1.0)
    return nx, ny


@dataclass(frozen=True)
class Grid:
    x0: float
    y0: float
    cell: float
    nx: int
    ny: int

    @classmethod
    def from_extent(
        cls, x_min: float, y_min: float, x_max: float, y_max: float, cell: float
    ) -> Grid:
        """The smallest grid of `cell`-sized squares covering the extent (at least 1x1)."""
        if not (np.isfinite(cell) and cell > 0):
            raise ValueError("cell size must be a finite positive number")
        nx, ny = dims(x_min, y_min, x_max, y_max, cell)
        if not (np.isfinite(nx) and np.isfinite(ny)) or nx * ny > MAX_CELLS:
            raise ValueError(f"the grid would need {nx * ny:.3g} cells (limit {MAX_CELLS:,})")
        return cls(float(x_min), float(y_min), float(cell), int(nx), int(ny))

    @classmethod
    def covering(cls, xs, ys, cell: float) -> Grid:
        xs = np.asarray(xs, dtype=float)
        ys = np.asarray(ys, dtype=float)
        if xs.size == 0:
            raise ValueError("no points to cover")
        return cls.from_extent(xs.min(), ys.min(), xs.max(), ys.max(), cell)

    @property
    def n(self) -> int:
        return self.nx * self.ny

    @property
    def shape(self) -> tuple[int, int]:
        """(ny, nx): the shape of a 2-D array of cell values, rows along y."""
        return (self.ny, self.nx)

    @property
    def cell_area(self) -> float:
        return self.cell * self.cell

    def index(self, xs, ys) -> np.ndarray:
        """Cell index of each point, -1 outside the grid."""
        col = np.floor((np.asarray(xs, dtype=float) - self.x0) / self.cell).astype(np.int64)
        row = np.floor((np.asarray(ys, dtype=float) - self.y0) / self.cell).astype(np.int64)
        inside = (col >= 0) & (col < self.nx) & (row >= 0) & (row < self.ny)
        return np.where(inside, row * self.nx + col, -1)

    def counts(self, xs, ys, weights=None) -> np.ndarray:
        """Count (or weight sum) of points per cell, a flat array of length n."""
        idx = self.index(xs, ys)
        keep = idx >= 0
        w = None if weights is None else np.asarray(weights, dtype=float)[keep]
        return np.bincount(idx[keep], weights=w, minlength=self.n).astype(float)

    def centers(self) -> tuple[np.ndarray, np.ndarray]:
        """x and y of every cell's centre, flat arrays in index order."""
        cols = np.tile(np.arange(self.nx), self.ny)
        rows = np.repeat(np.arange(self.ny), self.nx)
        return self.x0 + (cols + 0.5) * self.cell, self.y0 + (rows + 0.5) * self.cell

    def bounds(self, idx=None) -> np.ndarray:
        """(k, 4) array of x_min, y_min, x_max, y_max for the given cells (all by default)."""
        idx = np.arange(self.n) if idx is None else np.asarray(idx, dtype=np.int64)
        col = idx % self.nx
        row = idx // self.nx
        x_min = self.x0 + col * self.cell
        y_min = self.y0 + row * self.cell
        return np.column_stack([x_min, y_min, x_min + self.cell, y_min + self.cell])

    def to_2d(self, values) -> np.ndarray:
        return np.asarray(values).reshape(self.shape)
