"""A forecast's cells for the page and the downloads: colours and legend, what the map
script draws, the CSV (the CLI's columns) and the GeoJSON that carries the bias report."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from evidentia.analytics.services.forecasting import Result
from evidentia.analytics.services.geojson import cell_feature
from evidentia.core import csvsafe

# Light to dark by rank within the flagged cells (ColorBrewer Reds, dark outline drawn).
SHADES = (("#fcae91", "Lower quarter of the flagged cells"), ("#fb6a4a", "Second quarter"),
          ("#de2d26", "Third quarter"), ("#a50f15", "Top quarter (highest scores)"))  # fmt: skip


def colour(cells: list[dict]) -> list[dict[str, str]]:
    """Give each flagged cell a colour by its rank quarter; return the legend."""
    n = len(cells)
    for c in cells:
        quarter = min(3, (c["rank"] - 1) * 4 // max(n, 1))
        c["colour"] = SHADES[3 - quarter][0]
    return [{"colour": s, "label": label} for s, label in reversed(SHADES)]


def map_config(result: Result, tiles: str, attribution: str, area) -> dict[str, Any]:
    """What `analytics-map.js` draws (the template writes it with json_script)."""
    return {
        "cells": [
            {k: c[k] for k in ("south", "west", "north", "east", "colour", "count", "value")}
            for c in result.cells
        ],
        "label": "forecast score",
        "tiles": tiles,
        "attribution": attribution,
        "area": area,
        "areas": result.areas_outline,
    }


def to_csv(result: Result) -> str:
    """The flagged cells as the CLI writes them: x_min,y_min,x_max,y_max,score, ranked."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["x_min", "y_min", "x_max", "y_max", "score"])
    for c in result.cells:
        writer.writerow(
            csvsafe.row(
                [c["x_min"], c["y_min"], c["x_max"], c["y_max"], float(f"{c['score']:.6g}")]
            )
        )
    return out.getvalue()


def to_geojson(result: Result) -> str:
    """The flagged cells in lat/lon, carrying the bias report so one never travels alone."""
    q = result.query
    features = [
        cell_feature(
            c, {k: c[k] for k in ("rank", "x_min", "y_min", "x_max", "y_max", "score", "count")}
        )
        for c in result.cells
    ]
    b = result.bias
    meta = {
        **q.params(),
        "epsg": q.dataset.epsg,
        "units": q.dataset.units,
        "method_used": result.method,
        "why": result.why,
        "training_rows": result.training_rows,
        "flagged_cells": result.k,
        "bias": {
            "areas": b.areas,
            "repeat_flag_rate": b.repeat_flag_rate,
            "rows": b.rows,
            "accuracy": b.accuracy,
            "notes": b.notes,
        },
        "caution": "Calls for service and reports, not crime. Never grounds to stop anyone.",
    }
    return json.dumps({"type": "FeatureCollection", "properties": meta, "features": features})
