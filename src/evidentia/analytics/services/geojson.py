"""GeoJSON for grid cells: one rectangle per cell, in lat/lon."""

from __future__ import annotations

from typing import Any


def cell_feature(cell: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    """A cell with `south`, `west`, `north`, `east` bounds as a GeoJSON Polygon feature."""
    w, s, e, n = cell["west"], cell["south"], cell["east"], cell["north"]
    ring = [[w, s], [e, s], [e, n], [w, n], [w, s]]
    return {
        "type": "Feature",
        "geometry": {"type": "Polygon", "coordinates": [ring]},
        "properties": properties,
    }
