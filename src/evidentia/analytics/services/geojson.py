"""GeoJSON for grid cells: one rectangle per cell, in lat/lon."""

from __future__ import annotations

from typing import Any

import numpy as np

from evidentia.analytics.forecast.grid import Grid
from evidentia.analytics.services.places import to_lonlat


def cell_boxes(grid: Grid, idx: np.ndarray, epsg: int) -> list[dict[str, Any]]:
    """For each cell index: its bounds in the data's units and, in lat/lon, the
    rectangle holding its four corners (what the map draws) and its centre."""
    if idx.size == 0:
        return []
    b = grid.bounds(idx)
    xs = np.concatenate([b[:, 0], b[:, 2], b[:, 0], b[:, 2]])
    ys = np.concatenate([b[:, 1], b[:, 1], b[:, 3], b[:, 3]])
    lon, lat = to_lonlat(epsg, xs, ys)
    lon, lat = lon.reshape(4, idx.size), lat.reshape(4, idx.size)
    return [
        {
            "index": i,
            "x_min": float(b[j, 0]),
            "y_min": float(b[j, 1]),
            "x_max": float(b[j, 2]),
            "y_max": float(b[j, 3]),
            "south": round(float(lat[:, j].min()), 6),
            "west": round(float(lon[:, j].min()), 6),
            "north": round(float(lat[:, j].max()), 6),
            "east": round(float(lon[:, j].max()), 6),
            "centre": f"{float(lat[:, j].mean()):.5f}, {float(lon[:, j].mean()):.5f}",
        }
        for j, i in enumerate(idx.tolist())
    ]


def cell_feature(cell: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    """A cell with `south`, `west`, `north`, `east` bounds as a GeoJSON Polygon feature."""
    w, s, e, n = cell["west"], cell["south"], cell["east"], cell["north"]
    ring = [[w, s], [e, s], [e, n], [w, n], [w, s]]
    return {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "properties": properties,
    }
